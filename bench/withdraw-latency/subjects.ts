// The daemons whose withdraw latency the benchmark measures, each set up the
// same way: one service announcing PREFIX to the receiver while the check
// (check.c) passes; rise 1; the same fall, interval and fast interval; and,
// for the full-table runs, a second session to the feeder.
//
// floatd runs in this process (its Speaker and ServiceRoutes, from a config
// parsed by the real schema), so ServiceRoutes' own withdraw latency can be
// read through its observer. ExaBGP 4 runs as a child with its healthcheck
// API process, the way ExaBGP users deploy it.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { parseConfigText } from '../../src/config/index.js';
import { staticAnnouncements } from '../../src/config/announcements.js';
import { ServiceRoutes } from '../../src/daemon/service-routes.js';
import { Speaker } from '../../src/daemon/speaker.js';
import { ProcessSampler, type EventLoopLag } from '../../src/metrics/process-metrics.js';
import { realClock } from '../../src/util/clock.js';
import { monoMs } from '../mono.js';

export const PREFIX = '192.0.2.10/32';
export const RECEIVER = '127.0.0.2';
export const FEEDER = '127.0.0.3';
export const FLOATD_SOURCE = '127.0.0.1';
export const EXABGP_SOURCE = '127.0.0.4';
const LOCAL_AS = 65001;
const PEER_AS = 65000;

export interface Timing {
  readonly fall: number;
  /** Seconds. */
  readonly interval: number;
  readonly fastInterval: number;
}

export interface Peers {
  readonly receiverPort: number;
  /** Present for the full-table runs. */
  readonly feederPort?: number;
}

export interface CheckFiles {
  readonly bin: string;
  readonly flag: string;
  readonly stamps: string;
}

export interface Subject {
  readonly name: string;
  /** The address the receiver sees the subject's session come from. */
  readonly source: string;
  /** The daemon's own figure for each withdraw, in ms, when it offers one. */
  readonly ownLatencies?: readonly number[];
  /** monoMs() when the daemon reported each withdraw written to its sockets, when it reports that. */
  readonly writtenAt?: readonly number[];
  /** Event-loop lag of the daemon's process since it started (floatd's floatd_event_loop_lag_seconds). */
  eventLoopLag?(): EventLoopLag | undefined;
  stop(): Promise<void>;
}

/**
 * A flap guard that never holds an announcement back: the benchmark fails
 * over hundreds of times a minute, and the guard only ever delays
 * announcements, never a withdraw.
 */
const NO_FLAP_GUARD = { threshold: 1_000_000, windowMs: 1, holdMs: 0, maxHoldMs: 0 };

export async function startFloatd(peers: Peers, check: CheckFiles, timing: Timing, dir: string): Promise<Subject> {
  const neighbor = (address: string, port: number) => ({
    address,
    port,
    'peer-as': PEER_AS,
    'local-address': FLOATD_SOURCE,
    'hold-time': 90,
    'connect-retry': 1,
  });
  const config = {
    'router-id': FLOATD_SOURCE,
    'local-as': LOCAL_AS,
    'control-socket': join(dir, 'floatd.sock'),
    neighbors: [neighbor(RECEIVER, peers.receiverPort), ...(peers.feederPort === undefined ? [] : [neighbor(FEEDER, peers.feederPort)])],
    services: [
      {
        name: 'bench',
        prefixes: [PREFIX],
        check: { exec: { command: [check.bin, check.flag, check.stamps] } },
        rise: 1,
        fall: timing.fall,
        interval: timing.interval,
        'fast-interval': timing.fastInterval,
        timeout: timing.interval,
      },
    ],
  };
  const cfg = parseConfigText(stringify(config), join(dir, 'floatd.yaml'));
  const log = pino({ level: 'error' }, pino.destination({ fd: 2, sync: true }));
  const speaker = new Speaker(cfg, realClock, log);
  const serviceRoutes = new ServiceRoutes({
    announce: staticAnnouncements(cfg),
    services: cfg.services ?? [],
    sink: speaker,
    clock: realClock,
    log,
    flapGuard: NO_FLAP_GUARD,
    random: () => 0,
  });
  const ownLatencies: number[] = [];
  const writtenAt: number[] = [];
  // Called right after the speaker wrote the WITHDRAW to every socket.
  serviceRoutes.observe({
    withdraw: (o) => {
      writtenAt.push(monoMs());
      ownLatencies.push(o.latencyMs);
    },
  });
  await speaker.start();
  serviceRoutes.start();
  const sampler = new ProcessSampler();
  return {
    name: 'floatd',
    source: FLOATD_SOURCE,
    ownLatencies,
    writtenAt,
    eventLoopLag: () => sampler.sample().eventLoopLag,
    stop: async () => {
      sampler.close();
      await speaker.stop();
      serviceRoutes.stop();
    },
  };
}

export async function startExabgp(peers: Peers, check: CheckFiles, timing: Timing, dir: string, exabgp: string): Promise<Subject> {
  const hc = join(dir, 'healthcheck.sh');
  // Debian's python3, which has ExaBGP's modules (another python3 may come first on PATH).
  writeFileSync(
    hc,
    [
      '#!/bin/sh',
      `exec /usr/bin/python3 -m exabgp healthcheck --silent --no-ip-setup --withdraw-on-down --ip ${PREFIX} ` +
        `--rise 1 --fall ${timing.fall} --interval ${timing.interval} --fast-interval ${timing.fastInterval} --timeout 1 ` +
        `--cmd '${check.bin} ${check.flag} ${check.stamps}'`,
      '',
    ].join('\n'),
  );
  chmodSync(hc, 0o755);
  const neighbor = (address: string, port: number, processes: boolean): string[] => [
    `neighbor ${address} {`,
    `  router-id ${EXABGP_SOURCE};`,
    `  local-address ${EXABGP_SOURCE};`,
    `  local-as ${LOCAL_AS};`,
    `  peer-as ${PEER_AS};`,
    `  connect ${port};`,
    `  hold-time 90;`,
    // Count and discard what the peer sends, as floatd's default import: none does.
    `  adj-rib-in false;`,
    `  family { ipv4 unicast; }`,
    ...(processes ? [`  api { processes [ healthcheck ]; }`] : []),
    `}`,
  ];
  const conf = join(dir, 'exabgp.conf');
  writeFileSync(
    conf,
    [
      `process healthcheck {`,
      `  run ${hc};`,
      `  encoder text;`,
      `}`,
      ...neighbor(RECEIVER, peers.receiverPort, true),
      ...(peers.feederPort === undefined ? [] : neighbor(FEEDER, peers.feederPort, false)),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(exabgp, [conf], {
    // Its own process group, so stopping it also ends the healthcheck and any check it runs.
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      'exabgp.daemon.user': 'root',
      'exabgp.daemon.daemonize': 'false',
      'exabgp.log.destination': 'stderr',
      'exabgp.log.level': 'ERR',
    },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    name: 'ExaBGP 4 + healthcheck',
    source: EXABGP_SOURCE,
    stop: async () => {
      const pid = child.pid;
      if (pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const force = setTimeout(() => {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 5000);
        await exited;
        clearTimeout(force);
      }
      if (stderr.trim() !== '' && process.env.BENCH_DEBUG) console.error(stderr);
    },
  };
}
