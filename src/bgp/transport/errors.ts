/** Local transport failures. Every one has a stable `code`; system failures also carry the errno name. */
export type TransportErrorCode =
  /** The socket-option addon could not be loaded (not built, or built for another Node). */
  | 'ERR_NATIVE_UNAVAILABLE'
  /** A caller passed an option that cannot be applied (bad address, password too long, TTL out of range). */
  | 'ERR_INVALID_OPTION'
  /** The kernel refused a socket option or a socket (setsockopt/socket failed; see `errno`). */
  | 'ERR_SOCKET_OPTION'
  /** The local address or port could not be bound (see `errno`, e.g. EADDRINUSE). */
  | 'ERR_BIND_FAILED'
  /** The connection was refused or failed (see `errno`, e.g. ECONNREFUSED). */
  | 'ERR_CONNECT_FAILED'
  /** No connection within the allowed time; with TCP MD5 this is also what a wrong key looks like. */
  | 'ERR_CONNECT_TIMEOUT'
  /** The caller's AbortSignal fired before the connection was made. */
  | 'ERR_CONNECT_ABORTED'
  /** The listening socket could not be set up (see `errno`). */
  | 'ERR_LISTEN_FAILED';

export interface TransportErrorOptions {
  /** The errno name ('EINVAL', 'ECONNREFUSED', ...) when a system call failed. */
  readonly errno?: string | undefined;
  readonly cause?: unknown;
}

export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly errno: string | undefined;
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    options: TransportErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errno = options.errno;
  }
}

/** The fields a Node or addon system error carries; anything else reads as undefined. */
export interface SystemErrorLike {
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly message?: unknown;
}

export const errnoOf = (e: unknown): string | undefined => {
  const code = (e as SystemErrorLike | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
};

export const syscallOf = (e: unknown): string | undefined => {
  const s = (e as SystemErrorLike | null)?.syscall;
  return typeof s === 'string' ? s : undefined;
};

export const messageOf = (e: unknown): string =>
  e instanceof Error ? e.message : String(e);
