// The record of the floating addresses floatd put on interfaces, kept in a
// file next to the control socket. A floatd that dies without stopping
// (SIGKILL, a crash, OOM) leaves its addresses behind; the next start reads
// the record and takes those addresses back as its own, so they are removed
// again when their service goes down or floatd stops, and ones no service
// wants any more are removed at start. Addresses not in the record (an
// operator's, another program's) are never touched.
//
// The record is written before `ip addr add` runs (an address may be on the
// interface only if it is in the record) and after removals. The file is
// written whole to a temporary name and renamed, so a crash mid-write leaves
// the old record. The temporary file has an unpredictable name and is created
// exclusively without following links, so nobody can point it elsewhere.

import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface LedgerEntry {
  readonly interface: string;
  /** The address without length, canonical text. */
  readonly address: string;
}

const VERSION = 1;

/** The record's text: one JSON document, sorted, so equal contents give equal files. */
export function formatLedger(entries: readonly LedgerEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.interface + ' ' + a.address).localeCompare(b.interface + ' ' + b.address));
  return `${JSON.stringify({ version: VERSION, added: sorted.map((e) => ({ interface: e.interface, address: e.address })) }, null, 2)}\n`;
}

/** Entries of a record, or a message saying what is wrong with it. */
export function parseLedger(text: string): LedgerEntry[] | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'not a JSON object';
  const o = doc as Record<string, unknown>;
  if (o['version'] !== VERSION) return `version ${JSON.stringify(o['version'])}, expected ${VERSION}`;
  const added = o['added'];
  if (!Array.isArray(added)) return '"added" is not a list';
  const out: LedgerEntry[] = [];
  for (const [i, e] of added.entries()) {
    const r = e as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || typeof r['interface'] !== 'string' || typeof r['address'] !== 'string') {
      return `"added" item ${i + 1} needs "interface" and "address" strings`;
    }
    out.push({ interface: r['interface'], address: r['address'] });
  }
  return out;
}

/** Where the record for a control socket lives: /run/floatd/floatd.sock -> /run/floatd/floatd.addresses.json. */
export function ledgerPathFor(controlSocket: string): string {
  return join(dirname(controlSocket), `${basename(controlSocket).replace(/\.sock$/, '')}.addresses.json`);
}

export interface AddressLedger {
  /** The record as the file holds it; empty when there is none. Throws with a clear message when it cannot be read or is malformed. */
  load(): LedgerEntry[];
  /** Replaces the record (an empty one removes the file). Throws with a clear message when it cannot be written. */
  save(entries: readonly LedgerEntry[]): void;
}

export class FileAddressLedger implements AddressLedger {
  constructor(readonly path: string) {}

  load(): LedgerEntry[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read the address record ${this.path}: ${(e as Error).message}`);
    }
    const r = parseLedger(text);
    if (typeof r === 'string') throw new Error(`the address record ${this.path} is malformed: ${r}`);
    return r;
  }

  save(entries: readonly LedgerEntry[]): void {
    const tmp = `${this.path}.${randomBytes(8).toString('hex')}.tmp`;
    try {
      // Nothing of ours on any interface: no record at all, as after a clean stop.
      if (entries.length === 0) return rmSync(this.path, { force: true });
      const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        writeSync(fd, formatLedger(entries));
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new Error(`cannot write the address record ${this.path}: ${(e as Error).message}`);
    }
  }
}
