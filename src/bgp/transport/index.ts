export { TransportError, type TransportErrorCode } from './errors.js';
export { MD5_KEY_MAX_OCTETS, type IpFamily } from './options.js';
export { nativeAvailable, type Md5Peer } from './sockopt.js';
export { connectTcp, type ConnectOptions } from './connect.js';
export { listenTcp, setListenerMinTtl, setListenerPassword, type ListenOptions } from './listen.js';
