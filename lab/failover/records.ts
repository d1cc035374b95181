// What the lab's client records per request, and the clock it uses: epoch
// milliseconds from the monotonic clock (performance.timeOrigin + now()),
// so the client's send times and a scenario's fault time, taken in two
// processes on one machine, compare to within a millisecond.

export interface RequestRecord {
  /** Sequence number, in send order. */
  readonly n: number;
  /** When the request was sent, epoch ms. */
  readonly t: number;
  /** How long until it ended (answer, error or timeout), ms. */
  readonly ms: number;
  /** HTTP status, when an answer came. */
  readonly status?: number;
  /** The instance that answered (the body). */
  readonly by?: string;
  /** Why there was no answer: an errno code (ECONNREFUSED, ECONNRESET...) or `timeout`. */
  readonly err?: string;
}

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A request succeeded: status 200 from a named instance. */
export function succeeded(r: RequestRecord): boolean {
  return r.status === 200 && r.by !== undefined && r.by !== '';
}

/** The client's output lines as records, sorted by send time; other lines are skipped. */
export function parseRecords(text: string): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const r = JSON.parse(line) as Partial<RequestRecord>;
      if (typeof r.n === 'number' && typeof r.t === 'number' && typeof r.ms === 'number') out.push(r as RequestRecord);
    } catch {
      continue;
    }
  }
  return out.sort((a, b) => a.t - b.t);
}
