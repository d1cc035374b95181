// Bounds on what one peer may make floatd store (import: all): prefixes in
// total and per family (max-prefix), and bytes of distinct attribute sets.
// The Adj-RIB-In refuses what would go past a bound and records the first
// refusal as a LimitHit; the session then tears down or warns (RFC 4486 4).
// Pure values and functions: no I/O, no clock.

import { Afi, CeaseSubcode, ErrorCode, Safi } from '../codec/constants.js';
import type { OutgoingNotification } from '../fsm/index.js';

/** A bound applies when given; `attributeBytes` always has one (see DEFAULT_ATTRIBUTE_BYTES). */
export interface ReceiveLimits {
  /** Prefixes held from the peer, every family together. */
  readonly prefixes?: number;
  readonly ipv4?: number;
  readonly ipv6?: number;
  /** Bytes of the distinct attribute sets held (a set shared by many prefixes counts once). */
  readonly attributeBytes?: number;
}

/**
 * Without configuration a peer may still make floatd keep no more than this
 * in distinct attribute sets: 64 MiB. A full Internet table (about 1.25
 * million prefixes, a few hundred thousand distinct sets of some tens of
 * octets: an estimated 20-40 MB) fits under it.
 */
export const DEFAULT_ATTRIBUTE_BYTES = 64 << 20;

export type LimitKind = 'prefixes' | 'ipv4' | 'ipv6' | 'attribute-bytes';

/** The first refusal: which bound, its value, and the family of what was refused. */
export interface LimitHit {
  readonly kind: LimitKind;
  readonly limit: number;
  readonly afi: Afi;
}

/**
 * The NOTIFICATION for a hit. Prefix bounds: Cease / Maximum Number of
 * Prefixes Reached with AFI (2), SAFI (1) and the limit (4) as data (RFC 4486 4).
 * The attribute-bytes bound is no prefix count: Cease / Out of Resources (RFC 4486 3).
 */
export function limitNotification(hit: LimitHit): OutgoingNotification {
  if (hit.kind === 'attribute-bytes') return { code: ErrorCode.Cease, subcode: CeaseSubcode.OutOfResources };
  const data = new Uint8Array(7);
  const v = new DataView(data.buffer);
  v.setUint16(0, hit.afi);
  v.setUint8(2, Safi.Unicast);
  v.setUint32(3, Math.min(hit.limit, 0xffffffff));
  return { code: ErrorCode.Cease, subcode: CeaseSubcode.MaxPrefixes, data };
}

export function describeHit(hit: LimitHit): string {
  const family = hit.afi === Afi.Ipv6 ? 'ipv6' : 'ipv4';
  switch (hit.kind) {
    case 'prefixes':
      return `max-prefix ${hit.limit} reached (a further ${family} prefix was refused)`;
    case 'attribute-bytes':
      return `attribute-bytes ${hit.limit} reached (the peer's distinct attribute sets would take more)`;
    default:
      return `max-prefix ${hit.kind} ${hit.limit} reached`;
  }
}

/**
 * Warn mode logs once per crossing: a bound is reported when first hit and
 * again only after the count fell below it. `current` reads the count a kind limits.
 */
export class LimitWarnings {
  private readonly armed = new Set<LimitKind>();

  /** True when this hit is to be logged. */
  hit(h: LimitHit): boolean {
    if (this.armed.has(h.kind)) return false;
    this.armed.add(h.kind);
    return true;
  }

  /** Some bound has warned and waits for its count to fall below it. */
  get waiting(): boolean {
    return this.armed.size > 0;
  }

  /** After an UPDATE: bounds whose count is back below them may warn again. */
  rearm(limits: ReceiveLimits, current: (kind: LimitKind) => number): void {
    for (const k of this.armed) {
      const limit = k === 'attribute-bytes' ? limits.attributeBytes : limits[k];
      if (limit === undefined || current(k) < limit) this.armed.delete(k);
    }
  }

  clear(): void {
    this.armed.clear();
  }
}

/** What a session does at a bound: `teardown` closes and waits `restartMs` before it reconnects; `warn` logs and keeps the session. */
export interface ReceiveLimitPolicy {
  readonly limits: ReceiveLimits;
  readonly action: 'teardown' | 'warn';
  readonly restartMs: number;
}

/** The restart time after a teardown when none is configured (BIRD and FRR call it so too). */
export const DEFAULT_RESTART_SECONDS = 60;

/** Only the byte bound, for a peer without max-prefix. */
export const DEFAULT_POLICY: ReceiveLimitPolicy = { limits: { attributeBytes: DEFAULT_ATTRIBUTE_BYTES }, action: 'teardown', restartMs: DEFAULT_RESTART_SECONDS * 1000 };
