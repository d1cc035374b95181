// TCP connect probe: healthy when the three-way handshake completes.

import { connect, type Socket } from 'node:net';
import type { TcpProbeSpec } from '../probe-spec.js';
import { abortedResult, errorText, stopwatch, type Probe, type ProbeResult } from '../probe-result.js';

/** "[::1]" -> "::1": configs often bracket IPv6 literals. */
export const unbracket = (host: string): string => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/** "host:port" with IPv6 literals bracketed, for messages. */
export const hostPort = (host: string, port: number): string => {
  const h = unbracket(host);
  return h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
};

export class TcpProbe implements Probe {
  readonly kind = 'tcp';
  constructor(private readonly spec: TcpProbeSpec) {}

  run(signal: AbortSignal): Promise<ProbeResult> {
    const elapsed = stopwatch();
    const target = hostPort(this.spec.host, this.spec.port);
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(abortedResult(`tcp ${target}`, elapsed()));
      let sock: Socket | undefined;
      let settled = false;
      const done = (r: ProbeResult): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        sock?.destroy();
        resolve(r);
      };
      const onAbort = (): void => done(abortedResult(`tcp ${target}`, elapsed()));
      signal.addEventListener('abort', onAbort, { once: true });
      sock = connect({
        host: unbracket(this.spec.host),
        port: this.spec.port,
        ...(this.spec.localAddress !== undefined ? { localAddress: this.spec.localAddress } : {}),
      });
      sock.once('connect', () => {
        const ms = elapsed();
        done({ ok: true, detail: `tcp ${target}: connected in ${ms.toFixed(1)} ms`, durationMs: ms });
      });
      sock.once('error', (err) => done({ ok: false, detail: `tcp ${target}: ${errorText(err)}`, durationMs: elapsed() }));
    });
  }
}
