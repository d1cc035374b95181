// The interop scenario every daemon goes through with `floatd run`: session
// up on both sides, floatd's route with all its attributes on the peer, the
// peer's routes counted by floatd, then SIGTERM: route gone on the peer,
// floatd exits 0, the peer saw Cease / Administrative Shutdown with floatd's
// text. Each daemon's test file supplies how to start and query its peer.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { Floatd, FLOATD_BIN, floatdRunMissing } from '../../lab/daemons/floatd.js';
import type { FloatdConfig, FloatdNeighborStatus } from '../../lab/daemons/floatd.js';
import type { PeerRoute } from '../../lab/daemons/peer-route.js';
import { Lab, LabError, Pending, now, requireLab, waitFor, within } from '../../lab/netns.js';

export type Family = 'ipv4' | 'ipv6';

export const FLOATD_AS = 65001;
export const PEER_AS = 65000;
export const HOLD_TIME = 9;
export const SHUTDOWN_TEXT = 'floatd stopping';
/** What floatd announces, per family. */
export const ANNOUNCED: Record<Family, string> = { ipv4: '192.0.2.10/32', ipv6: '2001:db8:10::/64' };
/** What the peer announces to floatd, per family. */
export const PEER_PREFIXES: Record<Family, readonly string[]> = {
  ipv4: ['198.51.100.0/24', '203.0.113.0/24'],
  ipv6: ['2001:db8:100::/48', '2001:db8:200::/48'],
};
const ANNOUNCE_ATTRS = { med: 100, communities: ['65000:1'], 'large-communities': ['65001:1:1'], prepend: 2 };

/**
 * Registers one interop test: fails (never skips) without root or a
 * daemon, gives the body a fresh Lab, and always cleans the lab up,
 * printing every process's log tail first when the body failed.
 */
export function interopTest(name: string, tag: string, executables: readonly string[], body: (lab: Lab, t: TestContext) => Promise<void>): void {
  test(name, { timeout: 180_000 }, async (t) => {
    requireLab(executables);
    const missing = existsSync(FLOATD_BIN) ? await floatdRunMissing() : `${FLOATD_BIN} is missing`;
    if (missing !== undefined) throw new LabError(`\`floatd run\` is not available (build with \`npx tsc -p tsconfig.json\`): ${missing}`);
    const lab = new Lab(tag);
    let failed = true;
    t.after(async () => {
      if (failed) console.log(`${name}: logs of ${lab.dir}\n${lab.logTails()}`);
      await lab.cleanup();
    });
    await body(lab, t);
    failed = false;
  });
}

/** Two namespaces on one veth: the peer at .1 / ::1, floatd at .2 / ::2 of 10.210.N.0/30 and fd00:210:N::/64. */
export interface Pair {
  readonly nsPeer: string;
  readonly nsFloatd: string;
  readonly peer: Record<Family, string>;
  readonly floatd: Record<Family, string>;
}

export async function makePair(lab: Lab, n: number): Promise<Pair> {
  const nsPeer = await lab.namespace('peer');
  const nsFloatd = await lab.namespace('floatd');
  const peer = { ipv4: `10.210.${n}.1`, ipv6: `fd00:210:${n}::1` };
  const floatd = { ipv4: `10.210.${n}.2`, ipv6: `fd00:210:${n}::2` };
  await lab.veth(nsPeer, nsFloatd, {
    ifA: `fi${n}p`,
    ifB: `fi${n}f`,
    addrA: [`${peer.ipv4}/30`, `${peer.ipv6}/64`],
    addrB: [`${floatd.ipv4}/30`, `${floatd.ipv6}/64`],
  });
  return { nsPeer, nsFloatd, peer, floatd };
}

/** floatd's config for one neighbor, announcing ANNOUNCED[family] with MED, communities and prepends. */
export function floatdConfig(o: { routerId: string; neighbor: Record<string, unknown>; listen?: string; family: Family }): FloatdConfig {
  return {
    'router-id': o.routerId,
    'local-as': FLOATD_AS,
    ...(o.listen !== undefined ? { listen: { address: o.listen, port: 179 } } : {}),
    neighbors: [{ 'peer-as': PEER_AS, 'hold-time': HOLD_TIME, 'connect-retry': 1, import: 'all', ...o.neighbor }],
    announce: [{ prefix: ANNOUNCED[o.family], ...ANNOUNCE_ATTRS }],
  };
}

/** The route every peer must hold for floatd's announcement. */
export function expectedRoute(family: Family, nextHop: string): PeerRoute {
  return {
    prefix: ANNOUNCED[family],
    nextHop,
    asPath: [FLOATD_AS, FLOATD_AS, FLOATD_AS],
    origin: 'igp',
    med: 100,
    communities: ['65000:1'],
    largeCommunities: ['65001:1:1'],
  };
}

export function assertRoute(actual: PeerRoute | undefined, expected: PeerRoute, who: string): void {
  assert.ok(actual, `${who} has no route for ${expected.prefix}`);
  const pick = (r: PeerRoute) => ({
    prefix: r.prefix,
    nextHop: r.nextHop,
    asPath: [...r.asPath],
    origin: r.origin,
    med: r.med,
    communities: [...r.communities],
    largeCommunities: [...r.largeCommunities],
  });
  assert.deepEqual(pick(actual), pick(expected), `${who}'s view of ${expected.prefix}`);
}

/** What a test needs from the peer daemon. */
export interface PeerUnderTest {
  readonly name: string;
  established(): Promise<boolean>;
  route(prefix: string): Promise<PeerRoute | undefined>;
  /**
   * Evidence, as text, that the peer received Cease / Administrative
   * Shutdown carrying SHUTDOWN_TEXT; undefined (or a Pending saying what it
   * saw) while it has not.
   */
  shutdownNotice(): Promise<string | Pending | undefined>;
}

export interface Figures {
  /** From starting floatd to floatd reporting Established. */
  establishedFloatdMs: number;
  /** From starting floatd to the peer reporting Established. */
  establishedPeerMs: number;
  /** From starting floatd to the route being on the peer. */
  routeOnPeerMs: number;
  /** From SIGTERM to the route being gone from the peer. */
  withdrawnMs: number;
  /** From SIGTERM to floatd's exit. */
  exitMs: number;
}

export interface Scenario {
  readonly lab: Lab;
  readonly family: Family;
  /** floatd's address: the next hop the peer must see. */
  readonly floatdAddress: string;
  readonly peerAddress: string;
  /** The peer's AS; default PEER_AS. */
  readonly peerAs?: number;
  readonly nsFloatd: string;
  readonly peer: PeerUnderTest;
  readonly floatd: FloatdConfig;
  /**
   * How many prefixes the peer sent floatd, as the peer itself reports it
   * (FRR also sends floatd's own route back); default: PEER_PREFIXES.
   */
  readonly peerSent?: () => Promise<number>;
  /** Names the line of figures the test prints. */
  readonly label: string;
}

/** Fields of floatd's status every neighbor entry must carry once Established. */
function assertStatus(n: FloatdNeighborStatus, s: Scenario): void {
  assert.equal(n.state, 'Established');
  assert.equal(n.peerAs, s.peerAs ?? PEER_AS);
  assert.equal(n.holdTime, HOLD_TIME, 'negotiated hold time');
  assert.equal(n.keepaliveTime, HOLD_TIME / 3, 'keepalive time');
  assert.ok(typeof n.uptimeSeconds === 'number' && n.uptimeSeconds >= 0, `uptimeSeconds ${String(n.uptimeSeconds)}`);
  assert.ok((n.messages?.in ?? 0) >= 2 && (n.messages?.out ?? 0) >= 2, `message counters ${JSON.stringify(n.messages)}`);
  assert.equal(n.prefixes?.announced, 1, `prefixes.announced to ${s.peerAddress}`);
}

/**
 * Starts floatd (the peer is already running), then checks everything the
 * module header lists. Returns the figures, which it also prints.
 */
export async function runScenario(s: Scenario): Promise<Figures> {
  const t0 = now();
  const floatd = Floatd.start(s.lab, s.nsFloatd, 'floatd', s.floatd);
  const [fl, establishedPeerMs] = await Promise.all([
    floatd.waitEstablished(s.peerAddress).then((n) => ({ n, ms: now() - t0 })),
    waitFor(`${s.peer.name} to report the session Established`, async () => ((await s.peer.established()) ? now() - t0 : false)),
  ]);
  const routeOnPeer = await waitFor(`${s.peer.name} to hold ${ANNOUNCED[s.family]}`, async () => {
    const r = await s.peer.route(ANNOUNCED[s.family]);
    return r === undefined ? false : { r, ms: now() - t0 };
  });
  assertRoute(routeOnPeer.r, expectedRoute(s.family, s.floatdAddress), s.peer.name);

  // A problem with floatd's status or received routes is reported at the end, so the stop sequence is still checked.
  const problems: unknown[] = [];
  try {
    const peerSent = s.peerSent ?? (async () => PEER_PREFIXES[s.family].length);
    const status = await waitFor(
      `floatd's status to count as many routes from ${s.peer.name} as ${s.peer.name} sent`,
      async () => {
        const sent = await peerSent();
        const n = await floatd.neighbor(s.peerAddress);
        // Routes carrying our own AS (FRR sends ours back) are counted as looped, not stored (RFC 4271 9.1.2).
        const counted = (n?.prefixes?.received ?? 0) + (n?.prefixes?.looped ?? 0);
        return sent >= PEER_PREFIXES[s.family].length && counted === sent ? n : new Pending(`${s.peer.name} sent ${sent}; floatd's status entry ${JSON.stringify(n)}`);
      },
      { timeoutMs: 10_000 },
    );
    assertStatus(status, s);
    const held = (await floatd.routes()).find((r) => r.neighbor === s.peerAddress)?.received ?? [];
    for (const p of PEER_PREFIXES[s.family]) {
      const r = held.find((x) => x.prefix === p);
      assert.ok(r, `floatd routes: ${p} from ${s.peer.name} missing; it holds ${held.map((x) => x.prefix).join(', ')}`);
      assert.equal(r.nextHops[0], s.peerAddress, `floatd routes: next hop of ${p}`);
    }
  } catch (err) {
    problems.push(err);
  }

  floatd.process.signal('SIGTERM');
  const tStop = now();
  const withdrawnMs = await waitFor(
    `${ANNOUNCED[s.family]} to leave ${s.peer.name} after SIGTERM`,
    async () => ((await s.peer.route(ANNOUNCED[s.family])) === undefined ? now() - tStop : false),
    { timeoutMs: 10_000, intervalMs: 10 },
  );
  const code = await within(floatd.process.exited, 10_000);
  const exitMs = now() - tStop;
  assert.equal(code, 0, `floatd's exit after SIGTERM (signal ${String(floatd.process.exitSignal)})`);
  const notice = await waitFor(`${s.peer.name} to show Cease / Administrative Shutdown "${SHUTDOWN_TEXT}"`, () => s.peer.shutdownNotice(), { timeoutMs: 10_000 });

  const figures: Figures = { establishedFloatdMs: fl.ms, establishedPeerMs, routeOnPeerMs: routeOnPeer.ms, withdrawnMs, exitMs };
  const inLog = floatd.logDelay((l) => l['to'] === 'Established');
  console.log(
    `[${s.label}] Established after ${fmt(fl.ms)} (floatd status) / ${fmt(establishedPeerMs)} (${s.peer.name}) from spawning floatd, ` +
      `${inLog === undefined ? '?' : fmt(inLog)} after floatd's first log line; ` +
      `route on ${s.peer.name} after ${fmt(routeOnPeer.ms)}; SIGTERM -> route gone on ${s.peer.name} ${fmt(withdrawnMs)}, floatd exit ${fmt(exitMs)}; ` +
      `${s.peer.name} saw: ${notice}`,
  );
  if (problems.length > 0) throw problems[0];
  return figures;
}

export function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
