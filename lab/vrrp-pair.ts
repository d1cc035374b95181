// A pair of VRRP routers on the LAN of lab/vrrp-lan.ts, for the benchmark and
// the lab's L2 scenarios: both floatd (`floatd run`, a checked service
// tracked by the instance) or both keepalived (a vrrp_script checking the
// same server). The Active is host fd (priority 150), the Backup host ka at
// the default priority (100). A client in the third namespace sends requests
// at a steady rate (lab/failover/client.ts) and logs who answered.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { FLOATD_BIN } from './daemons/floatd.js';
import { Pending, waitFor, type LabProcess } from './netns.js';
import { holders, HOST_ADDR, startHttp, startKeepalived, VIP, type VrrpLan } from './vrrp-lan.js';

export type Host = 'fd' | 'ka';

export interface PairSettings {
  readonly id: string;
  readonly label: string;
  readonly kind: 'floatd' | 'keepalived';
  /** Seconds; absent: the daemon's default (1 s in both). */
  readonly advertInterval?: number;
  /** floatd: an HTTP check at floatd's default timing, or a process watch on the server's pid file (event-driven). */
  readonly check?: 'http' | 'process';
  /** floatd: service timing keys (interval, fall...) over the defaults. */
  readonly health?: Readonly<Record<string, number>>;
  /** floatd: `virtual-mac: true`. */
  readonly virtualMac?: boolean;
}

export const PAIRS = {
  floatdDefaults: { id: 'floatd-defaults', label: 'floatd, defaults (HTTP check every 0.5 s, fall 2; adverts 1 s)', kind: 'floatd', check: 'http' },
  floatdDefaultCheckFastAdverts: {
    id: 'floatd-default-check',
    label: "floatd, default check (HTTP every 0.5 s, fall 2); adverts 0.1 s",
    kind: 'floatd',
    check: 'http',
    advertInterval: 0.1,
  },
  floatdFast: { id: 'floatd-fast', label: 'floatd, fast (process check; adverts 0.1 s)', kind: 'floatd', check: 'process', advertInterval: 0.1 },
  keepalivedDefaults: { id: 'keepalived-defaults', label: 'keepalived, vrrp_script interval 1, fall 2; adverts 1 s', kind: 'keepalived', advertInterval: 1 },
  keepalivedFast: { id: 'keepalived-fast', label: 'keepalived, vrrp_script interval 1, fall 2; adverts 0.1 s', kind: 'keepalived', advertInterval: 0.1 },
} as const satisfies Record<string, PairSettings>;

export const PAIR_VRID = 70;
export const ACTIVE_PRIORITY = 150;

/** The HTTP servers on both hosts, with pid files for the process check. */
export class Servers {
  private readonly procs: Partial<Record<Host, LabProcess>> = {};

  constructor(private readonly lan: VrrpLan) {
    this.procs.fd = lan.http.fd;
    this.procs.ka = lan.http.ka;
    for (const h of ['fd', 'ka'] as const) this.writePid(h);
  }

  pidFile(h: Host): string {
    return join(this.lan.lab.dir, `http-${h}.pid`);
  }

  get(h: Host): LabProcess {
    return this.procs[h]!;
  }

  /** Starts the host's server again if it is not running. */
  ensure(h: Host): void {
    if (this.procs[h]?.running === true) return;
    this.procs[h] = startHttp(this.lan.lab, this.lan.ns[h], h);
    this.writePid(h);
  }

  private writePid(h: Host): void {
    writeFileSync(this.pidFile(h), `${this.procs[h]!.pid}\n`);
  }
}

export interface RunningPair {
  readonly active: LabProcess;
  readonly backup: LabProcess;
  /** The process that runs VRRP on the Active host: floatd itself, or keepalived's VRRP child. */
  vrrpPid(): number;
  stop(): Promise<void>;
}

let started = 0;

function startFloatdHost(lan: VrrpLan, servers: Servers, s: PairSettings, host: Host, tag: string): LabProcess {
  const dir = lan.lab.dir;
  const check = s.check === 'process' ? { process: { 'pid-file': servers.pidFile(host) } } : { http: { url: 'http://127.0.0.1:8080/' } };
  const config = join(dir, `${tag}.yaml`);
  writeFileSync(
    config,
    stringify({
      'router-id': HOST_ADDR[host],
      'local-as': 65001,
      'control-socket': join(dir, `${tag}.sock`),
      services: [{ name: 'web', check, ...(s.health ?? {}) }],
      vrrp: [
        {
          name: 'web-vip',
          interface: 'eth0',
          vrid: PAIR_VRID,
          ...(host === 'fd' ? { priority: ACTIVE_PRIORITY } : {}),
          ...(s.advertInterval !== undefined ? { 'advert-interval': s.advertInterval } : {}),
          ...(s.virtualMac === true ? { 'virtual-mac': true } : {}),
          addresses: [`${VIP}/24`],
          track: ['web'],
        },
      ],
    }),
  );
  return lan.lab.spawn(lan.ns[host], tag, process.execPath, [FLOATD_BIN, 'run', '--config', config], { env: { ...process.env, FLOATD_LOG_FORMAT: 'json' } });
}

/** Starts the pair and waits until fd alone holds the address and ka is a settled Backup. */
export async function startPair(lan: VrrpLan, servers: Servers, s: PairSettings): Promise<RunningPair> {
  started += 1;
  const tag = `${s.id}-${started}`;
  let active: LabProcess;
  let backup: LabProcess;
  const advertInt = s.advertInterval ?? 1;
  if (s.kind === 'floatd') {
    active = startFloatdHost(lan, servers, s, 'fd', `${tag}-fd`);
    backup = startFloatdHost(lan, servers, s, 'ka', `${tag}-ka`);
  } else {
    const curl = '/usr/bin/curl -sf -m 0.5 -o /dev/null http://127.0.0.1:8080/';
    active = startKeepalived(lan, `${tag}-fd`, { vrid: PAIR_VRID, priority: ACTIVE_PRIORITY, advertInt, host: 'fd', checkCommand: curl });
    backup = startKeepalived(lan, `${tag}-ka`, { vrid: PAIR_VRID, priority: 100, advertInt, host: 'ka', checkCommand: curl });
  }
  const stop = async (): Promise<void> => {
    await Promise.all([active.stop(), backup.stop()]);
  };
  try {
    await waitFor(
      `${s.id}: fd alone to hold the address, ka a Backup`,
      async () => {
        for (const p of [active, backup]) if (!p.running) throw new Error(`${p.name} exited (${p.exitCode ?? p.exitSignal}): ${p.output().slice(-400)}`);
        const h = await holders(lan);
        if (h.join() !== 'fd') return new Pending(`holders [${h.join(', ')}]`);
        const isBackup = s.kind === 'floatd' ? /-> Backup/.test(backup.output()) : /Entering BACKUP STATE/.test(backup.output());
        return isBackup ? true : new Pending('backup not settled');
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  const vrrpPid = (): number => (s.kind === 'floatd' ? active.pid : Number(readFileSync(join(lan.lab.dir, `${tag}-fd-vrrp.pid`), 'utf8').trim()));
  return { active, backup, vrrpPid, stop };
}
