import type { Clock, TimerHandle } from '../util/clock.js';
import type { DnsClient } from './client.js';
import { DnsError } from './errors.js';
import { DEFAULT_KEEPER_CONFIG, initialState, step } from './keeper-core.js';
import type { KeeperAction, KeeperConfig, KeeperEvent, KeeperState } from './keeper-core.js';
import { addRecord, deleteRecord, planKeepLast, recordType } from './update.js';
import type { DnsRecord } from './update.js';

/** What happened to one UPDATE (or keep-last decision), reported through the callback. */
export interface KeeperReport {
  op: 'add' | 'delete' | 'query';
  record?: DnsRecord;
  name?: string;
  ok: boolean;
  /** keep-last: our record was the last in its RRset and stays. */
  keptLast?: boolean;
  code?: string;
  message?: string;
  ms: number;
}

export interface KeeperOptions {
  client: DnsClient;
  zone: string;
  clock: Clock;
  /** Records an earlier run may have left (deleted unless desired). */
  owned?: readonly DnsRecord[];
  desired?: readonly DnsRecord[];
  /** Never delete the last record of an RRset (see docs/dns.md). */
  keepLast?: boolean;
  config?: Partial<KeeperConfig>;
  onReport?: (r: KeeperReport) => void;
}

/**
 * The I/O shell around keeper-core: runs the core's actions against the
 * primary and feeds their outcomes back. setDesired() returns at once; DNS
 * work happens behind it and its outcome arrives through onReport.
 */
export class RecordKeeper {
  private state: KeeperState;
  private timer: TimerHandle | undefined;
  private running = false;
  private readonly cfg: KeeperConfig;

  constructor(private readonly o: KeeperOptions) {
    this.cfg = { ...DEFAULT_KEEPER_CONFIG, ...o.config };
    this.state = initialState(o.owned ?? [], o.desired ?? [], o.clock.now());
  }

  /** Starts with a reconcile: the primary is asked before anything is changed. */
  start(): void {
    this.running = true;
    this.apply({ kind: 'tick' });
  }

  stop(): void {
    this.running = false;
    if (this.timer) this.o.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  setDesired(records: readonly DnsRecord[]): void {
    this.apply({ kind: 'desired', records });
  }

  /** A copy of what the keeper holds, for status views and tests. */
  snapshot(): { key: string; name: string; address: string; want: string; phase: string; attempts: number; lastError?: string }[] {
    return [...this.state.entries].map(([key, e]) => ({ key, name: e.rec.name, address: e.rec.address, want: e.want, phase: e.phase, attempts: e.attempts, ...(e.lastError ? { lastError: e.lastError } : {}) }));
  }

  private apply(ev: KeeperEvent): void {
    if (!this.running) {
      if (ev.kind === 'desired') this.state = step(this.state, ev, this.o.clock.now(), this.cfg).state;
      return;
    }
    const now = this.o.clock.now();
    const r = step(this.state, ev, now, this.cfg);
    this.state = r.state;
    if (this.timer) this.o.clock.clearTimer(this.timer);
    this.timer = this.o.clock.setTimer(Math.max(0, r.nextCheckAt - now), () => {
      this.timer = undefined;
      this.apply({ kind: 'tick' });
    });
    for (const a of r.actions) void this.run(a);
  }

  private report(r: KeeperReport): void {
    try {
      this.o.onReport?.(r);
    } catch {
      // A failing observer must not stop the keeper.
    }
  }

  private async run(a: KeeperAction): Promise<void> {
    const t0 = this.o.clock.now();
    if (a.kind === 'query') {
      try {
        const addresses = await this.o.client.queryAddresses(a.name, a.type);
        this.apply({ kind: 'observed', name: a.name, type: a.type, addresses });
      } catch (e) {
        const err = asDnsError(e);
        this.report({ op: 'query', name: a.name, ok: false, code: err.code, message: err.message, ms: this.o.clock.now() - t0 });
        this.apply({ kind: 'query-failed', name: a.name, type: a.type });
      }
      return;
    }
    try {
      let keptLast = false;
      if (a.kind === 'add') await this.o.client.update(addRecord(0, this.o.zone, a.rec));
      else keptLast = await this.delete(a.rec);
      this.report({ op: a.kind, record: a.rec, ok: true, ...(keptLast ? { keptLast } : {}), ms: this.o.clock.now() - t0 });
      this.apply({ kind: 'result', key: a.key, ok: true, keptLast });
    } catch (e) {
      const err = asDnsError(e);
      this.report({ op: a.kind, record: a.rec, ok: false, code: err.code, message: err.message, ms: this.o.clock.now() - t0 });
      this.apply({ kind: 'result', key: a.key, ok: false, code: err.code });
    }
  }

  /** Returns true when keep-last kept the record. */
  private async delete(rec: DnsRecord): Promise<boolean> {
    if (!this.o.keepLast) {
      await this.o.client.update(deleteRecord(0, this.o.zone, rec));
      return false;
    }
    const plan = planKeepLast(rec, await this.o.client.queryAddresses(rec.name, recordType(rec.address)));
    if (plan.kind === 'last') return true;
    if (plan.kind === 'delete') await this.o.client.update(deleteRecord(0, this.o.zone, rec, plan.observed));
    return false;
  }
}

function asDnsError(e: unknown): DnsError {
  return e instanceof DnsError ? e : new DnsError('ERR_DNS_INTERNAL', e instanceof Error ? e.message : String(e));
}
