// What `floatd linode` reads from the host for its router id: the IPv4
// addresses, /etc/machine-id and the hostname.

import { readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import type { LinodeHost } from '../config/index.js';

export function readLinodeHost(machineIdPath = '/etc/machine-id'): LinodeHost {
  const ipv4Addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
  let machineId: string | undefined;
  try {
    machineId = readFileSync(machineIdPath, 'utf8');
  } catch {
    // absent in some containers: the hostname is used instead
  }
  return { ipv4Addresses, ...(machineId !== undefined ? { machineId } : {}), hostname: hostname() };
}
