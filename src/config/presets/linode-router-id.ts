// The BGP identifier for `floatd linode` on a host with no global IPv4
// address. lelastic takes it from such an address and cannot start without
// one; an IPv6-only instance still needs a non-zero 32-bit identifier
// (RFC 6286 2.1: any non-zero value, unique within the AS), so floatd derives
// a stable one from the host.

import { createHash } from 'node:crypto';
import { defaultRouterId } from '../config-schema.js';

/** What `floatd linode` knows of the host it runs on; read by readLinodeHost in the CLI shell. */
export interface LinodeHost {
  /** The host's IPv4 addresses (loopback excluded). */
  readonly ipv4Addresses: readonly string[];
  /** /etc/machine-id's content, when readable. */
  readonly machineId?: string;
  readonly hostname: string;
}

export interface RouterIdChoice {
  /** Absent: the config takes the host's lowest global IPv4 address, as any config without router-id does. */
  readonly routerId?: string;
  /** Where it came from, for the log. */
  readonly why: string;
}

const MACHINE_ID = /^[0-9a-f]{32}$/;

/** The first four bytes of a SHA-256 as a dotted quad; never 0.0.0.0. */
export function hashedRouterId(seed: string): string {
  const b = createHash('sha256').update(`floatd router-id\0${seed}`).digest();
  const id = b.readUInt32BE(0) || 1;
  return [id >>> 24, (id >>> 16) & 255, (id >>> 8) & 255, id & 255].join('.');
}

export function chooseRouterId(host: LinodeHost, given?: string): RouterIdChoice {
  if (given !== undefined) return { routerId: given, why: 'router-id from --router-id' };
  const address = defaultRouterId(host.ipv4Addresses);
  if (address !== undefined) return { why: `router-id ${address}: the lowest global IPv4 address on this host` };
  const machineId = host.machineId?.trim().toLowerCase();
  if (machineId !== undefined && MACHINE_ID.test(machineId)) {
    const id = hashedRouterId(`machine-id ${machineId}`);
    return { routerId: id, why: `no global IPv4 address on this host: router-id ${id} derived from /etc/machine-id (--router-id sets one)` };
  }
  const id = hashedRouterId(`hostname ${host.hostname}`);
  return { routerId: id, why: `no global IPv4 address on this host and no /etc/machine-id: router-id ${id} derived from the hostname ${JSON.stringify(host.hostname)} (--router-id sets one)` };
}
