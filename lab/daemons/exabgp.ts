// ExaBGP 4.2 in a lab namespace: config writer, start, and what it received,
// read from the JSON its API process writes. The API process is a small
// shell loop appending each line to a file; it keeps its stdout open, since
// ExaBGP restarts (and finally gives up on) a helper whose stdout closes.

import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable, LabError } from '../netns.js';
import type { Lab, LabProcess } from '../netns.js';
import { originFrom, sortCommunities } from './peer-route.js';
import type { PeerRoute } from './peer-route.js';

export const EXABGP = '/usr/sbin/python3-exabgp';

export interface ExabgpConfig {
  readonly routerId: string;
  readonly localAddress: string;
  readonly localAs: number;
  readonly neighborAddress: string;
  readonly peerAs: number;
  readonly family: 'ipv4' | 'ipv6';
  readonly holdTime?: number;
  /** Wait for the neighbor to connect instead of connecting out. */
  readonly passive?: boolean;
  /** TCP MD5 key (RFC 2385): `md5-password`. */
  readonly md5Password?: string;
  /** Routes ExaBGP announces, with its own address as next hop. */
  readonly originate?: readonly string[];
  /**
   * More API processes (ExaBGP's healthcheck, for one), each with an api
   * block of its own that sends nothing to it but the acks of its commands.
   */
  readonly processes?: readonly { readonly name: string; readonly run: string }[];
}

export function exabgpConfigText(c: ExabgpConfig, recorder: string): string {
  const routes = (c.originate ?? []).map((p) => `    route ${p} next-hop ${c.localAddress} origin igp;`);
  const extra = c.processes ?? [];
  return [
    `process recorder {`,
    `  run ${recorder};`,
    `  encoder json;`,
    `}`,
    ``,
    ...extra.flatMap((p) => [`process ${p.name} {`, `  run ${p.run};`, `  encoder text;`, `}`, ``]),
    `neighbor ${c.neighborAddress} {`,
    `  router-id ${c.routerId};`,
    `  local-address ${c.localAddress};`,
    `  local-as ${c.localAs};`,
    `  peer-as ${c.peerAs};`,
    `  hold-time ${c.holdTime ?? 9};`,
    `  group-updates false;`,
    ...(c.passive === true ? [`  passive true;`] : []),
    ...(c.md5Password !== undefined ? [`  md5-password "${c.md5Password}";`] : []),
    `  family {`,
    `    ${c.family} unicast;`,
    `  }`,
    `  api {`,
    `    processes [ recorder ];`,
    `    neighbor-changes;`,
    // `packets` also records raw NOTIFICATIONs: ExaBGP 4.2 cannot parse one carrying an RFC 9003 text.
    `    receive { parsed; packets; update; notification; }`,
    `  }`,
    ...(extra.length > 0 ? [`  api {`, `    processes [ ${extra.map((p) => p.name).join(' ')} ];`, `  }`] : []),
    ...(routes.length > 0 ? [`  static {`, ...routes, `  }`] : []),
    `}`,
    ``,
  ].join('\n');
}

/** One line the API process received, reduced to what tests look at. */
export type ExabgpEvent =
  | { readonly kind: 'state'; readonly time: number; readonly state: string; readonly reason?: string }
  | { readonly kind: 'announce'; readonly time: number; readonly routes: readonly PeerRoute[] }
  | { readonly kind: 'withdraw'; readonly time: number; readonly prefixes: readonly string[] }
  | { readonly kind: 'notification'; readonly time: number; readonly code: number; readonly subcode: number; readonly data: Buffer };

interface ExaLine {
  time?: number;
  type?: string;
  neighbor?: {
    state?: string;
    reason?: string;
    message?: {
      category?: number;
      body?: string;
      update?: {
        attribute?: {
          origin?: string;
          'as-path'?: number[];
          med?: number;
          community?: [number, number][];
          'large-community'?: [number, number, number][];
        };
        announce?: Record<string, Record<string, { nlri: string }[]>>;
        withdraw?: Record<string, { nlri: string }[]>;
      };
    };
  };
}

/** Parses the recorder's file. Raw packets are kept only for NOTIFICATIONs (category 3). */
export function parseExabgpEvents(text: string): ExabgpEvent[] {
  const out: ExabgpEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let j: ExaLine;
    try {
      j = JSON.parse(line) as ExaLine;
    } catch {
      continue;
    }
    const time = j.time ?? 0;
    const n = j.neighbor;
    if (j.type === 'state' && n?.state !== undefined) {
      out.push({ kind: 'state', time, state: n.state, ...(n.reason !== undefined ? { reason: n.reason } : {}) });
      continue;
    }
    const msg = n?.message;
    if (msg?.category === 3 && msg.body !== undefined) {
      const body = Buffer.from(msg.body.replace(/^0x/i, ''), 'hex');
      out.push({ kind: 'notification', time, code: body[0] ?? 0, subcode: body[1] ?? 0, data: body.subarray(2) });
      continue;
    }
    const u = msg?.update;
    if (u === undefined) continue;
    const a = u.attribute ?? {};
    if (u.announce !== undefined) {
      const routes: PeerRoute[] = [];
      for (const byHop of Object.values(u.announce)) {
        for (const [nextHop, nlris] of Object.entries(byHop)) {
          for (const { nlri } of nlris) {
            routes.push({
              prefix: nlri,
              nextHop,
              asPath: a['as-path'] ?? [],
              origin: originFrom(a.origin),
              med: a.med,
              communities: sortCommunities((a.community ?? []).map(([x, y]) => `${x}:${y}`)),
              largeCommunities: sortCommunities((a['large-community'] ?? []).map(([x, y, z]) => `${x}:${y}:${z}`)),
            });
          }
        }
      }
      out.push({ kind: 'announce', time, routes });
    }
    if (u.withdraw !== undefined) {
      out.push({ kind: 'withdraw', time, prefixes: Object.values(u.withdraw).flatMap((l) => l.map((x) => x.nlri)) });
    }
  }
  return out;
}

/** The routes currently held, replaying announces and withdraws; a session going down clears them. */
export function exabgpRib(events: readonly ExabgpEvent[]): Map<string, PeerRoute> {
  const rib = new Map<string, PeerRoute>();
  for (const e of events) {
    if (e.kind === 'announce') for (const r of e.routes) rib.set(r.prefix, r);
    else if (e.kind === 'withdraw') for (const p of e.prefixes) rib.delete(p);
    else if (e.kind === 'state' && e.state === 'down') rib.clear();
  }
  return rib;
}

export class Exabgp {
  private constructor(
    readonly process: LabProcess,
    readonly eventsFile: string,
  ) {}

  static start(lab: Lab, ns: string, name: string, config: ExabgpConfig): Exabgp {
    if (findExecutable(EXABGP) === undefined) throw new LabError(`${EXABGP} is missing: run \`npm run test:deps\` (Debian package exabgp)`);
    const eventsFile = join(lab.dir, `${name}.events.json`);
    writeFileSync(eventsFile, '');
    const recorder = join(lab.dir, `${name}-recorder.sh`);
    writeFileSync(recorder, `#!/bin/sh\nwhile IFS= read -r line; do printf '%s\\n' "$line" >> '${eventsFile}'; done\n`);
    chmodSync(recorder, 0o755);
    const conf = join(lab.dir, `${name}.conf`);
    writeFileSync(conf, exabgpConfigText(config, recorder));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // Debian's python3 first: another python3 earlier on PATH lacks ExaBGP's modules.
      PATH: `/usr/sbin:/usr/bin:/sbin:/bin`,
      'exabgp.daemon.user': 'root',
      'exabgp.daemon.daemonize': 'false',
      'exabgp.log.destination': 'stdout',
      ...(config.passive === true ? { 'exabgp.tcp.bind': config.localAddress, 'exabgp.tcp.port': '179' } : {}),
    };
    const proc = lab.spawn(ns, name, EXABGP, [conf], { env });
    return new Exabgp(proc, eventsFile);
  }

  events(): ExabgpEvent[] {
    return parseExabgpEvents(readFileSync(this.eventsFile, 'utf8'));
  }

  /** The last neighbor state the API reported ("up", "down", "connected"), if any. */
  state(): string | undefined {
    const states = this.events().filter((e) => e.kind === 'state');
    const last = states[states.length - 1];
    return last?.kind === 'state' ? last.state : undefined;
  }

  rib(): Map<string, PeerRoute> {
    return exabgpRib(this.events());
  }

  log(): string {
    return this.process.output();
  }
}
