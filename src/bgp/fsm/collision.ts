// Connection collision resolution, RFC 4271 6.8 with the RFC 6286 3 tie-break:
// of two connections between the same pair of speakers, the one initiated by
// the speaker with the higher BGP Identifier (compared as unsigned 32-bit
// integers) survives; equal identifiers (possible between ASes since RFC 6286)
// fall back to the higher AS number.

import { ipv4ToNumber } from '../codec/ip.js';

export type CollisionWinner = 'keep-local-initiated' | 'keep-peer-initiated';

export function resolveCollision(localRouterId: string, peerRouterId: string, localAs = 0, peerAs = 0): CollisionWinner {
  const local = ipv4ToNumber(localRouterId);
  const peer = ipv4ToNumber(peerRouterId);
  if (local !== peer) return local > peer ? 'keep-local-initiated' : 'keep-peer-initiated';
  return localAs >= peerAs ? 'keep-local-initiated' : 'keep-peer-initiated';
}
