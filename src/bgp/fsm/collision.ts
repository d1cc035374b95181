// Connection collision resolution, RFC 4271 6.8 with the RFC 6286 3 tie-break:
// of two connections between the same pair of speakers, the one initiated by
// the speaker with the higher BGP Identifier (compared as unsigned 32-bit
// integers) survives; equal identifiers (possible between ASes since RFC 6286)
// fall back to the higher AS number.

import { ipv4ToNumber } from '../codec/ip.js';

export type CollisionWinner = 'keep-local-initiated' | 'keep-peer-initiated';

/** Of a session's connection and a new one from the peer, the one that stays. */
export type CollisionSurvivor = 'existing' | 'incoming';

export function resolveCollision(localRouterId: string, peerRouterId: string, localAs = 0, peerAs = 0): CollisionWinner {
  const local = ipv4ToNumber(localRouterId);
  const peer = ipv4ToNumber(peerRouterId);
  if (local !== peer) return local > peer ? 'keep-local-initiated' : 'keep-peer-initiated';
  return localAs >= peerAs ? 'keep-local-initiated' : 'keep-peer-initiated';
}

/** The new connection is the peer's; the existing one survives if it was opened by the winner. */
export function collisionSurvivor(winner: CollisionWinner, existing: 'inbound' | 'outbound'): CollisionSurvivor {
  return (winner === 'keep-local-initiated') === (existing === 'outbound') ? 'existing' : 'incoming';
}
