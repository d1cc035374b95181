// DNS probe: ask one resolver for A or AAAA records of a name; healthy when
// an answer arrives (and holds every expected address, when listed).

import { Resolver } from 'node:dns/promises';
import type { DnsProbeSpec } from '../probe-spec.js';
import { abortedResult, errorText, stopwatch, type Probe, type ProbeResult } from '../probe-result.js';
import { formatIpv6, parseIpv6 } from '../../bgp/codec/ip.js';
import { hostPort, unbracket } from './tcp.js';

const canonical = (addr: string): string => (addr.includes(':') ? formatIpv6(parseIpv6(addr)) : addr);

export class DnsProbe implements Probe {
  readonly kind = 'dns';
  private readonly label: string;
  private readonly expect: readonly string[];

  constructor(private readonly spec: DnsProbeSpec) {
    this.label = `dns ${spec.type ?? 'A'} ${spec.name} @${hostPort(spec.server, spec.port ?? 53)}`;
    this.expect = (spec.expect ?? []).map(canonical);
  }

  run(signal: AbortSignal): Promise<ProbeResult> {
    const elapsed = stopwatch();
    if (signal.aborted) return Promise.resolve(abortedResult(this.label, elapsed()));
    // One try: retries belong to the runner's schedule, not hidden inside one check.
    const resolver = new Resolver({ tries: 1 });
    resolver.setServers([hostPort(unbracket(this.spec.server), this.spec.port ?? 53)]);
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: ProbeResult): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const onAbort = (): void => {
        resolver.cancel();
        done(abortedResult(this.label, elapsed()));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const query = this.spec.type === 'AAAA' ? resolver.resolve6(this.spec.name) : resolver.resolve4(this.spec.name);
      query.then(
        (answers) => {
          const got = answers.map(canonical);
          const missing = this.expect.filter((a) => !got.includes(a));
          const ms = elapsed();
          if (got.length === 0) return done({ ok: false, detail: `${this.label}: empty answer`, durationMs: ms });
          if (missing.length > 0) {
            return done({ ok: false, detail: `${this.label}: answer ${got.join(',')} lacks ${missing.join(',')}`, durationMs: ms });
          }
          done({ ok: true, detail: `${this.label}: ${got.join(',')} in ${ms.toFixed(1)} ms`, durationMs: ms });
        },
        (err: unknown) => done({ ok: false, detail: `${this.label}: ${errorText(err)}`, durationMs: elapsed() }),
      );
    });
  }
}
