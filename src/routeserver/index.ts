// A route server built on floatd's own speaker: accepts routes from several
// peers and picks best paths by the BGP decision process, keeping equal-cost
// paths for ECMP. Used by `floatd demo` as the upstream router.
export {
  asPathLength,
  communityPreference,
  compareTieBreak,
  decide,
  effectiveLocalPref,
  neighborAs,
  LINODE_COMMUNITY_PREFERENCE,
} from './best-path.js';
export type { Candidate, Decision, DecisionOptions, DecisionStep } from './best-path.js';
export { RouteServer } from './route-server.js';
export type { BfdPeerChange } from './bfd-peers.js';
export type { PeerChange, RouteChange, RoutePath, RouteServerOptions, RouteServerPeer } from './route-server.js';
