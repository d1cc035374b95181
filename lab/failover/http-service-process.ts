// Starting the lab's HTTP service (http-service.ts) as a process in a
// namespace, and waiting until it listens.

import { fileURLToPath } from 'node:url';
import { LabError, waitFor } from '../netns.js';
import type { Lab, LabProcess } from '../netns.js';

export const HTTP_SERVICE_JS = fileURLToPath(new URL('./http-service.js', import.meta.url));

/**
 * Starts a service answering `instance` on address:port inside `ns`, as
 * process `processName`; SIGUSR1 makes it answer 500, SIGUSR2 200 again.
 */
export async function startHttpService(lab: Lab, ns: string, processName: string, instance: string, address: string, port = 80): Promise<LabProcess> {
  const p = lab.spawn(ns, processName, process.execPath, [HTTP_SERVICE_JS, '--name', instance, '--address', address, '--port', String(port)]);
  await waitFor(
    `the HTTP service ${processName} to listen`,
    () => {
      if (!p.running) throw new LabError(`the HTTP service ${processName} exited: ${p.output().trim().slice(-300)}`);
      return p.output().includes('"listening"');
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  );
  return p;
}
