import { closeSync } from 'node:fs';
import net from 'node:net';
import { TransportError, errnoOf, messageOf, syscallOf } from './errors.js';
import { checkInt, familyOf } from './options.js';
import { type Sockopt, sockopt } from './sockopt.js';

export interface ConnectOptions {
  /** The peer's address (a literal; names are not resolved). */
  readonly host: string;
  readonly port: number;
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  /** TCP MD5 signature key (RFC 2385), 1..80 octets. */
  readonly password?: string | Uint8Array | undefined;
  /** TTL / hop limit of our packets, 1..255 (255 for GTSM, RFC 5082). */
  readonly ttl?: number | undefined;
  /** Smallest TTL / hop limit accepted from the peer (GTSM: 255 for a directly connected peer). */
  readonly minTtl?: number | undefined;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Opens a TCP connection to a BGP peer. Without password, TTL or minimum TTL
 * it is a plain net.connect; with any of them the addon creates the socket
 * with the options in place before the SYN, and net.Socket adopts it.
 * Rejects with a TransportError: ERR_INVALID_OPTION, ERR_NATIVE_UNAVAILABLE,
 * ERR_SOCKET_OPTION, ERR_BIND_FAILED, ERR_CONNECT_FAILED, ERR_CONNECT_TIMEOUT
 * (also the symptom of a wrong MD5 key: the peer drops our SYN) or
 * ERR_CONNECT_ABORTED.
 */
export async function connectTcp(options: ConnectOptions, native: Sockopt = sockopt): Promise<net.Socket> {
  const { host, port, localAddress, localPort, password, ttl, minTtl, timeoutMs, signal } = options;
  const family = familyOf(host, 'peer address');
  checkInt(port, 1, 65535, 'peer port');
  checkInt(timeoutMs, 1, 0x7fffffff, 'connect timeout (ms)');
  if (localAddress !== undefined && familyOf(localAddress, 'local address') !== family) {
    throw new TransportError('ERR_INVALID_OPTION', `local address ${localAddress} and peer ${host} differ in family`);
  }
  if (localPort !== undefined) checkInt(localPort, 0, 65535, 'local port');
  if (signal?.aborted === true) throw aborted(host, port, signal.reason);

  let socket: net.Socket;
  if (password === undefined && ttl === undefined && minTtl === undefined) {
    socket = net.connect({ host, port, family, localAddress, localPort });
  } else {
    const fd = native.createSocket(family, {
      reuseAddress: localPort !== undefined && localPort !== 0,
      localAddress,
      localPort,
      ttl,
      minTtl,
      md5Peers: password === undefined ? [] : [{ address: host, password }],
    });
    try {
      socket = new net.Socket({ fd });
    } catch (e) {
      closeSync(fd);
      throw new TransportError('ERR_SOCKET_OPTION', `adopting the socket for ${host}: ${messageOf(e)}`, {
        errno: errnoOf(e),
        cause: e,
      });
    }
    socket.connect({ host, port });
  }
  const hint = password === undefined ? '' : ' (a TCP MD5 key mismatch looks like this)';
  return settle(socket, host, port, timeoutMs, hint, signal);
}

const aborted = (host: string, port: number, reason: unknown): TransportError =>
  new TransportError('ERR_CONNECT_ABORTED', `connect to ${host} port ${port} aborted`, { cause: reason });

function settle(
  socket: net.Socket,
  host: string,
  port: number,
  timeoutMs: number,
  timeoutHint: string,
  signal: AbortSignal | undefined,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (e: TransportError): void => {
      done();
      socket.destroy();
      reject(e);
    };
    const onConnect = (): void => {
      done();
      resolve(socket);
    };
    const onError = (e: Error): void => {
      const errno = errnoOf(e);
      const code = syscallOf(e) === 'bind' ? 'ERR_BIND_FAILED' : 'ERR_CONNECT_FAILED';
      fail(new TransportError(code, `connect to ${host} port ${port}: ${e.message}`, { errno, cause: e }));
    };
    const onAbort = (): void => fail(aborted(host, port, signal?.reason));
    const timer = setTimeout(
      () =>
        fail(
          new TransportError(
            'ERR_CONNECT_TIMEOUT',
            `connect to ${host} port ${port}: no answer within ${timeoutMs} ms${timeoutHint}`,
          ),
        ),
      timeoutMs,
    );
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
