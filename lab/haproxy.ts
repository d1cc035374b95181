// HAProxy in a lab namespace: writes a config that fronts one backend
// server on the floating address and has a health frontend on the
// loopback (`monitor-uri`, failing when the backend has no server up), runs
// Debian's haproxy in the foreground and waits until that frontend answers.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError, run, waitFor } from './netns.js';
import type { Lab, LabProcess } from './netns.js';

export interface HaproxyOptions {
  /** Where clients connect: address:port (the floating address, on lo). */
  readonly bind: string;
  /** The one web server behind it: address:port. */
  readonly server: string;
  /** The health frontend floatd checks: address:port. */
  readonly health: string;
}

export const HEALTH_PATH = '/healthz';

export function haproxyConfig(o: HaproxyOptions): string {
  return [
    'global',
    '    log stdout format raw local0',
    'defaults',
    '    mode http',
    '    timeout connect 1s',
    '    timeout client 5s',
    '    timeout server 5s',
    'frontend web',
    `    bind ${o.bind}`,
    '    default_backend app',
    'frontend health',
    `    bind ${o.health}`,
    `    monitor-uri ${HEALTH_PATH}`,
    '    monitor fail if { nbsrv(app) lt 1 }',
    'backend app',
    `    server web ${o.server} check inter 500 fall 2 rise 1`,
    '',
  ].join('\n');
}

/** Starts `haproxy -db` (foreground: the PID is HAProxy's own) in `ns` and waits until its health frontend answers 200. */
export async function startHaproxy(lab: Lab, ns: string, name: string, o: HaproxyOptions): Promise<LabProcess> {
  const file = join(lab.dir, `${name}.cfg`);
  writeFileSync(file, haproxyConfig(o));
  const valid = await run('haproxy', ['-c', '-f', file], { timeoutMs: 10_000 });
  if (valid.code !== 0) throw new LabError(`haproxy -c ${file}: ${(valid.stderr || valid.stdout).trim()}`);
  const p = lab.spawn(ns, name, 'haproxy', ['-db', '-f', file]);
  await waitFor(
    `HAProxy ${name}'s health frontend to answer 200`,
    async () => {
      if (!p.running) throw new LabError(`HAProxy ${name} exited: ${p.output().trim().slice(-300)}`);
      const r = await lab.exec(ns, 'curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-m', '1', `http://${o.health}${HEALTH_PATH}`], { timeoutMs: 3_000 });
      return r.stdout.trim() === '200';
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  return p;
}
