// Link state, seen from a real BIRD 2: floating addresses on one end of a
// veth pair (fl0; its far end fl1 stays in the same namespace) inside
// floatd's namespace. Three prefixes live there:
//   192.0.2.20/32  found by watch mode (the test adds the address),
//   192.0.2.30/32  service `req`, whose address floatd adds, with `require`,
//   192.0.2.31/32  service `bare`, whose address floatd adds, `require: false`.
// `ip link set fl0 down` must take all three out of BIRD's table while the
// addresses stay on fl0 (and floatd must not keep adding them again);
// `ip link set fl0 up` brings them back: the watch's and `bare`'s at once,
// `req`'s after `rise` passing checks. Then the carrier case: `ip link set
// fl1 down` leaves fl0 up without carrier (NO-CARRIER), same outcome.
// Prints the time from each link change to the route's change at BIRD.

import assert from 'node:assert/strict';
import { Bird } from '../../lab/daemons/bird.js';
import { Floatd, logLineTime } from '../../lab/daemons/floatd.js';
import { check, now, sleep, within, type Lab } from '../../lab/netns.js';
import { parseInterfaces } from '../../src/daemon/addresses/parse-addr-show.js';
import { FLOATD_AS, PEER_AS, fmt, interopTest, makePair } from './scenario.js';

const N = 14;
const PROTO = 'floatd';
const IFACE = 'fl0';
const FAR = 'fl1';
const WATCHED = '192.0.2.20/32';
const REQ = '192.0.2.30/32';
const BARE = '192.0.2.31/32';
const ALL = [WATCHED, REQ, BARE] as const;
const NAMES: Record<string, string> = { [WATCHED]: 'watch', [REQ]: 'service with require', [BARE]: 'service without require' };
const RISE = 3;
const FAST_INTERVAL_S = 0.2;

type Times = Record<string, number>;

/** Polls BIRD (one `show route protocol` per poll) until every prefix is in the wanted state; returns ms from `t0` to the first poll that saw each one so. */
async function watchRoutes(bird: Bird, t0: number, present: boolean, what: string, timeoutMs = 15_000): Promise<Times> {
  const seen: Times = {};
  const end = now() + timeoutMs;
  for (;;) {
    const held = new Set((await bird.routesFrom(PROTO)).map((r) => r.prefix));
    const at = now() - t0;
    for (const p of ALL) if (seen[p] === undefined && held.has(p) === present) seen[p] = at;
    if (Object.keys(seen).length === ALL.length) return seen;
    if (now() > end) {
      const late = ALL.filter((p) => seen[p] === undefined);
      throw new Error(`${what}: ${late.join(', ')} still ${present ? 'missing from' : 'on'} BIRD after ${timeoutMs} ms`);
    }
    await sleep(10);
  }
}

async function onIface(ns: string): Promise<{ state: string | undefined; addresses: string[] }> {
  const scan = parseInterfaces(await check('ip', ['-n', ns, '-j', 'addr', 'show', 'dev', IFACE]), IFACE);
  // The link-local IPv6 address the kernel gives an up veth is not the test's.
  return { state: scan.links[0]?.state, addresses: scan.addresses.filter((a) => a.family === 'ipv4').map((a) => a.prefix) };
}

/** Ms from wall-clock `wall0` to floatd's first log line at or after it whose msg starts with `text`, by the log's own timestamps. */
function loggedAfter(floatd: Floatd, wall0: number, text: string): number {
  const hit = floatd.logLines().find((l) => (logLineTime(l) ?? 0) >= wall0 && String(l['msg']).startsWith(text));
  const at = hit === undefined ? undefined : logLineTime(hit);
  assert.ok(at !== undefined, `floatd never logged "${text}..."`);
  return at - wall0;
}

const show = (t: Times): string => ALL.map((p) => `${NAMES[p]} ${fmt(t[p]!)}`).join(', ');

interopTest('link state <-> BIRD 2: a link down or without carrier withdraws watched and service addresses; up again announces them', 'link', ['bird', 'birdc'], async (lab: Lab) => {
  const pair = await makePair(lab, N);
  const ns = pair.nsFloatd;
  await lab.veth(ns, ns, { ifA: IFACE, ifB: FAR });
  await lab.addAddress(ns, IFACE, WATCHED);

  const bird = await Bird.start(lab, pair.nsPeer, 'bird', {
    routerId: pair.peer.ipv4,
    sessions: [{ name: PROTO, localAddress: pair.peer.ipv4, localAs: PEER_AS, neighborAddress: pair.floatd.ipv4, neighborAs: FLOATD_AS, family: 'ipv4' }],
  });
  const service = (name: string, prefix: string, require: boolean): Record<string, unknown> => ({
    name,
    prefixes: [prefix],
    check: { exec: { command: ['/bin/true'] } },
    rise: RISE,
    fall: 2,
    interval: 0.5,
    'fast-interval': FAST_INTERVAL_S,
    address: { interface: IFACE, require },
  });
  const floatd = Floatd.start(lab, ns, 'floatd', {
    'router-id': pair.floatd.ipv4,
    'local-as': FLOATD_AS,
    listen: { address: pair.floatd.ipv4, port: 179 },
    neighbors: [{ address: pair.peer.ipv4, 'peer-as': PEER_AS, 'hold-time': 9, 'connect-retry': 1 }],
    watch: { interface: IFACE, prefixes: ['192.0.2.0/24'] },
    services: [service('req', REQ, true), service('bare', BARE, false)],
  });
  await floatd.waitEstablished(pair.peer.ipv4);
  await watchRoutes(bird, now(), true, 'at start');
  assert.deepEqual((await onIface(ns)).addresses.sort(), [...ALL].sort(), 'floatd put the services addresses on fl0');
  const logsBefore = floatd.logLines().length;

  // Administratively down: every route leaves BIRD, the addresses stay on fl0.
  let wall0 = Date.now();
  let t0 = now();
  await check('ip', ['-n', ns, 'link', 'set', 'dev', IFACE, 'down']);
  const ipAdminMs = now() - t0;
  const adminGone = await watchRoutes(bird, t0, false, `after ip link set ${IFACE} down`);
  const adminSeen = loggedAfter(floatd, wall0, `link ${IFACE} is administratively down`);
  const down = await onIface(ns);
  assert.equal(down.state, 'down');
  assert.deepEqual(down.addresses.sort(), [...ALL].sort(), 'the kernel keeps the addresses of a down link');
  // Give a re-adding loop time to show: a second of monitor events and reads.
  await sleep(1_000);
  assert.deepEqual(await bird.routesFrom(PROTO), [], `nothing back on BIRD while ${IFACE} is down`);
  let logs = floatd.logLines().slice(logsBefore);
  assert.ok(!logs.some((l) => /went missing/.test(String(l['msg']))), 'no address taken for missing while its link is down');
  assert.ok(logs.some((l) => l['msg'] === `link ${IFACE} is administratively down: its addresses are left out until it is up with carrier`));
  assert.ok(logs.some((l) => l['service'] === 'req' && l['to'] === 'DOWN'), 'the service with require went DOWN');
  assert.ok(!logs.some((l) => l['service'] === 'bare' && l['to'] === 'DOWN'), 'the service without require stays UP; the gate holds its prefix back');

  // Up again.
  const logsBeforeUp = floatd.logLines().length;
  t0 = now();
  await check('ip', ['-n', ns, 'link', 'set', 'dev', IFACE, 'up']);
  const adminBack = await watchRoutes(bird, t0, true, `after ip link set ${IFACE} up`);
  // The service with require comes back by its rise rule (RISING first, then UP), not at once with the link.
  const backUp = floatd.logLines().slice(logsBeforeUp).filter((l) => l['service'] === 'req' && typeof l['to'] === 'string');
  assert.deepEqual(backUp.map((l) => `${String(l['from'])} -> ${String(l['to'])}`).slice(-1), ['RISING -> UP'], `req back after ${fmt(adminBack[REQ]!)} through RISING (rise ${RISE})`);

  // No carrier: the far end goes down, fl0 stays administratively up.
  const logsMid = floatd.logLines().length;
  wall0 = Date.now();
  t0 = now();
  await check('ip', ['-n', ns, 'link', 'set', 'dev', FAR, 'down']);
  const carrierGone = await watchRoutes(bird, t0, false, `after ip link set ${FAR} down`);
  const carrierSeen = loggedAfter(floatd, wall0, `link ${IFACE} has no carrier`);
  assert.equal((await onIface(ns)).state, 'no-carrier');
  t0 = now();
  await check('ip', ['-n', ns, 'link', 'set', 'dev', FAR, 'up']);
  const carrierBack = await watchRoutes(bird, t0, true, `after ip link set ${FAR} up`);
  logs = floatd.logLines().slice(logsMid);
  assert.ok(logs.some((l) => l['msg'] === `link ${IFACE} has no carrier: its addresses are left out until it is up with carrier`));
  assert.ok(!logs.some((l) => /went missing/.test(String(l['msg']))));

  floatd.process.signal('SIGTERM');
  const code = await within(floatd.process.exited, 10_000);
  assert.equal(code, 0, `floatd's exit after SIGTERM (signal ${String(floatd.process.exitSignal)})`);
  assert.deepEqual((await onIface(ns)).addresses, [WATCHED], 'floatd removed the addresses it added, and only those');

  console.log(
    `[link state BIRD] ip link set ${IFACE} down (the command took ${fmt(ipAdminMs)}) -> floatd saw it after ${fmt(adminSeen)}; route gone on BIRD: ${show(adminGone)}\n` +
      `[link state BIRD] ip link set ${IFACE} up -> route back: ${show(adminBack)} (rise ${RISE})\n` +
      `[link state BIRD] far end ${FAR} down (no carrier) -> floatd saw it after ${fmt(carrierSeen)}; route gone: ${show(carrierGone)}\n` +
      `[link state BIRD] far end ${FAR} up -> route back: ${show(carrierBack)}`,
  );
});
