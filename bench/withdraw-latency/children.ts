// Helper processes of the withdraw-latency benchmark and the JSON lines they
// print (see bgp-peer.ts `emit`): kept in order, and waited for by predicate.

import { spawn, type ChildProcess } from 'node:child_process';

export interface HelperEvent {
  readonly event: string;
  readonly t: number;
  readonly from?: string;
  readonly [key: string]: unknown;
}

export class Helper {
  readonly events: HelperEvent[] = [];
  private waiters: { match: (e: HelperEvent) => boolean; resolve: (e: HelperEvent | undefined) => void }[] = [];
  private stderr = '';
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    let buf = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let e: HelperEvent;
        try {
          e = JSON.parse(line) as HelperEvent;
        } catch {
          continue;
        }
        this.events.push(e);
        this.waiters = this.waiters.filter((w) => {
          if (!w.match(e)) return true;
          w.resolve(e);
          return false;
        });
      }
    });
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  static start(name: string, script: string, args: readonly string[]): Helper {
    return new Helper(name, spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** The first event (already seen or still to come) matching, or undefined after `timeoutMs`. */
  wait(match: (e: HelperEvent) => boolean, timeoutMs: number, since = 0): Promise<HelperEvent | undefined> {
    const seen = this.events.slice(since).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const w = {
        match,
        resolve: (e: HelperEvent | undefined) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  errorText(): string {
    return this.stderr.trim();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(t);
  }
}
