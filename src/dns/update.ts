import { isIPv4 } from 'node:net';
import { DnsError } from './errors.js';
import { emptyMessage, OPCODE } from './message.js';
import type { Message, Rr } from './message.js';
import { isInZone, nameKey } from './name.js';
import { CLASS, EMPTY, normalizeAddress, TYPE } from './rdata.js';
import type { RData } from './rdata.js';

/**
 * RFC 2136 UPDATE messages for one A or AAAA record of a round-robin RRset:
 * this instance adds its own address and deletes only its own address, never
 * the RRs that other instances put in the same RRset.
 */

/** One record wanted present: `name` IN A/AAAA `address`, with `ttl` seconds. */
export interface DnsRecord {
  name: string;
  address: string;
  ttl: number;
}

export function recordType(address: string): number {
  return isIPv4(address) ? TYPE.A : TYPE.AAAA;
}

export function typeName(type: number): string {
  return type === TYPE.A ? 'A' : type === TYPE.AAAA ? 'AAAA' : `TYPE${type}`;
}

function rdata(address: string): RData {
  const a = normalizeAddress(address);
  return isIPv4(a) ? { kind: 'a', address: a } : { kind: 'aaaa', address: a };
}

/** A stable identity for a record: lower-case name, type, normalized address. */
export function recordKey(r: { name: string; address: string }): string {
  const a = normalizeAddress(r.address);
  return `${nameKey(r.name)} ${typeName(recordType(a))} ${a}`;
}

function start(id: number, zone: string, name: string): Message {
  if (!isInZone(name, zone)) throw new DnsError('NOTZONE', `${name} is not inside zone ${zone}`);
  const m = emptyMessage(id, OPCODE.UPDATE);
  // Zone section: one SOA question naming the zone (RFC 2136 2.3).
  m.question.push({ name: zone, type: TYPE.SOA, class: CLASS.IN });
  return m;
}

/**
 * Adds our RR to the RRset (RFC 2136 2.5.1). Prerequisite: no CNAME at the
 * name (RFC 2136 2.4.3, "RRset does not exist"), because a server silently
 * ignores an A/AAAA added beside a CNAME (RFC 2136 3.4.2.2); this way the
 * conflict comes back as YXRRSET instead of a NOERROR that changed nothing.
 * Adding an RR that is already there is a no-op at the server, so a repeat is safe.
 */
export function addRecord(id: number, zone: string, rec: DnsRecord): Message {
  const m = start(id, zone, rec.name);
  m.answer.push({ name: rec.name, type: TYPE.CNAME, class: CLASS.NONE, ttl: 0, data: EMPTY });
  m.authority.push({ name: rec.name, type: recordType(rec.address), class: CLASS.IN, ttl: rec.ttl, data: rdata(rec.address) });
  return m;
}

/**
 * Deletes only our RR from the RRset: class NONE, TTL 0, our RDATA
 * (RFC 2136 2.5.4). Deleting an RR that is not there is a no-op.
 *
 * Keep-last mode passes `observed`, the whole RRset as just queried from the
 * primary (ours included, at least one other). It becomes the prerequisite
 * "RRset exists (value dependent)" (RFC 2136 2.4.2): the server applies the
 * delete only if the RRset is still exactly that set, so the delete leaves
 * the others in place. If the RRset changed meanwhile, the answer is NXRRSET
 * and the caller queries again (compare-and-swap).
 */
export function deleteRecord(id: number, zone: string, rec: DnsRecord, observed?: readonly string[]): Message {
  const m = start(id, zone, rec.name);
  const type = recordType(rec.address);
  if (observed) {
    for (const a of observed) m.answer.push({ name: rec.name, type, class: CLASS.IN, ttl: 0, data: rdata(a) });
  }
  m.authority.push({ name: rec.name, type, class: CLASS.NONE, ttl: 0, data: rdata(rec.address) });
  return m;
}

export type KeepLastPlan =
  /** Our address is not in the RRset: nothing to send. */
  | { kind: 'absent' }
  /** Ours is the only address left: keep it rather than empty the RRset. */
  | { kind: 'last' }
  /** Send deleteRecord with this RRset as the prerequisite. */
  | { kind: 'delete'; observed: string[] };

/** Decides what keep-last mode does with the RRset just read from the primary. */
export function planKeepLast(rec: DnsRecord, observed: readonly string[]): KeepLastPlan {
  const ours = normalizeAddress(rec.address);
  const set = [...new Set(observed.map(normalizeAddress))];
  if (!set.includes(ours)) return { kind: 'absent' };
  if (set.length === 1) return { kind: 'last' };
  return { kind: 'delete', observed: set };
}

/** The addresses of `name`/`type` in an answer section (for the query helper). */
export function addressesIn(rrs: readonly Rr[], name: string, type: number): string[] {
  const key = nameKey(name);
  const out: string[] = [];
  for (const rr of rrs) {
    if (rr.type !== type || nameKey(rr.name) !== key) continue;
    if (rr.data.kind === 'a' || rr.data.kind === 'aaaa') out.push(rr.data.address);
  }
  return out;
}
