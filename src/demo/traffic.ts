// The client's bookkeeping, pure: which equal-cost path a request takes, and
// what happened to every request, queried by time window.

/** murmur3's 32-bit finalizer: spreads consecutive request ids evenly. */
export function hash32(n: number): number {
  let h = n >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** ECMP as a router does it: a hash of the flow (here, the request) picks one of the equal paths. */
export function pickPath<T>(paths: readonly T[], requestId: number): T | undefined {
  if (paths.length === 0) return undefined;
  return paths[hash32(requestId) % paths.length];
}

export interface RequestRecord {
  readonly id: number;
  /** Demo time (ms) the route was looked up and the request sent. */
  readonly sentAt: number;
  readonly doneAt: number;
  /** The instance the route pointed at; undefined when there was no route. */
  readonly instance: string | undefined;
  readonly ok: boolean;
  /** Why it failed: "no route", "HTTP 503", "timeout", an error code. */
  readonly error?: string;
}

export interface WindowStats {
  readonly total: number;
  readonly ok: number;
  readonly failed: number;
  /** Successful requests per instance. */
  readonly served: ReadonlyMap<string, number>;
  /** Failed requests per reason. */
  readonly failures: ReadonlyMap<string, number>;
}

/** Share (0..1) of the successful requests that `instance` served. */
export const shareOf = (s: WindowStats, instance: string): number => (s.ok === 0 ? 0 : (s.served.get(instance) ?? 0) / s.ok);

export class TrafficLog {
  private readonly records: RequestRecord[] = [];

  add(r: RequestRecord): void {
    this.records.push(r);
  }

  get size(): number {
    return this.records.length;
  }

  /** Requests sent in [from, to) (by = 'sent') or finished in it (by = 'done'). */
  window(from: number, to: number, by: 'sent' | 'done' = 'sent'): WindowStats {
    let ok = 0;
    let failed = 0;
    const served = new Map<string, number>();
    const failures = new Map<string, number>();
    for (const r of this.records) {
      const t = by === 'sent' ? r.sentAt : r.doneAt;
      if (t < from || t >= to) continue;
      if (r.ok) {
        ok++;
        if (r.instance !== undefined) served.set(r.instance, (served.get(r.instance) ?? 0) + 1);
      } else {
        failed++;
        const why = r.error ?? 'failed';
        failures.set(why, (failures.get(why) ?? 0) + 1);
      }
    }
    return { total: ok + failed, ok, failed, served, failures };
  }

  /** The earliest-finished successful request sent at or after `after` whose instance passes `pred`. */
  firstServed(after: number, pred: (instance: string) => boolean): RequestRecord | undefined {
    let first: RequestRecord | undefined;
    for (const r of this.records) {
      if (!r.ok || r.instance === undefined || r.sentAt < after || !pred(r.instance)) continue;
      if (!first || r.doneAt < first.doneAt) first = r;
    }
    return first;
  }
}
