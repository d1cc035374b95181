import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DnsClient } from '../../src/dns/client.js';

/**
 * Real authoritative servers on loopback for interop tests and benchmarks:
 * BIND 9, Knot DNS and PowerDNS (gsqlite3), each with zone example.test,
 * the record `www A 192.0.2.200` (another instance's) and a TSIG key allowed
 * to update it. Each runs in its own temp folder on a free port and is
 * stopped by its PID.
 */

export const ZONE = 'example.test';
export const OTHER = '192.0.2.200';
export const KEY = { name: 'floatd-test', algorithm: 'hmac-sha256', secret: 'ZmxvYXRkIGxhYiBrZXksIG5vdCBhIHNlY3JldCEhIQ==' };
const HOST = '127.0.0.1';

export interface DnsServer {
  kind: 'bind' | 'knot' | 'pdns';
  host: string;
  port: number;
  pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its folder. */
  stop(): Promise<void>;
  /** Stops the process only: the port stays ours, the data stays. */
  down(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  up(): Promise<void>;
  log(): string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, HOST, () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

const ZONE_FILE = `$ORIGIN ${ZONE}.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 60\n@ NS ns1\nns1 A 192.0.2.53\nwww 60 A ${OTHER}\n`;

function setup(kind: DnsServer['kind'], dir: string, port: number): { cmd: string; args: string[] } {
  writeFileSync(join(dir, `${ZONE}.db`), ZONE_FILE);
  if (kind === 'bind') {
    writeFileSync(
      join(dir, 'named.conf'),
      `options { directory "${dir}"; pid-file "${dir}/named.pid"; listen-on port ${port} { ${HOST}; }; listen-on-v6 { none; }; recursion no; notify no; };
controls { };
key "${KEY.name}" { algorithm ${KEY.algorithm}; secret "${KEY.secret}"; };
zone "${ZONE}" { type primary; file "${ZONE}.db"; update-policy { grant ${KEY.name} zonesub A AAAA; }; };
`,
    );
    return { cmd: 'named', args: ['-g', '-c', join(dir, 'named.conf')] };
  }
  if (kind === 'knot') {
    mkdirSync(join(dir, 'db'));
    writeFileSync(
      join(dir, 'knot.conf'),
      `server:\n  rundir: "${dir}"\n  listen: ${HOST}@${port}\n  pidfile: "${dir}/knot.pid"\n` +
        `log:\n  - target: stderr\n    any: info\n` +
        `database:\n  storage: "${dir}/db"\n` +
        `key:\n  - id: ${KEY.name}\n    algorithm: ${KEY.algorithm}\n    secret: ${KEY.secret}\n` +
        `acl:\n  - id: upd\n    key: ${KEY.name}\n    action: update\n` +
        `zone:\n  - domain: ${ZONE}\n    storage: "${dir}"\n    file: "${ZONE}.db"\n    acl: upd\n    zonefile-sync: -1\n    journal-content: changes\n`,
    );
    return { cmd: 'knotd', args: ['-c', join(dir, 'knot.conf')] };
  }
  const db = join(dir, 'pdns.sqlite3');
  const conf = `launch=gsqlite3\ngsqlite3-database=${db}\nlocal-address=${HOST}\nlocal-port=${port}\ndnsupdate=yes\nallow-dnsupdate-from=127.0.0.0/8\nsocket-dir=${dir}\nguardian=no\ndaemon=no\ndisable-syslog=yes\nloglevel=6\ncache-ttl=0\nquery-cache-ttl=0\nnegquery-cache-ttl=0\nzone-cache-refresh-interval=0\n`;
  writeFileSync(join(dir, 'pdns.conf'), conf);
  return { cmd: 'pdns_server', args: [`--config-dir=${dir}`] };
}

function initPdns(dir: string): void {
  const db = join(dir, 'pdns.sqlite3');
  execFileSync('sqlite3', [db], { input: execFileSync('cat', ['/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql']) });
  const u = (...args: string[]): void => void execFileSync('pdnsutil', [`--config-dir=${dir}`, ...args], { stdio: 'pipe' });
  u('load-zone', ZONE, join(dir, `${ZONE}.db`));
  u('import-tsig-key', KEY.name, KEY.algorithm, KEY.secret);
  u('set-meta', ZONE, 'TSIG-ALLOW-DNSUPDATE', KEY.name);
}

/** Starts a server and waits (at most 15 s) until it answers a query for the zone. */
export async function startServer(kind: DnsServer['kind']): Promise<DnsServer> {
  const dir = mkdtempSync(join(tmpdir(), `floatd-dns-${kind}-`));
  const port = await freePort();
  const { cmd, args } = setup(kind, dir, port);
  if (kind === 'pdns') initPdns(dir);
  let child: ChildProcess;
  let out = '';
  const launch = async (): Promise<void> => {
    child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (out = (out + d).slice(-20000)));
    child.stderr!.on('data', (d) => (out = (out + d).slice(-20000)));
    const probe = new DnsClient({ host: HOST, port, timeoutMs: 200, tries: 1 });
    for (let i = 0; i < 75; i++) {
      if (child.exitCode !== null) break;
      try {
        if ((await probe.queryAddresses(`ns1.${ZONE}`, 1)).length > 0) return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    child.kill('SIGKILL');
    throw new Error(`${cmd} did not answer on ${HOST}:${port} within 15 s:\n${out.slice(-3000)}`);
  };
  const halt = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(t);
  };
  await launch();
  return {
    kind,
    host: HOST,
    port,
    get pid() {
      return child.pid!;
    },
    stop: async () => {
      await halt();
      if (!process.env['FLOATD_LAB_KEEP']) rmSync(dir, { recursive: true, force: true });
    },
    down: halt,
    up: launch,
    log: () => out,
  };
}
