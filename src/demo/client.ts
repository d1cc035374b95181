// The demo's client: sends requests to "the floating IP" at a steady rate.
// Each request asks the route server for the prefix's best paths at that
// moment, hashes onto one of them (ECMP), maps the path's next hop to that
// instance's HTTP service and sends the request there.

import http from 'node:http';
import { pickPath, type TrafficLog } from './traffic.js';

export interface ClientOptions {
  readonly rate: number;
  readonly timeoutMs: number;
  readonly log: TrafficLog;
  /** Demo time, ms. */
  readonly now: () => number;
  /** The next hops of the floating prefix's equal-cost paths, in the router's order. */
  readonly nextHops: () => readonly string[];
  /** Next hop -> the instance there and its service port. */
  readonly target: (nextHop: string) => { readonly name: string; readonly port: number } | undefined;
}

const TICK_MS = 10;

export class LoadClient {
  private timer: NodeJS.Timeout | null = null;
  private sent = 0;
  private startedAt = 0;
  private readonly inFlight = new Map<number, { sentAt: number; req: http.ClientRequest }>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly o: ClientOptions) {}

  start(): void {
    this.startedAt = this.o.now();
    this.sent = 0;
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Stops sending; resolves when the requests in flight have finished (bounded by their timeout). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.settled(Infinity);
    this.agent.destroy();
  }

  /** Waits until no request sent before `before` (demo time) is still in flight. */
  async settled(before: number): Promise<void> {
    const until = Date.now() + this.o.timeoutMs + 500;
    while ([...this.inFlight.values()].some((r) => r.sentAt < before) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  }

  /** Ends every request in flight at once (on abort). */
  abort(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const { req } of this.inFlight.values()) req.destroy();
    this.agent.destroy();
  }

  private tick(): void {
    const due = Math.floor(((this.o.now() - this.startedAt) / 1000) * this.o.rate);
    // After a stall (a loaded machine), catch up a little, not with a burst.
    if (due - this.sent > this.o.rate) this.sent = due - Math.ceil(this.o.rate / 10);
    while (this.sent < due) this.send(this.sent++);
  }

  private send(id: number): void {
    const sentAt = this.o.now();
    const hop = pickPath(this.o.nextHops(), id);
    const target = hop === undefined ? undefined : this.o.target(hop);
    if (!target) {
      this.o.log.add({ id, sentAt, doneAt: sentAt, instance: undefined, ok: false, error: hop === undefined ? 'no route' : `unknown next hop ${hop}` });
      return;
    }
    let finished = false;
    const finish = (ok: boolean, error?: string): void => {
      if (finished) return;
      finished = true;
      this.inFlight.delete(id);
      this.o.log.add({ id, sentAt, doneAt: this.o.now(), instance: target.name, ok, ...(error !== undefined ? { error } : {}) });
    };
    const req = http.request({ host: '127.0.0.1', port: target.port, path: '/', agent: this.agent, timeout: this.o.timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => finish(res.statusCode === 200, res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`));
      res.on('error', () => finish(false, 'reset'));
    });
    // `timeout` is socket idleness; the deadline is for the whole request.
    const deadline = setTimeout(() => {
      finish(false, 'timeout');
      req.destroy();
    }, this.o.timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => {
      finish(false, 'timeout');
      req.destroy();
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish(false, e.code ?? 'error'));
    this.inFlight.set(id, { sentAt, req });
    req.end();
  }
}
