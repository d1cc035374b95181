// What a live reload has to do: the running config against the new one, key
// by key, so that only what changed changes. Pure: no I/O, no clock.
//
// Values are compared structurally (passwords by their value, never shown),
// and each key is classified through the tables below. A key missing from a
// table takes the safe side: a neighbor key resets the session, a service key
// restarts the checks, a top-level key refuses the reload. New schema keys are
// therefore covered before anyone thinks about them here. How a changed
// value reads in the output is config-values.ts.

import type { StaticAnnouncementConfig, Config, NeighborConfig } from '../config/index.js';
import type { ServiceConfig } from '../config/config-schema.js';
import { describe, fields, formatValue, keysOf, sameValue, type Obj } from './config-values.js';

/** How a changed top-level key is applied. `section` keys have their own diff below. */
export type TopLevelKeyClass =
  | { readonly kind: 'restart'; readonly why: string }
  /** Part of every session's OPEN: every neighbor is reset. */
  | { readonly kind: 'sessions' }
  /** Only constrains what the file may hold; the new config has passed it already. */
  | { readonly kind: 'none' }
  | { readonly kind: 'section' };

const restart = (why: string): TopLevelKeyClass => ({ kind: 'restart', why });

/** camelCase config keys. Not listed: restart (the reload is refused). */
export const TOP_LEVEL_KEYS: Readonly<Record<string, TopLevelKeyClass>> = {
  routerId: restart('the BGP identifier of every session; restart floatd to change it'),
  localAs: restart('our AS in every session and AS path; restart floatd to change it'),
  controlSocket: restart('the socket reloads come through; restart floatd to move it'),
  controlSocketMode: restart('set on the control socket when it is created; restart floatd to change it'),
  controlSocketGroup: restart('set on the control socket when it is created; restart floatd to change it'),
  listen: restart('the BGP listener is bound once at start, when binding port 179 is still allowed; restart floatd to change it'),
  metrics: restart('the metrics listener is bound once at start; restart floatd to change it'),
  hostname: { kind: 'sessions' },
  allow: { kind: 'none' },
  neighbors: { kind: 'section' },
  announce: { kind: 'section' },
  services: { kind: 'section' },
  vrrp: restart('VRRP instances open their sockets once at start; restart floatd to change VRRP'),
};

/** `session`: the session is reset; `routes`: only the Adj-RIB-Out is re-synced; `info`: nothing on the wire. */
export type NeighborKeyClass = 'session' | 'routes' | 'info';

/**
 * Neighbor keys that do not need a session reset. Every other key (peer-as,
 * hold-time, password, ttl-security, families, import, ...) goes into the OPEN
 * or the TCP connection, or is not known here, and resets the session.
 */
export const NEIGHBOR_KEYS: Readonly<Record<string, NeighborKeyClass>> = {
  nextHop: 'routes',
  description: 'info',
  // Where the password comes from; the value itself is compared under `password`.
  passwordFile: 'info',
  passwordEnv: 'info',
  // The BFD session beside it is replaced on its own (BfdLinks.reconfigure); the BGP session stays.
  bfd: 'info',
};

/** `checks`: the service's health checks restart; `policy`: its routes are re-announced with the new policy. */
export type ServiceKeyClass = 'checks' | 'policy';

/** Service keys that leave the checks running. Every other key (check, rise, fall, intervals, disable-file, ...) restarts them. */
export const SERVICE_KEYS: Readonly<Record<string, ServiceKeyClass>> = {
  // The probe does not use them; hooks get them in PREFIXES, so an applier keeping the checks passes the new list on.
  prefixes: 'policy',
  nextHop: 'policy',
  up: 'policy',
  whenDown: 'policy',
  whenDisabled: 'policy',
  role: 'policy',
  roleStyle: 'policy',
  failback: 'policy',
  neighbors: 'policy',
  targets: 'policy',
  // Used only when a drain runs (operator or stop).
  drain: 'policy',
  drainOnStop: 'policy',
  // The MED while up: its load reading restarts (see `keys`), the health checks do not.
  medFromLoad: 'policy',
};

export interface NeighborChange {
  readonly address: string;
  /** The camelCase config keys that differ, for appliers that act per key. */
  readonly keys: readonly string[];
  /** One item per changed value, e.g. "hold-time 90 -> 30", "password changed". */
  readonly changes: readonly string[];
}

export interface ServiceChange {
  readonly name: string;
  readonly keys: readonly string[];
  readonly changes: readonly string[];
}

/**
 * Everything a reload must do. Lists name neighbors by address and services
 * by name; the configs themselves are in the new Config. The plan holds no
 * password, so it can be logged or serialized as it is.
 */
export interface ReloadPlan {
  /** Changes a live reload cannot apply, each with its reason; when not empty the reload is refused. */
  readonly restartRequired: readonly string[];
  readonly neighbors: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    /** Session-affecting changes: close (Cease) and start the session again with the new config. */
    readonly reset: readonly NeighborChange[];
    /** Only what the neighbor receives changed: keep the session, re-sync its Adj-RIB-Out. */
    readonly routesOnly: readonly NeighborChange[];
    /** Nothing on the wire changes (description, where the password is read from): replace the stored config. */
    readonly infoOnly: readonly NeighborChange[];
    readonly unchanged: readonly string[];
  };
  readonly services: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    /** Check, thresholds or timing changed: restart the service's health checks. */
    readonly restart: readonly ServiceChange[];
    /** Only what is announced (attributes, role, prefixes, receivers) changed: re-announce, checks keep running. */
    readonly policyOnly: readonly ServiceChange[];
    readonly unchanged: readonly string[];
  };
  /** The static `announce` entries, by prefix; entry order does not matter. */
  readonly announce: {
    readonly changed: boolean;
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly modified: readonly string[];
  };
  /**
   * With a listen section in both configs: the per-neighbor MD5 keys or the
   * GTSM minimum TTL that the listening socket holds have changed.
   */
  readonly listenerOptionsChanged: boolean;
  /**
   * One line per change, for logs and the ReloadResult, restart-required ones
   * included; empty when the two configs are the same.
   */
  readonly changes: readonly string[];
}

// ---- sections ----

const RANK: Readonly<Record<NeighborKeyClass, number>> = { info: 0, routes: 1, session: 2 };

/** With ttl-security the TTL sent is always 255 (RFC 5082 3): the multihop value, a default there, means nothing. */
const effectiveNeighbor = (n: NeighborConfig): Obj => (n.ttlSecurity === false ? fields(n) : { ...fields(n), multihop: undefined });

interface Classified<C> {
  readonly cls: C | undefined;
  readonly keys: string[];
  readonly changes: string[];
}

/** `forAll`: top-level changes that reset every session, listed under their top-level key. */
function diffNeighbor(a: NeighborConfig, b: NeighborConfig, forAll: Classified<NeighborKeyClass>): Classified<NeighborKeyClass> {
  const ao = effectiveNeighbor(a);
  const bo = effectiveNeighbor(b);
  const keys = [...forAll.keys];
  const changes = [...forAll.changes];
  let cls = forAll.cls;
  for (const k of keysOf(ao, bo)) {
    if (sameValue(ao[k], bo[k])) continue;
    keys.push(k);
    const c = NEIGHBOR_KEYS[k] ?? 'session';
    if (cls === undefined || RANK[c] > RANK[cls]) cls = c;
    describe('', k, ao[k], bo[k], changes);
  }
  return { cls, keys, changes };
}

/** Receivers per prefix, for prefixes in both configs; added or removed prefixes are reported under `prefixes`. */
function describeTargets(a: ServiceConfig, b: ServiceConfig, out: string[]): void {
  b.prefixes.forEach((p, j) => {
    const i = a.prefixes.indexOf(p);
    if (i < 0) return;
    const before = a.targets[i] ?? [];
    const after = b.targets[j] ?? [];
    if (!sameValue(before, after)) out.push(`${p} sent to ${formatValue(before)} -> ${formatValue(after)}`);
  });
}

function diffService(a: ServiceConfig, b: ServiceConfig): Classified<ServiceKeyClass> {
  const ao = fields(a);
  const bo = fields(b);
  const keys: string[] = [];
  const changes: string[] = [];
  let cls: ServiceKeyClass | undefined;
  for (const k of keysOf(ao, bo)) {
    if (sameValue(ao[k], bo[k])) continue;
    keys.push(k);
    const c = SERVICE_KEYS[k] ?? 'checks';
    if (cls !== 'checks') cls = c;
    if (k === 'targets') describeTargets(a, b, changes);
    else describe('', k, ao[k], bo[k], changes);
  }
  return { cls, keys, changes };
}

function byPrefix(entries: readonly StaticAnnouncementConfig[]): Map<string, StaticAnnouncementConfig[]> {
  const m = new Map<string, StaticAnnouncementConfig[]>();
  for (const e of entries) m.set(e.prefix, [...(m.get(e.prefix) ?? []), e]);
  return m;
}

/** Entries of one prefix as a multiset: every entry of one side matched by an equal one on the other. */
function sameEntries(a: readonly StaticAnnouncementConfig[], b: readonly StaticAnnouncementConfig[]): boolean {
  if (a.length !== b.length) return false;
  const left = [...b];
  return a.every((x) => {
    const i = left.findIndex((y) => sameValue(x, y));
    if (i >= 0) left.splice(i, 1);
    return i >= 0;
  });
}

/** MD5 keys and GTSM settings the listening socket is given (see Speaker.start). */
function listenerOptionsDiffer(a: Config, b: Config): boolean {
  const keys = (c: Config) => new Map(c.neighbors.flatMap((n) => (n.password ? [[n.address, n.password] as const] : [])));
  const ka = keys(a);
  const kb = keys(b);
  const md5 = ka.size !== kb.size || [...kb].some(([addr, pw]) => !sameValue(ka.get(addr), pw));
  const gtsm = (c: Config): string[] => [...new Set(c.neighbors.map((n) => String(n.ttlSecurity)))].sort();
  return md5 || !sameValue(gtsm(a), gtsm(b));
}

interface TopLevelDiff {
  readonly restartRequired: string[];
  /** Changes that reset every session, as one neighbor's own changes would. */
  readonly allSessions: Classified<NeighborKeyClass>;
  /** Changes with nothing to apply. */
  readonly info: string[];
}

function diffTopLevel(old: Config, next: Config): TopLevelDiff {
  const restartRequired: string[] = [];
  const sessionKeys: string[] = [];
  const sessionLines: string[] = [];
  const info: string[] = [];
  const oo = fields(old);
  const no = fields(next);
  for (const k of keysOf(oo, no)) {
    const c = TOP_LEVEL_KEYS[k] ?? restart('floatd cannot apply this key live; restart floatd to change it');
    if (c.kind === 'section' || sameValue(oo[k], no[k])) continue;
    const lines: string[] = [];
    describe('', k, oo[k], no[k], lines);
    if (c.kind === 'restart') restartRequired.push(...lines.map((l) => `${l} (${c.why})`));
    else if (c.kind === 'none') info.push(...lines);
    else {
      sessionKeys.push(k);
      sessionLines.push(...lines);
    }
  }
  const allSessions = { cls: sessionKeys.length > 0 ? ('session' as const) : undefined, keys: sessionKeys, changes: sessionLines };
  return { restartRequired, allSessions, info };
}

const NEIGHBOR_VERB: Readonly<Record<NeighborKeyClass, string>> = { session: 'reset', routes: 'routes updated', info: 'updated' };

function diffNeighbors(old: Config, next: Config, allSessions: Classified<NeighborKeyClass>, changes: string[]): ReloadPlan['neighbors'] {
  const before = new Map(old.neighbors.map((n) => [n.address, n]));
  const kept = new Set(next.neighbors.map((n) => n.address));
  const removed = old.neighbors.filter((n) => !kept.has(n.address)).map((n) => n.address);
  const added: string[] = [];
  const byClass: Record<NeighborKeyClass, NeighborChange[]> = { session: [], routes: [], info: [] };
  const unchanged: string[] = [];
  for (const address of removed) changes.push(`neighbor ${address} removed`);
  for (const n of next.neighbors) {
    const a = before.get(n.address);
    if (a === undefined) {
      added.push(n.address);
      changes.push(`neighbor ${n.address} added`);
      continue;
    }
    const d = diffNeighbor(a, n, allSessions);
    if (d.cls === undefined) {
      unchanged.push(n.address);
      continue;
    }
    byClass[d.cls].push({ address: n.address, keys: d.keys, changes: d.changes });
    changes.push(`neighbor ${n.address} ${NEIGHBOR_VERB[d.cls]}: ${d.changes.join(', ')}`);
  }
  return { added, removed, reset: byClass.session, routesOnly: byClass.routes, infoOnly: byClass.info, unchanged };
}

const SERVICE_VERB: Readonly<Record<ServiceKeyClass, string>> = { checks: 'checks restarted', policy: 'policy updated' };

function diffServices(old: Config, next: Config, changes: string[]): ReloadPlan['services'] {
  const before = new Map((old.services ?? []).map((s) => [s.name, s]));
  const kept = new Set((next.services ?? []).map((s) => s.name));
  const removed = (old.services ?? []).filter((s) => !kept.has(s.name)).map((s) => s.name);
  const added: string[] = [];
  const byClass: Record<ServiceKeyClass, ServiceChange[]> = { checks: [], policy: [] };
  const unchanged: string[] = [];
  for (const name of removed) changes.push(`service ${name} removed`);
  for (const s of next.services ?? []) {
    const a = before.get(s.name);
    if (a === undefined) {
      added.push(s.name);
      changes.push(`service ${s.name} added`);
      continue;
    }
    const d = diffService(a, s);
    if (d.cls === undefined) {
      unchanged.push(s.name);
      continue;
    }
    byClass[d.cls].push({ name: s.name, keys: d.keys, changes: d.changes });
    changes.push(`service ${s.name} ${SERVICE_VERB[d.cls]}: ${d.changes.join(', ')}`);
  }
  return { added, removed, restart: byClass.checks, policyOnly: byClass.policy, unchanged };
}

function diffAnnounce(old: Config, next: Config, changes: string[]): ReloadPlan['announce'] {
  const before = byPrefix(old.announce);
  const after = byPrefix(next.announce);
  const removed = [...before.keys()].filter((p) => !after.has(p));
  const added: string[] = [];
  const modified: string[] = [];
  for (const prefix of removed) changes.push(`announce ${prefix} removed`);
  for (const [prefix, entries] of after) {
    const was = before.get(prefix);
    if (was === undefined) {
      added.push(prefix);
      changes.push(`announce ${prefix} added`);
      continue;
    }
    if (sameEntries(was, entries)) continue;
    modified.push(prefix);
    const lines: string[] = [];
    const a = was.length === 1 ? was[0] : undefined;
    const b = entries.length === 1 ? entries[0] : undefined;
    if (a && b) {
      for (const k of keysOf(fields(a), fields(b))) describe('', k, fields(a)[k], fields(b)[k], lines);
    } else {
      // The same prefix in several entries, each for other neighbors: no one-to-one pairing to show.
      lines.push(`entries changed (${was.length} -> ${entries.length})`);
    }
    changes.push(`announce ${prefix}: ${lines.join(', ')}`);
  }
  return { changed: added.length + removed.length + modified.length > 0, added, removed, modified };
}

/** What a live reload from `old` to `next` must do. Both are valid, fully parsed configs. */
export function diffConfig(old: Config, next: Config): ReloadPlan {
  const top = diffTopLevel(old, next);
  const changes = [...top.restartRequired];
  const neighbors = diffNeighbors(old, next, top.allSessions, changes);
  const services = diffServices(old, next, changes);
  const announce = diffAnnounce(old, next, changes);
  changes.push(...top.info);
  return {
    restartRequired: top.restartRequired,
    neighbors,
    services,
    announce,
    listenerOptionsChanged: old.listen !== undefined && next.listen !== undefined && listenerOptionsDiffer(old, next),
    changes,
  };
}
