// The receivers of the namespace benchmark, each started in its own
// namespace on one end of a veth pair, and asked how many prefixes it holds
// in the way that costs it least:
//   floatd  its control socket (what `floatd status --json` reads): prefixesReceived
//   BIRD    `birdc show protocols all NAME`, "Routes: N imported" (the channel
//           counter; `show route count` would walk the table and slow BIRD down)
//   GoBGP   `gobgp neighbor ADDR -j`, the received count of its families

import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { request } from '../src/control/client.js';
import { Bird } from '../lab/daemons/bird.js';
import { Floatd } from '../lab/daemons/floatd.js';
import { Gobgp } from '../lab/daemons/gobgp.js';
import { LabError, Pending, run, waitFor } from '../lab/netns.js';
import type { Lab, LabProcess } from '../lab/netns.js';

export const FEEDER_AS = 65000;
export const RECEIVER_AS = 65001;

/** Two namespaces on one veth: the feeder at .1, the receiver at .2 of 10.211.N.0/30. */
export interface Pair {
  readonly nsFeed: string;
  readonly nsRecv: string;
  readonly feed: string;
  readonly recv: string;
}

export async function makePair(lab: Lab, n: number): Promise<Pair> {
  const nsFeed = await lab.namespace(`feed${n}`);
  const nsRecv = await lab.namespace(`recv${n}`);
  const feed = `10.211.${n}.1`;
  const recv = `10.211.${n}.2`;
  await lab.veth(nsFeed, nsRecv, { ifA: `bf${n}`, ifB: `br${n}`, addrA: [`${feed}/30`], addrB: [`${recv}/30`] });
  return { nsFeed, nsRecv, feed, recv };
}

/** What a receiver reports: prefixes it has dealt with (the ingest is done at all of them), and prefixes it holds. */
export interface Counts {
  readonly seen: number;
  readonly held: number;
}

export interface Receiver {
  readonly name: string;
  readonly process: LabProcess;
  /** Undefined when the receiver did not answer. */
  count(): Promise<Counts | undefined>;
  /** floatd only: its whole status (what `floatd status --json` prints). */
  status?(): Promise<unknown>;
  /** Ends the process (by PID). */
  stop(): Promise<void>;
}

/** The prefix floatd announces, so that it has something to withdraw mid-ingest. */
export const FLOATD_PREFIX = '192.0.2.10/32';

export interface FloatdOptions {
  /** Run the floatd of another checkout (built), to compare two versions in one run. */
  readonly root?: string;
  /**
   * Announce FLOATD_PREFIX as a service whose health check is a TCP connect
   * to 127.0.0.1:PORT in floatd's namespace (checked every 100 ms, rise 1,
   * fall 1), instead of statically; returns once it is announced.
   */
  readonly servicePort?: number;
}

/** floatd as `node bin/floatd.js run` in the receiver's namespace. */
export async function startFloatd(lab: Lab, pair: Pair, name: string, mode: 'none' | 'all', holdTime: number, opts: FloatdOptions = {}): Promise<Receiver> {
  const socket = join(lab.dir, `${name}.sock`);
  const service = {
    name: 'bench',
    prefixes: [FLOATD_PREFIX],
    check: { tcp: { host: '127.0.0.1', port: opts.servicePort } },
    rise: 1,
    fall: 1,
    interval: 0.1,
    'fast-interval': 0.1,
    timeout: 0.05,
  };
  const config = {
    'router-id': pair.recv,
    'local-as': RECEIVER_AS,
    'control-socket': socket,
    listen: { address: pair.recv, port: 179 },
    neighbors: [{ address: pair.feed, 'peer-as': FEEDER_AS, passive: true, 'hold-time': holdTime, import: mode }],
    ...(opts.servicePort === undefined ? { announce: [{ prefix: FLOATD_PREFIX }] } : { services: [service] }),
  };
  const root = opts.root;
  let proc: LabProcess;
  if (root === undefined) proc = Floatd.start(lab, pair.nsRecv, name, config).process;
  else {
    const file = join(lab.dir, `${name}.yaml`);
    writeFileSync(file, stringify(config), { mode: 0o600 });
    proc = lab.spawn(pair.nsRecv, name, process.execPath, [join(root, 'bin', 'floatd.js'), 'run', '--config', file], { cwd: root });
  }
  await waitFor(
    `floatd ${name}'s control socket`,
    async () => {
      if (!proc.running) throw new LabError(`floatd exited: ${proc.output().trim().split('\n').slice(-5).join('\n')}`);
      const st = (await request(socket, 'status', 2_000)) as { services?: { announced?: string[] }[] };
      if (opts.servicePort === undefined) return true;
      return (st.services?.[0]?.announced?.length ?? 0) > 0 ? true : new Pending(`service status ${JSON.stringify(st.services)}`);
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return {
    name: `floatd${root === undefined ? '' : ` ${basename(root)}`} (import ${mode})`,
    process: proc,
    count: async () => {
      try {
        const s = (await request(socket, 'status', 5_000)) as { peers?: { prefixesReceived?: number }[] };
        // import none: announcements counted; import all: prefixes held.
        const n = s.peers?.[0]?.prefixesReceived ?? 0;
        return { seen: n, held: n };
      } catch {
        return undefined;
      }
    },
    status: () => request(socket, 'status', 5_000),
    stop: async () => {
      await proc.stop('SIGTERM', 5_000);
    },
  };
}

export async function birdVersion(): Promise<string | undefined> {
  const r = await run('bird', ['--version'], { timeoutMs: 5_000 });
  return /version\s+(\S+)/i.exec(r.stdout + r.stderr)?.[1];
}

export async function startBird(lab: Lab, pair: Pair, name: string, holdTime: number): Promise<Receiver> {
  const bird = await Bird.start(lab, pair.nsRecv, name, {
    routerId: pair.recv,
    sessions: [
      {
        name: 'feed',
        localAddress: pair.recv,
        localAs: RECEIVER_AS,
        neighborAddress: pair.feed,
        neighborAs: FEEDER_AS,
        family: 'ipv4',
        passive: true,
        // The table's next hops lie in 10.0.0.0/8, off the veth's /30: resolved recursively, through the static route.
        multihop: 2,
        holdTime,
      },
    ],
    staticRoutes: [{ prefix: '10.0.0.0/8', via: pair.feed }],
  });
  return {
    name: `BIRD ${(await birdVersion()) ?? '2'} (import all)`,
    process: bird.process,
    count: async () => {
      const r = await run('birdc', ['-s', bird.socket, 'show', 'protocols', 'all', 'feed'], { timeoutMs: 10_000 });
      if (r.code !== 0) return undefined;
      // BIRD refuses some prefixes of the synthetic table as bogus (multicast, loopback): "received" counts those too.
      const received = /Import updates:\s+(\d+)/.exec(r.stdout);
      const imported = /Routes:\s+(\d+) imported/.exec(r.stdout);
      return { seen: Number(received?.[1] ?? 0), held: Number(imported?.[1] ?? 0) };
    },
    // A graceful stop of a BIRD holding a full table takes seconds and measures nothing.
    stop: async () => {
      await bird.process.stop('SIGKILL', 5_000);
    },
  };
}

export async function gobgpVersion(): Promise<string | undefined> {
  const r = await run('gobgpd', ['--version'], { timeoutMs: 5_000 });
  return /version\s+(\S+)/i.exec(r.stdout + r.stderr)?.[1];
}

interface GobgpPeer {
  afi_safis?: { state?: { received?: number } }[];
}

export async function startGobgp(lab: Lab, pair: Pair, name: string, holdTime: number): Promise<Receiver> {
  const g = await Gobgp.start(lab, pair.nsRecv, name, {
    as: RECEIVER_AS,
    routerId: pair.recv,
    listenAddresses: [pair.recv],
    neighbors: [{ address: pair.feed, peerAs: FEEDER_AS, families: ['ipv4-unicast'], passive: true, holdTime }],
  });
  return {
    name: `GoBGP ${(await gobgpVersion()) ?? '3'} (import all)`,
    process: g.process,
    count: async () => {
      try {
        const p = JSON.parse(await g.cli('neighbor', pair.feed, '-j')) as GobgpPeer;
        const n = (p.afi_safis ?? []).reduce((sum, a) => sum + (a.state?.received ?? 0), 0);
        return { seen: n, held: n };
      } catch {
        return undefined;
      }
    },
    stop: async () => {
      await g.process.stop('SIGKILL', 5_000);
    },
  };
}
