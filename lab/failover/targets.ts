// The failover targets of the project, checked against measured results:
// floatd at its defaults moves traffic off a failed service in under 1 s,
// at least 5 times faster than ExaBGP's healthcheck at its defaults, and
// loses no request on maintenance drain or graceful stop. Pure.

import type { ScenarioResult } from './scenario-types.js';

export interface TargetCheck {
  readonly target: string;
  /** undefined: could not be judged (not run, n/a, error). */
  readonly met: boolean | undefined;
  readonly detail: string;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function checkTargets(results: readonly ScenarioResult[], floatdId = 'floatd', exabgpId = 'exabgp'): TargetCheck[] {
  const get = (s: string, c: string) => results.find((r) => r.scenario === s && r.contender === c);
  const measured = (r: ScenarioResult | undefined) => r !== undefined && (r.status === 'ok' || r.status === 'unexpected');
  const out: TargetCheck[] = [];

  const f = get('service-failure', floatdId);
  const e = get('service-failure', exabgpId);
  if (!measured(f) || f?.recoveryMs === undefined) {
    out.push({ target: 'service failure to a healthy instance in < 1 s (floatd defaults)', met: undefined, detail: f === undefined ? 'not run' : `no recovery measured (${f.status}${f.note ? `: ${f.note}` : ''})` });
  } else {
    out.push({ target: 'service failure to a healthy instance in < 1 s (floatd defaults)', met: f.recoveryMs < 1000, detail: `${secs(f.recoveryMs)}` });
  }
  if (measured(f) && measured(e) && f?.recoveryMs !== undefined && e?.recoveryMs !== undefined) {
    const ratio = e.recoveryMs / Math.max(1, f.recoveryMs);
    out.push({ target: '>= 5x faster than ExaBGP healthcheck defaults', met: ratio >= 5, detail: `${ratio.toFixed(1)}x (${secs(e.recoveryMs)} vs ${secs(f.recoveryMs)})` });
  } else {
    out.push({ target: '>= 5x faster than ExaBGP healthcheck defaults', met: undefined, detail: 'both service-failure recoveries are needed' });
  }
  for (const [id, what] of [
    ['drain', 'maintenance drain'],
    ['graceful-stop', 'graceful stop'],
  ] as const) {
    const r = get(id, floatdId);
    const target = `zero failed requests on ${what} (floatd)`;
    if (!measured(r)) {
      out.push({ target, met: undefined, detail: r === undefined ? 'not run' : `${r.status}${r.note ? `: ${r.note}` : ''}` });
      continue;
    }
    const own = r!.failed - r!.rehashResets;
    out.push({ target, met: own === 0, detail: `${r!.failed} failed${r!.rehashResets > 0 ? `, ${r!.rehashResets} of them reset by the router's ECMP rehash` : ''}` });
  }
  return out;
}

export function targetsText(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `${c.met === undefined ? 'PENDING' : c.met ? 'MET    ' : 'NOT MET'}  ${c.target}: ${c.detail}`).join('\n');
}
