// Text forms of communities, for configuration and display:
//   RFC 1997 community        "65000:1" (AS:value, 16 bits each) or a well-known name
//   RFC 8092 large community  "65000:1:2" (three unsigned 32-bit numbers)

import { WellKnownCommunity } from '../constants.js';
import type { LargeCommunity } from '../types.js';

/** Names for the well-known communities (RFC 1997, RFC 3765, RFC 5065/7611, RFC 8326, RFC 7999). */
const NAMES: ReadonlyMap<number, string> = new Map([
  [WellKnownCommunity.GracefulShutdown, 'graceful-shutdown'],
  [WellKnownCommunity.AcceptOwn, 'accept-own'],
  [WellKnownCommunity.Blackhole, 'blackhole'],
  [WellKnownCommunity.NoExport, 'no-export'],
  [WellKnownCommunity.NoAdvertise, 'no-advertise'],
  [WellKnownCommunity.NoExportSubconfed, 'no-export-subconfed'],
  [WellKnownCommunity.NoPeer, 'no-peer'],
]);
const BY_NAME: ReadonlyMap<string, number> = new Map([...NAMES].map(([n, s]) => [s, n]));

/** Well-known community names and their values, for configuration and docs. */
export const COMMUNITY_NAMES: Readonly<Record<string, number>> = Object.fromEntries(BY_NAME);

const uint = (text: string, digits: number, max: number): number | undefined => {
  if (!new RegExp(`^\\d{1,${digits}}$`).test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
};

/** "65000:1", or the well-known name ("no-export") when it has one. */
export function formatCommunity(n: number): string {
  return NAMES.get(n) ?? `${n >>> 16}:${n & 0xffff}`;
}

/** Parses "AS:value" (each 0..65535) or a well-known name such as "no-export"; throws a TypeError naming the problem. */
export function parseCommunity(text: string): number {
  const named = BY_NAME.get(text);
  if (named !== undefined) return named;
  const parts = text.split(':');
  const hi = parts.length === 2 ? uint(parts[0]!, 5, 0xffff) : undefined;
  const lo = parts.length === 2 ? uint(parts[1]!, 5, 0xffff) : undefined;
  if (hi === undefined || lo === undefined) {
    throw new TypeError(`${JSON.stringify(text)} is not a community (expected "a:b" with a and b in 0..65535, or one of ${[...BY_NAME.keys()].join(', ')})`);
  }
  return ((hi << 16) | lo) >>> 0;
}

export const formatLargeCommunity = (c: LargeCommunity): string => `${c.global}:${c.local1}:${c.local2}`;

/** Parses "global:local1:local2" (each 0..4294967295); throws a TypeError naming the problem. */
export function parseLargeCommunity(text: string): LargeCommunity {
  const parts = text.split(':').map((s) => uint(s, 10, 0xffffffff));
  const [global, local1, local2] = parts;
  if (parts.length !== 3 || global === undefined || local1 === undefined || local2 === undefined) {
    throw new TypeError(`${JSON.stringify(text)} is not a large community (expected "a:b:c" with each part in 0..4294967295)`);
  }
  return { global, local1, local2 };
}
