// A service behind floatd, seen from a real BIRD 2: an HTTP server on the
// floating address 192.0.2.10 inside floatd's namespace, checked by floatd.
// Stopping the server takes the route out of BIRD's table; starting it
// brings the route back after `rise` passing checks; SIGTERM with
// `drain-on-stop` shows BIRD the route with GRACEFUL_SHUTDOWN (65535:0)
// for the drain time before the withdraw.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bird } from '../../lab/daemons/bird.js';
import { Floatd } from '../../lab/daemons/floatd.js';
import type { PeerRoute } from '../../lab/daemons/peer-route.js';
import { LabError, now, sleep, waitFor, within } from '../../lab/netns.js';
import type { Lab, LabProcess } from '../../lab/netns.js';
import { FLOATD_AS, PEER_AS, fmt, interopTest, makePair } from './scenario.js';

const N = 13;
const PROTO = 'floatd';
const VIP = '192.0.2.10';
const PREFIX = `${VIP}/32`;
const HTTP_PORT = 8080;
const RISE = 3;
const FAST_INTERVAL_S = 0.2;
const DRAIN_S = 2;

/** A plain node:http server on VIP:HTTP_PORT; prints "listening" once bound. */
const HTTP_SERVER = `
import { createServer } from 'node:http';
const [host, port] = process.argv.slice(2);
const server = createServer((_req, res) => res.end('ok\\n'));
server.listen(Number(port), host, () => console.log('listening'));
process.on('SIGTERM', () => process.exit(0));
`;

async function startHttp(lab: Lab, ns: string, script: string, name: string): Promise<LabProcess> {
  const p = lab.spawn(ns, name, process.execPath, [script, VIP, String(HTTP_PORT)]);
  await waitFor(`${name} to listen on ${VIP}:${HTTP_PORT}`, () => {
    if (!p.running) throw new LabError(`${name} exited (${p.exitCode ?? p.exitSignal}): ${p.output()}`);
    return p.output().includes('listening');
  }, { timeoutMs: 10_000, intervalMs: 20 });
  return p;
}

const GSHUT = '65535:0';

interopTest('service <-> BIRD 2: HTTP down withdraws, HTTP up re-announces after rise, SIGTERM drains with GRACEFUL_SHUTDOWN first', 'svcbird', ['bird', 'birdc'], async (lab) => {
  const pair = await makePair(lab, N);
  await lab.addAddress(pair.nsFloatd, 'lo', `${VIP}/32`);
  const script = join(lab.dir, 'http-server.mjs');
  writeFileSync(script, HTTP_SERVER);
  let http = await startHttp(lab, pair.nsFloatd, script, 'http-1');

  const bird = await Bird.start(lab, pair.nsPeer, 'bird', {
    routerId: pair.peer.ipv4,
    sessions: [{ name: PROTO, localAddress: pair.peer.ipv4, localAs: PEER_AS, neighborAddress: pair.floatd.ipv4, neighborAs: FLOATD_AS, family: 'ipv4' }],
  });
  const floatd = Floatd.start(lab, pair.nsFloatd, 'floatd', {
    'router-id': pair.floatd.ipv4,
    'local-as': FLOATD_AS,
    listen: { address: pair.floatd.ipv4, port: 179 },
    neighbors: [{ address: pair.peer.ipv4, 'peer-as': PEER_AS, 'hold-time': 9, 'connect-retry': 1 }],
    services: [
      {
        name: 'web',
        prefixes: [PREFIX],
        check: { http: { url: `http://${VIP}:${HTTP_PORT}/` } },
        rise: RISE,
        fall: 2,
        interval: 0.5,
        'fast-interval': FAST_INTERVAL_S,
        timeout: 0.4,
        med: 100,
        drain: { time: DRAIN_S },
        'drain-on-stop': true,
      },
    ],
  });
  const route = (): Promise<PeerRoute | undefined> => bird.route(PREFIX, PROTO);

  await floatd.waitEstablished(pair.peer.ipv4);
  const first = await waitFor(`BIRD to hold ${PREFIX} while the HTTP server answers`, route, { timeoutMs: 15_000 });
  assert.equal(first.med, 100);
  assert.deepEqual([...first.communities], []);
  assert.equal(first.nextHop, pair.floatd.ipv4);

  // The server goes away: connection refused twice (fall 2), then the withdraw.
  const tDown = now();
  await http.stop();
  const goneMs = await waitFor(`${PREFIX} to leave BIRD once the HTTP server is stopped`, async () => ((await route()) === undefined ? now() - tDown : false), {
    timeoutMs: 10_000,
    intervalMs: 20,
  });

  // Back: the route returns only after RISE passing checks.
  const tUp = now();
  http = await startHttp(lab, pair.nsFloatd, script, 'http-2');
  const back = await waitFor(`${PREFIX} to return to BIRD once the HTTP server answers again`, route, { timeoutMs: 15_000, intervalMs: 20 });
  const backMs = now() - tUp;
  assert.equal(back.med, 100);
  const ups = floatd.logLines().filter((l) => l['to'] === 'UP' && l['service'] === 'web');
  assert.equal(ups.length, 2, 'UP twice: at start and after the restart');
  assert.match(String(ups[1]!['msg']), new RegExp(`^RISING -> UP: ${RISE} checks passed in a row`));
  assert.ok(backMs >= (RISE - 1) * FAST_INTERVAL_S * 1000, `back after ${fmt(backMs)}: at least ${RISE - 1} fast intervals after the first pass`);

  // SIGTERM: drain-on-stop re-announces with GRACEFUL_SHUTDOWN, waits DRAIN_S, then withdraws and closes the session.
  floatd.process.signal('SIGTERM');
  const tStop = now();
  let drainSeenAt: number | undefined;
  let goneAt: number | undefined;
  let drained: PeerRoute | undefined;
  const end = tStop + 15_000;
  while (now() < end) {
    const r = await route();
    if (r === undefined) {
      goneAt = now();
      break;
    }
    if (r.communities.includes(GSHUT) && drainSeenAt === undefined) {
      drainSeenAt = now();
      drained = r;
    }
    await sleep(50);
  }
  assert.ok(goneAt !== undefined, `${PREFIX} still on BIRD 15 s after SIGTERM`);
  assert.ok(drainSeenAt !== undefined && drained, `BIRD never showed ${PREFIX} with ${GSHUT} before the withdraw`);
  assert.equal(drained.med, 100, 'the drain keeps the other attributes');
  const drainMs = goneAt - drainSeenAt;
  assert.ok(drainMs >= (DRAIN_S * 1000) / 2, `the GRACEFUL_SHUTDOWN route stayed ${fmt(drainMs)}, expected about ${DRAIN_S} s`);
  const code = await within(floatd.process.exited, 10_000);
  assert.equal(code, 0, `floatd's exit after SIGTERM (signal ${String(floatd.process.exitSignal)})`);
  const drainLog = floatd.logLines().find((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('draining: GRACEFUL_SHUTDOWN'));
  assert.ok(drainLog, 'floatd logged the drain');
  await within(http.stop(), 5_000);

  console.log(
    `[service BIRD] HTTP stopped -> route gone on BIRD ${fmt(goneMs)}; HTTP started -> route back ${fmt(backMs)} (rise ${RISE}); ` +
      `SIGTERM -> ${GSHUT} on BIRD after ${fmt(drainSeenAt - tStop)}, withdrawn ${fmt(goneAt - tStop)} after SIGTERM (drain ${DRAIN_S} s)`,
  );
});
