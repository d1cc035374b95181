import net from 'node:net';
import { TransportError, errnoOf } from './errors.js';
import { type IpFamily, checkAddress, checkInt, familyOf } from './options.js';
import { type Md5Peer, type Sockopt, sockopt } from './sockopt.js';

export interface ListenOptions {
  /** The local address to listen on ('::' also takes IPv4 peers, as IPv4-mapped addresses). */
  readonly host: string;
  readonly port: number;
  /** Peers whose connections must carry these TCP MD5 keys; others' keyed SYNs are dropped by the kernel. */
  readonly md5Peers?: readonly Md5Peer[] | undefined;
  /** TTL / hop limit of packets on accepted connections (the kernel copies it from the listener). */
  readonly ttl?: number | undefined;
  /** Smallest TTL / hop limit accepted (GTSM); checked on the SYN and inherited by accepted connections. */
  readonly minTtl?: number | undefined;
  readonly backlog?: number | undefined;
}

interface Listener {
  readonly fd: number;
  readonly family: IpFamily;
  readonly native: Sockopt;
  /** The TTL the listener had before GTSM was asked for (the system's default), to go back to. */
  readonly plainTtl: number;
}

/** Linux's net.ipv4.ip_default_ttl, when the listener started with GTSM and never saw its default. */
const DEFAULT_TTL = 64;

/** Descriptors of listeners made through the addon, so keys can change while they run. */
const listeners = new WeakMap<net.Server, Listener>();

/**
 * Listens for BGP connections. The addon creates, configures and binds the
 * socket (keys and TTLs are in place before the first SYN can arrive) and
 * net.Server adopts it. The addon is required when keys or TTLs are asked
 * for; otherwise it is still used when present, so setListenerPassword works
 * on any listener, and plain net.Server is the fallback only when nothing
 * needs it. Accepted sockets inherit the listener's TTL, minimum TTL and keys
 * (the kernel clones the listening socket), so nothing is set per connection.
 * Rejects with ERR_INVALID_OPTION, ERR_NATIVE_UNAVAILABLE, ERR_SOCKET_OPTION
 * or ERR_LISTEN_FAILED.
 */
export async function listenTcp(options: ListenOptions, native: Sockopt = sockopt): Promise<net.Server> {
  const { host, port, md5Peers = [], ttl, minTtl, backlog = 511 } = options;
  const family = familyOf(host, 'listen address');
  checkInt(port, 0, 65535, 'listen port');
  checkInt(backlog, 1, 65535, 'listen backlog');
  for (const p of md5Peers) checkAddress(p.address, family, 'TCP MD5 peer address');

  const needsNative = md5Peers.length > 0 || ttl !== undefined || minTtl !== undefined;
  const server = net.createServer();
  if (!needsNative && !native.available()) {
    await listening(server, () => server.listen({ host, port, backlog }), host, port);
    return server;
  }

  let fd: number;
  try {
    fd = native.createSocket(family, {
      reuseAddress: true,
      localAddress: host,
      localPort: port,
      ttl,
      minTtl,
      md5Peers,
      backlog,
    });
  } catch (e) {
    if (e instanceof TransportError && (e.code === 'ERR_BIND_FAILED' || e.code === 'ERR_LISTEN_FAILED')) {
      throw new TransportError('ERR_LISTEN_FAILED', `listen on ${host} port ${port}: ${e.message}`, {
        errno: e.errno,
        cause: e,
      });
    }
    throw e;
  }
  // net adopts a listening TCP descriptor without fail (the backlog argument
  // keeps its own listen() call from resetting ours); if it still errs, net
  // has closed the descriptor already, so it is not closed again here.
  await listening(server, () => server.listen({ fd }, backlog), host, port);
  let plainTtl = DEFAULT_TTL;
  if (ttl === undefined) {
    try {
      plainTtl = native.getTtl(fd, family);
    } catch {
      plainTtl = DEFAULT_TTL;
    }
  }
  listeners.set(server, { fd, family, native, plainTtl });
  server.once('close', () => listeners.delete(server));
  return server;
}

/**
 * Adds, replaces or (with null or '') removes the TCP MD5 key for one peer on
 * a running listener from listenTcp. Removing a key that is not set is not an
 * error. Throws ERR_INVALID_OPTION for a server that is not such a listener
 * (or no longer listening), ERR_NATIVE_UNAVAILABLE, or ERR_SOCKET_OPTION.
 */
export function setListenerPassword(server: net.Server, address: string, password: string | Uint8Array | null): void {
  const l = listeners.get(server);
  if (l === undefined || !server.listening) {
    throw new TransportError(
      'ERR_INVALID_OPTION',
      'setListenerPassword needs a running listener made by listenTcp with the native addon',
    );
  }
  try {
    l.native.setMd5(l.fd, l.family, address, password);
  } catch (e) {
    const removing = password === null || password.length === 0;
    if (removing && e instanceof TransportError && e.errno === 'ENOENT') return;
    throw e;
  }
}

/**
 * Gives a running listener from listenTcp GTSM (RFC 5082 3: send TTL 255,
 * accept only SYNs with TTL >= minTtl), or with null takes it away (minimum
 * 0, the TTL it had before). Connections accepted from then on inherit it,
 * as they would from a listener opened with those options. Throws
 * ERR_INVALID_OPTION for a server that is not such a listener, or
 * ERR_SOCKET_OPTION.
 */
export function setListenerMinTtl(server: net.Server, minTtl: number | null): void {
  const l = listeners.get(server);
  if (l === undefined || !server.listening) {
    throw new TransportError('ERR_INVALID_OPTION', 'setListenerMinTtl needs a running listener made by listenTcp with the native addon');
  }
  if (minTtl !== null) {
    checkInt(minTtl, 1, 255, 'minimum TTL');
    l.native.setTtl(l.fd, l.family, 255);
    l.native.setMinTtl(l.fd, l.family, minTtl);
  } else {
    l.native.setMinTtl(l.fd, l.family, 0);
    l.native.setTtl(l.fd, l.family, l.plainTtl);
  }
}

function listening(server: net.Server, start: () => void, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      server.off('listening', onListening);
      reject(
        new TransportError('ERR_LISTEN_FAILED', `listen on ${host} port ${port}: ${e.message}`, {
          errno: errnoOf(e),
          cause: e,
        }),
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    start();
  });
}
