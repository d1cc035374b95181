import { nameKey } from './name.js';
import { normalizeAddress } from './rdata.js';
import { recordKey, recordType } from './update.js';
import type { DnsRecord } from './update.js';

/**
 * The pure core of the record keeper: (state, event, now) -> (state, actions,
 * next check time). It owns the records this instance put in DNS, compares
 * them with the desired set and with what the primary answers, and retries
 * failed UPDATEs with back-off.
 */

export interface KeeperConfig {
  reconcileIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_KEEPER_CONFIG: KeeperConfig = { reconcileIntervalMs: 60_000, retryBaseMs: 500, retryMaxMs: 30_000 };

export interface Entry {
  rec: DnsRecord;
  want: 'present' | 'absent';
  /** unknown: wait for the primary's answer; needed: send at retryAt; inflight: sent; done: the primary agrees. */
  phase: 'unknown' | 'needed' | 'inflight' | 'done';
  /** The want an in-flight UPDATE was sent for. */
  sentWant?: 'present' | 'absent';
  attempts: number;
  retryAt: number;
  lastError?: string;
}

export interface KeeperState {
  entries: ReadonlyMap<string, Entry>;
  reconcileAt: number;
  queriesInFlight: number;
}

export type KeeperAction = { kind: 'add' | 'delete'; key: string; rec: DnsRecord } | { kind: 'query'; name: string; type: number };

export type KeeperEvent =
  | { kind: 'desired'; records: readonly DnsRecord[] }
  | { kind: 'result'; key: string; ok: true; keptLast?: boolean }
  | { kind: 'result'; key: string; ok: false; code: string }
  | { kind: 'observed'; name: string; type: number; addresses: readonly string[] }
  | { kind: 'query-failed'; name: string; type: number }
  | { kind: 'tick' };

export interface StepResult {
  state: KeeperState;
  actions: KeeperAction[];
  /** When to call step again with a tick (monotonic ms). */
  nextCheckAt: number;
}

function rrsetKey(name: string, type: number): string {
  return `${nameKey(name)} ${type}`;
}

/** Records `owned` from an earlier run and `desired` now, all unknown until the primary is asked. */
export function initialState(owned: readonly DnsRecord[], desired: readonly DnsRecord[], now: number): KeeperState {
  const entries = new Map<string, Entry>();
  for (const rec of owned) entries.set(recordKey(rec), { rec, want: 'absent', phase: 'unknown', attempts: 0, retryAt: now });
  for (const rec of desired) entries.set(recordKey(rec), { rec, want: 'present', phase: 'unknown', attempts: 0, retryAt: now });
  return { entries, reconcileAt: now, queriesInFlight: 0 };
}

function backoff(cfg: KeeperConfig, attempts: number): number {
  return Math.min(cfg.retryMaxMs, cfg.retryBaseMs * 2 ** Math.max(0, attempts - 1));
}

export function step(prev: KeeperState, ev: KeeperEvent, now: number, cfg: KeeperConfig = DEFAULT_KEEPER_CONFIG): StepResult {
  const entries = new Map<string, Entry>();
  for (const [k, e] of prev.entries) entries.set(k, { ...e });
  let { reconcileAt, queriesInFlight } = prev;
  const need = (e: Entry): void => {
    if (e.phase !== 'inflight') e.phase = 'needed';
    e.attempts = 0;
    e.retryAt = now;
  };

  switch (ev.kind) {
    case 'desired': {
      const wanted = new Map(ev.records.map((r) => [recordKey(r), { ...r, address: normalizeAddress(r.address) }]));
      for (const [k, rec] of wanted) {
        const e = entries.get(k);
        if (!e) entries.set(k, { rec, want: 'present', phase: 'needed', attempts: 0, retryAt: now });
        else if (e.want !== 'present' || e.rec.ttl !== rec.ttl) {
          e.want = 'present';
          e.rec = rec;
          need(e);
        }
      }
      for (const [k, e] of entries) {
        if (!wanted.has(k) && e.want === 'present') {
          e.want = 'absent';
          need(e);
        }
      }
      break;
    }
    case 'result': {
      const e = entries.get(ev.key);
      if (!e || e.phase !== 'inflight') break;
      if (e.sentWant !== e.want) {
        // The desired set changed while the UPDATE was out: send the new want now.
        e.phase = 'needed';
        e.retryAt = now;
      } else if (ev.ok) {
        delete e.lastError;
        e.attempts = 0;
        if (e.want === 'absent' && !ev.keptLast) entries.delete(ev.key);
        else e.phase = 'done';
      } else {
        e.attempts++;
        e.lastError = ev.code;
        e.phase = 'needed';
        e.retryAt = now + backoff(cfg, e.attempts);
      }
      break;
    }
    case 'observed':
    case 'query-failed': {
      queriesInFlight = Math.max(0, queriesInFlight - 1);
      const set = rrsetKey(ev.name, ev.type);
      const seen = ev.kind === 'observed' ? new Set(ev.addresses.map(normalizeAddress)) : undefined;
      for (const [k, e] of entries) {
        if (e.phase === 'inflight' || rrsetKey(e.rec.name, recordType(e.rec.address)) !== set) continue;
        if (!seen) {
          if (e.phase === 'unknown') e.phase = 'needed';
          continue;
        }
        const there = seen.has(normalizeAddress(e.rec.address));
        if (e.want === 'absent' && !there) entries.delete(k);
        else if ((e.want === 'present') === there) e.phase = 'done';
        // A lost or undone UPDATE: repair it (keep the back-off of one already failing).
        else if (e.phase !== 'needed') need(e);
      }
      break;
    }
    case 'tick':
      break;
  }

  const actions: KeeperAction[] = [];
  if (now >= reconcileAt && queriesInFlight === 0) {
    const sets = new Map<string, { name: string; type: number }>();
    for (const e of entries.values()) sets.set(rrsetKey(e.rec.name, recordType(e.rec.address)), { name: e.rec.name, type: recordType(e.rec.address) });
    for (const s of sets.values()) actions.push({ kind: 'query', ...s });
    queriesInFlight = sets.size;
    reconcileAt = now + cfg.reconcileIntervalMs;
  }
  let nextCheckAt = reconcileAt;
  for (const [key, e] of entries) {
    if (e.phase !== 'needed') continue;
    if (e.retryAt <= now) {
      e.phase = 'inflight';
      e.sentWant = e.want;
      actions.push({ kind: e.want === 'present' ? 'add' : 'delete', key, rec: e.rec });
    } else {
      nextCheckAt = Math.min(nextCheckAt, e.retryAt);
    }
  }
  return { state: { entries, reconcileAt, queriesInFlight }, actions, nextCheckAt };
}
