export { BfdManager, peerKey, type BfdManagerOptions, type BfdPeerOptions } from './manager.js';
export { BfdSession, BfdError, DEFAULT_BFD_TIMERS, type BfdDown, type BfdSessionOptions, type BfdTimersMs } from './bfd-session.js';
export { BfdAuthError, type AuthConfig } from './auth.js';
export { BfdNativeError } from './native.js';
export { Diag, diagText, BFD_PORT_SINGLE_HOP, BFD_PORT_MULTIHOP, type BfdStateName } from './packet.js';
