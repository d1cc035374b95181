import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonPath } from '../../util/addon-path.js';
import { TransportError, errnoOf, messageOf, syscallOf } from './errors.js';
import { type IpFamily, checkAddress, checkInt, md5Key } from './options.js';

/**
 * Typed access to the socket-option addon (native/sockopt.c). Node cannot
 * set TCP_MD5SIG, IP_TTL or IP_MINTTL on TCP sockets, so whoever asks for
 * them gets the addon or a TransportError('ERR_NATIVE_UNAVAILABLE'); never a
 * socket silently without them.
 */

export interface Md5Peer {
  readonly address: string;
  /** UTF-8 text or raw octets, 1 to 80 octets. */
  readonly password: string | Uint8Array;
}

export interface SocketOptions {
  readonly reuseAddress?: boolean | undefined;
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  /** TTL / hop limit of outgoing packets, 1..255. */
  readonly ttl?: number | undefined;
  /** Smallest TTL / hop limit accepted from the peer (RFC 5082 GTSM), 0..255; 0 turns it off. */
  readonly minTtl?: number | undefined;
  readonly md5Peers?: readonly Md5Peer[] | undefined;
  /** When set, the socket also listens (after the options and the bind), with this backlog. */
  readonly backlog?: number | undefined;
}

export interface Sockopt {
  /** Loads the addon if needed; false (never a throw) if it cannot be loaded. */
  available(): boolean;
  /** A non-blocking TCP socket with the options applied (bound, and listening, if asked); the caller owns the fd. */
  createSocket(family: IpFamily, options?: SocketOptions): number;
  /** Sets the key for one peer address, or removes it when the password is null or empty. */
  setMd5(fd: number, family: IpFamily, peer: string, password: string | Uint8Array | null): void;
  setTtl(fd: number, family: IpFamily, ttl: number): void;
  setMinTtl(fd: number, family: IpFamily, minTtl: number): void;
  getTtl(fd: number, family: IpFamily): number;
  getMinTtl(fd: number, family: IpFamily): number;
}

interface NativeMd5 {
  address: string;
  key: Buffer;
}

/** The addon's own surface (see native/sockopt.c). */
interface NativeAddon {
  createSocket(
    family: IpFamily,
    options: {
      reuseAddress?: boolean | undefined;
      localAddress?: string | undefined;
      localPort?: number | undefined;
      ttl?: number | undefined;
      minTtl?: number | undefined;
      md5?: NativeMd5[];
      backlog?: number | undefined;
    },
  ): number;
  setMd5(fd: number, family: IpFamily, peer: string, key: Buffer | null): void;
  setTtl(fd: number, family: IpFamily, ttl: number): void;
  setMinTtl(fd: number, family: IpFamily, minTtl: number): void;
  getTtl(fd: number, family: IpFamily): number;
  getMinTtl(fd: number, family: IpFamily): number;
}

export const ADDON_FILE = 'floatd_sockopt.node';

/** The addon's path (build/Release under the package root). */
export function defaultAddonPath(from: string = dirname(fileURLToPath(import.meta.url))): string {
  return addonPath(ADDON_FILE, from);
}

const unavailable = (path: string, cause: unknown): TransportError =>
  new TransportError(
    'ERR_NATIVE_UNAVAILABLE',
    `TCP MD5 signatures and TTL/GTSM options need the native addon ${path}, which could not be loaded ` +
      `(${messageOf(cause)}). It is built by \`npm install\` (node-gyp, which needs g++, python3 and make); ` +
      'after installing those, run `npm rebuild` in the floatd package.',
    { cause },
  );

/** Addon errors are Node-style system errors (code = errno name, syscall); keep both, add a stable code. */
const fromNative = (e: unknown): TransportError => {
  const errno = errnoOf(e);
  if (errno === 'EINVAL' && e instanceof TypeError) {
    return new TransportError('ERR_INVALID_OPTION', messageOf(e), { errno, cause: e });
  }
  const syscall = syscallOf(e);
  const code = syscall === 'bind' ? 'ERR_BIND_FAILED' : syscall === 'listen' ? 'ERR_LISTEN_FAILED' : 'ERR_SOCKET_OPTION';
  return new TransportError(code, messageOf(e), { errno, cause: e });
};

function call<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw fromNative(e);
  }
}

const checkFd = (fd: number): void => checkInt(fd, 0, 0x7fffffff, 'file descriptor');
const checkFamily = (family: number): void => {
  if (family !== 4 && family !== 6) {
    throw new TransportError('ERR_INVALID_OPTION', `address family must be 4 or 6, got ${String(family)}`);
  }
};

/** A wrapper around the addon at `addonPath`, loaded on first use. Tests pass a path to simulate a missing build. */
export function openSockopt(addonPath: string): Sockopt {
  let addon: NativeAddon | undefined;
  let loadError: TransportError | undefined;

  const load = (): NativeAddon => {
    if (addon !== undefined) return addon;
    if (loadError === undefined) {
      try {
        addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
        return addon;
      } catch (e) {
        loadError = unavailable(addonPath, e);
      }
    }
    throw loadError;
  };

  return {
    available(): boolean {
      try {
        load();
        return true;
      } catch {
        return false;
      }
    },

    createSocket(family, options = {}): number {
      checkFamily(family);
      const { localAddress, localPort, ttl, minTtl, md5Peers = [], reuseAddress, backlog } = options;
      if (localAddress !== undefined) checkAddress(localAddress, family, 'local address');
      if (localPort !== undefined) checkInt(localPort, 0, 65535, 'local port');
      if (ttl !== undefined) checkInt(ttl, 1, 255, 'TTL');
      if (minTtl !== undefined) checkInt(minTtl, 0, 255, 'minimum TTL');
      if (backlog !== undefined) checkInt(backlog, 1, 65535, 'listen backlog');
      const md5 = md5Peers.map((p): NativeMd5 => {
        checkAddress(p.address, family, 'TCP MD5 peer address');
        return { address: p.address, key: md5Key(p.password, p.address) };
      });
      const native = load();
      try {
        return call(() => native.createSocket(family, { reuseAddress, localAddress, localPort, ttl, minTtl, md5, backlog }));
      } finally {
        for (const m of md5) m.key.fill(0);
      }
    },

    setMd5(fd, family, peer, password): void {
      checkFd(fd);
      checkFamily(family);
      checkAddress(peer, family, 'TCP MD5 peer address');
      const key = password === null || password.length === 0 ? null : md5Key(password, peer);
      const native = load();
      try {
        call(() => native.setMd5(fd, family, peer, key));
      } finally {
        key?.fill(0);
      }
    },

    setTtl(fd, family, ttl): void {
      checkFd(fd);
      checkFamily(family);
      checkInt(ttl, 1, 255, 'TTL');
      const native = load();
      call(() => native.setTtl(fd, family, ttl));
    },

    setMinTtl(fd, family, minTtl): void {
      checkFd(fd);
      checkFamily(family);
      checkInt(minTtl, 0, 255, 'minimum TTL');
      const native = load();
      call(() => native.setMinTtl(fd, family, minTtl));
    },

    getTtl(fd, family): number {
      checkFd(fd);
      checkFamily(family);
      const native = load();
      return call(() => native.getTtl(fd, family));
    },

    getMinTtl(fd, family): number {
      checkFd(fd);
      checkFamily(family);
      const native = load();
      return call(() => native.getMinTtl(fd, family));
    },
  };
}

/** The addon next to this package, shared by connect and listen. */
export const sockopt: Sockopt = openSockopt(defaultAddonPath());

export const nativeAvailable = (): boolean => sockopt.available();
