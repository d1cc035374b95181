// Services -> DNS records. The services' health decides which of the
// configured records should exist at the primary: a service that serves and
// is not draining wants its records, every other one wants them gone. The
// record keeper (src/dns/record-keeper.ts) does the DNS work in the
// background; nothing here waits for it, so a slow or dead DNS server never
// delays a check, a withdraw or VRRP. Only stop() waits, and only for a
// bounded time, after the BGP withdraws have been started.

import type { ServiceRoutesObserver } from '../route-policy/observer.js';
import type { Config, DnsConfig, ServiceConfig } from '../config/config-schema.js';
import { dnsToFile } from '../config/dns-schema.js';
import { DnsClient, RecordKeeper } from '../dns/index.js';
import type { DnsRecord, KeeperReport } from '../dns/index.js';
import { recordKey } from '../dns/update.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { ServiceRoutes } from './service-routes.js';
import { sameValue } from './config-values.js';

/** How long stop() waits for the deletes to be answered. */
export const DNS_STOP_WAIT_MS = 2000;

/** What the links read of each service: ServiceRoutes' status. */
export interface ServiceServing {
  readonly name: string;
  readonly serving: boolean;
  readonly draining: number | null;
}

/** The primary's last answer about one record. */
export interface DnsAnswerView {
  readonly op: 'add' | 'delete' | 'query';
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
  readonly keptLast?: boolean;
  readonly ms: number;
  /** Wall-clock time, ISO 8601. */
  readonly at: string;
}

/** One record in `floatd services`. */
export interface DnsRecordView {
  readonly name: string;
  readonly address: string;
  readonly ttl: number;
  readonly type: 'A' | 'AAAA';
  readonly want: 'present' | 'absent';
  /** present/absent: the primary agrees; adding/deleting: sent or about to be; retrying: the last try failed; unknown: not asked yet; kept-last: keep-last kept it. */
  readonly state: 'present' | 'absent' | 'adding' | 'deleting' | 'retrying' | 'unknown' | 'kept-last';
  readonly attempts: number;
  readonly last: DnsAnswerView | null;
}

/** Counters for the metrics. */
export interface DnsCounters {
  readonly updatesSent: number;
  readonly updatesFailed: number;
  /** Wall-clock ms of the last UPDATE the primary accepted; undefined before the first. */
  readonly lastSuccessMs: number | undefined;
}

export interface DnsLinksOptions {
  readonly dns: DnsConfig;
  readonly services: readonly ServiceConfig[];
  readonly serving: () => readonly ServiceServing[];
  readonly clock: Clock;
  readonly log: Logger;
  /** An event log line for one service (ServiceRoutes' event log). */
  readonly note?: (service: string, reason: string) => void;
  readonly wallClock?: () => number;
  /** Default: a DnsClient for the configured server and key. */
  readonly client?: DnsClient;
}

/** The desired state as text, to tell whether it changed. */
const keyOf = (records: readonly DnsRecord[]): string => records.map(recordKey).sort().join('|');

export class DnsLinks implements ServiceRoutesObserver {
  private readonly keeper: RecordKeeper;
  private readonly owner = new Map<string, string>();
  private readonly records = new Map<string, DnsRecord>();
  private readonly answers = new Map<string, DnsAnswerView>();
  private readonly log: Logger;
  private readonly wall: () => number;
  private desiredKey = '';
  private stopping = false;
  private sent = 0;
  private failed = 0;
  private lastSuccessMs: number | undefined;
  private onSettle: (() => void) | undefined;

  constructor(private readonly o: DnsLinksOptions) {
    this.log = o.log.child({ dns: `${o.dns.server.host}:${o.dns.server.port}`, zone: o.dns.zone });
    this.wall = o.wallClock ?? Date.now;
    for (const s of o.services) {
      for (const r of s.dns) {
        this.owner.set(recordKey(r), s.name);
        this.records.set(recordKey(r), { name: r.name, address: r.address, ttl: r.ttl });
      }
    }
    const t = o.dns.tsig;
    const client =
      o.client ??
      new DnsClient({ host: o.dns.server.host, port: o.dns.server.port, key: { name: t.name, algorithm: t.algorithm, secret: Buffer.from(t.secret.reveal(), 'base64') } });
    this.keeper = new RecordKeeper({
      client,
      zone: o.dns.zone,
      clock: o.clock,
      // Every configured record is ours: what an earlier run left is deleted until its service serves.
      owned: [...this.records.values()],
      keepLast: o.dns.keepLast,
      config: { reconcileIntervalMs: o.dns.reconcileIntervalMs },
      onReport: (r) => this.onReport(r),
    });
  }

  start(): void {
    this.refresh();
    this.keeper.start();
    this.log.info({ records: this.records.size }, `keeping ${this.records.size} DNS records in ${this.o.dns.zone}`);
  }

  /** Recomputes what should exist; cheap, and a no-op when nothing changed. */
  refresh(): void {
    const keep = new Set(this.stopping ? [] : this.o.serving().filter((s) => s.serving && s.draining === null).map((s) => s.name));
    const desired = [...this.records.entries()].filter(([k]) => keep.has(this.owner.get(k)!)).map(([, r]) => r);
    const key = keyOf(desired);
    if (key === this.desiredKey) return;
    this.desiredKey = key;
    this.keeper.setDesired(desired);
  }

  // Observer calls: a transition changes `serving`; a probe result is a
  // periodic chance to see a drain that was called off.
  transition(): void {
    this.refresh();
  }

  probe(): void {
    this.refresh();
  }

  /**
   * Deletes every record and waits for the answers, at most `waitMs`: best
   * effort, since a primary that does not answer must not hold up the exit.
   */
  async stop(waitMs = DNS_STOP_WAIT_MS): Promise<void> {
    this.stopping = true;
    this.refresh();
    const pending = (): number => this.keeper.snapshot().filter((e) => e.want === 'absent' && e.phase !== 'done').length;
    if (pending() > 0) {
      let timer: TimerHandle | undefined;
      await new Promise<void>((resolve) => {
        timer = this.o.clock.setTimer(waitMs, resolve);
        this.onSettle = () => {
          if (pending() === 0) resolve();
        };
      });
      if (timer) this.o.clock.clearTimer(timer);
      this.onSettle = undefined;
      const left = pending();
      if (left > 0) this.log.warn(`stopping with ${left} DNS records not confirmed deleted after ${waitMs} ms; they are deleted at the next start`);
    }
    this.keeper.stop();
  }

  /** The records of one service for `floatd services`; undefined for a service without records. */
  recordsOf(service: string): DnsRecordView[] | undefined {
    const snap = new Map(this.keeper.snapshot().map((e) => [e.key, e]));
    const out: DnsRecordView[] = [];
    for (const [key, r] of this.records) {
      if (this.owner.get(key) !== service) continue;
      const e = snap.get(key);
      const want = e?.want === 'present' ? 'present' : 'absent';
      out.push({
        name: r.name,
        address: r.address,
        ttl: r.ttl,
        type: r.address.includes(':') ? 'AAAA' : 'A',
        want,
        state: e === undefined ? 'absent' : stateOf(e),
        attempts: e?.attempts ?? 0,
        last: this.answers.get(key) ?? null,
      });
    }
    return out.length > 0 ? out : undefined;
  }

  /** Adds `dns` to each service's status that has records. */
  withRecords<T extends { readonly name: string }>(services: readonly T[]): (T & { dns?: DnsRecordView[] })[] {
    return services.map((s) => {
      const dns = this.recordsOf(s.name);
      return dns ? { ...s, dns } : s;
    });
  }

  counters(): DnsCounters {
    return { updatesSent: this.sent, updatesFailed: this.failed, lastSuccessMs: this.lastSuccessMs };
  }

  private onReport(r: KeeperReport): void {
    const at = this.wall();
    if (r.op !== 'query') {
      this.sent++;
      if (r.ok) this.lastSuccessMs = at;
      else this.failed++;
    }
    const keys = r.record ? [recordKey(r.record)] : [...this.records.entries()].filter(([, x]) => x.name === r.name).map(([k]) => k);
    for (const key of keys) {
      const previous = this.answers.get(key);
      const answer: DnsAnswerView = {
        op: r.op,
        ok: r.ok,
        ...(r.code !== undefined ? { code: r.code } : {}),
        ...(r.message !== undefined ? { message: r.message } : {}),
        ...(r.keptLast ? { keptLast: true } : {}),
        ms: Math.round(r.ms * 10) / 10,
        at: new Date(at).toISOString(),
      };
      // A failed query leaves the last UPDATE's answer in view, but is logged.
      if (r.op !== 'query' || !r.ok) this.answers.set(key, answer);
      const rec = this.records.get(key);
      const service = this.owner.get(key);
      if (!rec || service === undefined) continue;
      const what = `${rec.name} ${rec.address.includes(':') ? 'AAAA' : 'A'} ${rec.address}`;
      const fields = { service, record: what, op: r.op, ok: r.ok, code: r.code, ms: answer.ms };
      if (r.ok) {
        const text = r.keptLast ? `dns: ${what} kept: it is the last address of its name (keep-last)` : `dns: ${what} ${r.op === 'add' ? 'added' : 'deleted'} at the primary`;
        this.log.info(fields, text);
        this.o.note?.(service, text);
      } else if (previous?.ok !== false || previous.code !== r.code || previous.op !== r.op) {
        // Logged once per kind of failure; retries of the same failure are counted, not logged.
        const text = `dns: ${r.op} of ${what} failed: ${r.code ?? 'error'}: ${r.message ?? ''}; retrying`;
        this.log.warn(fields, text);
        this.o.note?.(service, text);
      }
    }
    // After the keeper has taken the result in (it reports first).
    queueMicrotask(() => this.onSettle?.());
  }
}

function stateOf(e: { want: string; phase: string; attempts: number }): DnsRecordView['state'] {
  if (e.phase === 'unknown') return 'unknown';
  if (e.phase === 'done') return e.want === 'present' ? 'present' : 'kept-last';
  if (e.attempts > 0 && e.phase === 'needed') return 'retrying';
  return e.want === 'present' ? 'adding' : 'deleting';
}

/** The links for a config with a `dns` section, fed by ServiceRoutes' transitions and probes. */
export function createDnsLinks(cfg: Config, serviceRoutes: ServiceRoutes, clock: Clock, log: Logger): DnsLinks | undefined {
  if (!cfg.dns) return undefined;
  const links = new DnsLinks({
    dns: cfg.dns,
    services: cfg.services ?? [],
    serving: () => serviceRoutes.status(),
    clock,
    log,
    note: (service, reason) => serviceRoutes.noteDns(service, reason),
  });
  serviceRoutes.observe(links);
  return links;
}

/** Why a reload that changes `dns` or any service's records is refused; undefined when they are unchanged. */
export function dnsReloadProblem(old: Config, next: Config): string | undefined {
  const records = (c: Config): [string, unknown][] => (c.services ?? []).filter((s) => s.dns.length > 0).map((s) => [s.name, s.dns]);
  const section = (c: Config): unknown => c.dns && dnsToFile(c.dns);
  const key = old.dns && next.dns ? old.dns.tsig.secret.equals(next.dns.tsig.secret) : old.dns === next.dns;
  if (sameValue(section(old), section(next)) && key && sameValue(records(old), records(next))) return undefined;
  return 'dns records or the dns section changed: restart floatd to change them';
}
