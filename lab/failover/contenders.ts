// The programs that keep the floating address announced from an instance,
// each started the way its users run it: floatd (`floatd run` with one
// service whose check is an HTTP request to the floating address), and
// ExaBGP 4 with its own healthcheck program (Debian's exabgp package) running
// curl against the same URL. Scenarios drive them only through signals,
// files and commands, so any contender fits.

import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEALTH_DEFAULTS } from '../../src/health/defaults.js';
import { Exabgp } from '../daemons/exabgp.js';
import { Floatd, FLOATD_BIN, REPO_ROOT } from '../daemons/floatd.js';
import type { FloatdConfig } from '../daemons/floatd.js';
import { LabError, run } from '../netns.js';
import type { Lab, LabProcess } from '../netns.js';
import { HTTP_PORT, INSTANCE_AS, ROUTER_AS, VIP, VIP_PREFIX } from './topology.js';
import type { Site } from './topology.js';

export type Role = 'primary' | 'secondary';

/** One instance's part in a scenario. */
export interface InstancePlan {
  readonly site: Site;
  readonly role?: Role;
  /** Only meaningful with a role; default true. */
  readonly failback?: boolean;
  /** While this file exists the service is in maintenance. */
  readonly disableFile: string;
  /** Unique per scenario run: names the processes and their logs. */
  readonly tag: string;
}

export interface RunningInstance {
  readonly site: Site;
  /** The BGP speaker's process (floatd, exabgp): what SIGKILL and SIGTERM are sent to. */
  readonly daemon: LabProcess;
  /** Every process on the daemon's side now (ExaBGP's healthcheck too): what an instance freeze stops. */
  pids(): number[];
  /** Stops whatever is still running (SIGTERM, then SIGKILL), including processes the daemon started. */
  stop(): Promise<void>;
}

export interface Contender {
  /** Short id for options and file names: floatd, exabgp, exabgp-fast. */
  readonly id: string;
  /** For tables: "floatd (defaults)". */
  readonly label: string;
  /** The health settings in words, for the report. */
  readonly settings: string;
  start(lab: Lab, plan: InstancePlan): Promise<RunningInstance>;
  /** Why `failback: false` cannot be expressed, when it cannot. */
  readonly noFailback?: string;
  /**
   * Drains the instance's service (traffic leaves before the route does).
   * Absent: the contender has no drain; `drainMissing` says why.
   */
  drain?(inst: RunningInstance): Promise<void>;
  readonly drainMissing?: string;
}

/** Health settings a floatd service may override (docs/config.md keys); absent ones keep floatd's defaults. */
export interface FloatdHealth {
  readonly rise?: number;
  readonly fall?: number;
  readonly interval?: number;
  readonly 'fast-interval'?: number;
  readonly timeout?: number;
}

/** Whether `floatd help` lists `command` (another engineer adds `drain`). */
export async function floatdHasCommand(command: string): Promise<boolean> {
  const r = await run(process.execPath, [FLOATD_BIN, 'help'], { timeoutMs: 15_000, cwd: REPO_ROOT });
  return new RegExp(`^\\s+${command}\\b`, 'm').test(r.stdout);
}

export function floatdInstanceConfig(lab: Lab, plan: InstancePlan, health: FloatdHealth, extra: Record<string, unknown> = {}, neighborExtra: Record<string, unknown> = {}): FloatdConfig {
  return {
    'router-id': plan.site.address,
    'local-as': INSTANCE_AS,
    'control-socket': join(lab.dir, `${plan.tag}.sock`),
    neighbors: [{ address: plan.site.routerAddress, 'peer-as': ROUTER_AS, ...neighborExtra }],
    services: [
      {
        name: 'web',
        prefixes: [VIP_PREFIX],
        check: { http: { url: `http://${VIP}:${HTTP_PORT}/` } },
        'disable-file': plan.disableFile,
        ...health,
        ...(plan.role !== undefined ? { role: plan.role, failback: plan.failback ?? true } : {}),
        ...extra,
      },
    ],
  };
}

export interface FloatdContenderOptions {
  readonly id?: string;
  readonly label?: string;
  readonly health?: FloatdHealth;
  /** More keys for the service entry. */
  readonly serviceExtra?: Record<string, unknown>;
  /** More keys for the neighbor entry (e.g. `graceful-restart: false`). */
  readonly neighborExtra?: Record<string, unknown>;
  /** Use `floatd drain` for the drain scenario (when the command exists). */
  readonly drainCommand?: boolean;
}

export function floatdContender(o: FloatdContenderOptions = {}): Contender {
  const health = o.health ?? {};
  const words = describeHealth({
    interval: HEALTH_DEFAULTS.intervalMs / 1000,
    'fast-interval': HEALTH_DEFAULTS.fastIntervalMs / 1000,
    rise: HEALTH_DEFAULTS.rise,
    fall: HEALTH_DEFAULTS.fall,
    timeout: HEALTH_DEFAULTS.timeoutMs / 1000,
    ...health,
  }) + (Object.keys(health).length === 0 ? ' (floatd defaults)' : '');
  const configs = new Map<RunningInstance, string>();
  const contender: Contender = {
    id: o.id ?? 'floatd',
    label: o.label ?? 'floatd (defaults)',
    settings: `${words}; HTTP check of http://${VIP}/; withdraw when down`,
    async start(lab, plan) {
      const f = Floatd.start(lab, plan.site.ns, plan.tag, floatdInstanceConfig(lab, plan, health, o.serviceExtra, o.neighborExtra));
      const inst: RunningInstance = {
        site: plan.site,
        daemon: f.process,
        pids: () => (f.process.running ? [f.process.pid] : []),
        stop: async () => {
          await f.process.stop('SIGTERM', 5_000);
        },
      };
      configs.set(inst, f.configFile);
      return inst;
    },
    ...(o.drainCommand === true
      ? {
          async drain(inst: RunningInstance) {
            const file = configs.get(inst);
            if (file === undefined) throw new LabError('drain: not one of this contender\'s instances');
            const r = await run(process.execPath, [FLOATD_BIN, 'drain', 'web', '--config', file], { timeoutMs: 60_000, cwd: REPO_ROOT });
            if (r.code !== 0) throw new LabError(`floatd drain exited ${String(r.code)}: ${(r.stderr || r.stdout).trim()}`);
          },
        }
      : { drainMissing: '`floatd drain` does not exist yet' }),
  };
  return contender;
}

function describeHealth(h: FloatdHealth): string {
  const parts: string[] = [];
  if (h.interval !== undefined) parts.push(`interval ${h.interval} s`);
  if (h['fast-interval'] !== undefined) parts.push(`fast-interval ${h['fast-interval']} s`);
  if (h.rise !== undefined) parts.push(`rise ${h.rise}`);
  if (h.fall !== undefined) parts.push(`fall ${h.fall}`);
  if (h.timeout !== undefined) parts.push(`timeout ${h.timeout} s`);
  return parts.join(', ');
}

/** ExaBGP healthcheck options (its own names); absent ones keep its defaults. */
export interface ExabgpHealth {
  readonly interval?: number;
  readonly 'fast-interval'?: number;
  readonly rise?: number;
  readonly fall?: number;
  /** Whole seconds: the healthcheck parses it as an integer. */
  readonly timeout?: number;
}

export const EXABGP_HEALTHCHECK = '/usr/bin/exabgp-healthcheck';
/** MED while up, per role: the healthcheck announces MED 1000 when down and 500 when disabled, so a lower MED wins while healthy. */
const ROLE_METRIC: Record<Role, number> = { primary: 100, secondary: 200 };

/** The children of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      continue;
    }
  }
  return out;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export function exabgpContender(o: { id: string; label: string; health: ExabgpHealth }): Contender {
  const h = o.health;
  const args = (plan: InstancePlan): string[] => [
    '--no-syslog',
    '--name',
    `web-${plan.site.name}`,
    '--cmd',
    `'curl -sf -o /dev/null http://${VIP}:${HTTP_PORT}/'`,
    '--ip',
    VIP_PREFIX,
    '--no-ip-setup',
    '--disable',
    plan.disableFile,
    ...(h.interval !== undefined ? ['--interval', String(h.interval)] : []),
    ...(h['fast-interval'] !== undefined ? ['--fast-interval', String(h['fast-interval'])] : []),
    ...(h.rise !== undefined ? ['--rise', String(h.rise)] : []),
    ...(h.fall !== undefined ? ['--fall', String(h.fall)] : []),
    ...(h.timeout !== undefined ? ['--timeout', String(h.timeout)] : []),
    ...(plan.role !== undefined ? ['--up-metric', String(ROLE_METRIC[plan.role])] : []),
  ];
  const parts: string[] = [];
  parts.push(`interval ${h.interval ?? 5} s`, `fast-interval ${h['fast-interval'] ?? 1} s`, `rise ${h.rise ?? 3}`, `fall ${h.fall ?? 3}`, `timeout ${h.timeout ?? 5} s`);
  return {
    id: o.id,
    label: o.label,
    settings: `${parts.join(', ')}; check \`curl -sf http://${VIP}/\`; when down it announces MED 1000 (its default, not a withdraw); roles by MED 100/200`,
    noFailback: 'the healthcheck has no failback switch',
    drainMissing: 'the healthcheck has no drain; its maintenance is the disable file (see "maintenance")',
    async start(lab, plan) {
      if (!existsSync(EXABGP_HEALTHCHECK)) throw new LabError(`${EXABGP_HEALTHCHECK} is missing: install the Debian package exabgp`);
      const script = join(lab.dir, `${plan.tag}-healthcheck.sh`);
      writeFileSync(script, `#!/bin/sh\nexec ${EXABGP_HEALTHCHECK} ${args(plan).join(' ')}\n`);
      chmodSync(script, 0o755);
      const exa = Exabgp.start(lab, plan.site.ns, plan.tag, {
        routerId: plan.site.address,
        localAddress: plan.site.address,
        localAs: INSTANCE_AS,
        neighborAddress: plan.site.routerAddress,
        peerAs: ROUTER_AS,
        family: 'ipv4',
        processes: [{ name: 'healthcheck', run: script }],
      });
      const main = exa.process;
      // The healthcheck outlives ExaBGP when ExaBGP is killed; remember it to stop it by PID.
      const helpers = new Set<number>();
      const scan = () => {
        if (!main.running) return;
        for (const c of childrenOf(main.pid)) if (commandLine(c).includes('healthcheck')) helpers.add(c);
      };
      const alive = (pid: number) => existsSync(`/proc/${pid}`) && commandLine(pid).includes('healthcheck');
      return {
        site: plan.site,
        daemon: main,
        pids: () => {
          scan();
          return [...(main.running ? [main.pid] : []), ...[...helpers].filter(alive)];
        },
        stop: async () => {
          scan();
          await main.stop('SIGTERM', 5_000);
          for (const pid of helpers) {
            if (!alive(pid)) continue;
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              continue;
            }
          }
        },
      };
    },
  };
}

/** ExaBGP 4 with its healthcheck at its own defaults: interval 5, fast-interval 1, rise 3, fall 3, timeout 5. */
export const exabgpDefaults = (): Contender => exabgpContender({ id: 'exabgp', label: 'ExaBGP 4 healthcheck (defaults)', health: {} });

/**
 * ExaBGP at the fastest settings that still confirm a change: checks every
 * second, every half second while rising or falling, two in a row either
 * way, 1 s timeout (whole seconds only).
 */
export const exabgpFast = (): Contender =>
  exabgpContender({ id: 'exabgp-fast', label: 'ExaBGP 4 healthcheck (fast)', health: { interval: 1, 'fast-interval': 0.5, rise: 2, fall: 2, timeout: 1 } });
