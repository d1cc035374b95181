import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { BfdNativeError } from '../../src/bfd/index.js';
import { runDemo } from '../../src/demo/index.js';

// Real runs: a route server, three floatd child processes and the client, on
// loopback. The assertions are about outcomes, never about how fast.

function collector(): { out: Writable; text: () => string } {
  let buf = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      buf += chunk.toString();
      cb();
    },
  });
  return { out, text: () => buf };
}

// This process's demo folders only: another demo may run on the machine at the same time.
const demoDirs = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith(`floatd-demo-${process.pid}-`));

/** The summary row of `name`: [scenario, requests, failed, recovery..., result, detail...]. */
function summaryRow(text: string, name: string): string[] {
  const summary = text.slice(text.lastIndexOf('\nSummary'));
  const row = summary.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(row, `no summary row for ${name} in:\n${summary}`);
  return row.split(/\s+/);
}

test('an unknown scenario is a usage error that starts nothing', async () => {
  const c = collector();
  assert.equal(await runDemo({ scenario: 'meltdown', out: c.out }), 2);
  assert.match(c.text(), /unknown scenario "meltdown"/);
});

test('demo drain: traffic leaves the primary and comes back without one failed request', { timeout: 90_000 }, async () => {
  const before = new Set(demoDirs());
  const c = collector();
  const code = await runDemo({ scenario: 'drain', out: c.out, handleSignals: false });
  const text = c.text();
  assert.equal(code, 0, text);
  assert.match(text, /client {3}traffic left inst-1/);
  assert.match(text, /ok {4}drain answered/);
  // The router chose another path because of RFC 8326 before the withdraw.
  assert.match(text, /inst-1 lost on LOCAL_PREF/);
  assert.match(text, /router {3}inst-1 announces 203\.0\.113\.10\/32 .*-> best inst-1/);
  const row = summaryRow(text, 'drain');
  assert.equal(row[2], '0', 'no failed requests');
  assert.ok(Number(row[1]) > 0, 'requests were sent');
  assert.ok(row.includes('pass'));
  assert.deepEqual(
    demoDirs().filter((d) => !before.has(d)),
    [],
    'the temporary folder is gone',
  );
});

test('demo failover: the primary fails, traffic moves to the secondary, the summary says pass', { timeout: 90_000 }, async () => {
  const c = collector();
  const code = await runDemo({ scenario: 'failover', out: c.out, handleSignals: false });
  const text = c.text();
  assert.equal(code, 0, text);
  assert.match(text, /router {3}inst-1 withdrew 203\.0\.113\.10\/32 -> best inst-2/);
  assert.match(text, /client {3}first request served elsewhere/);
  assert.match(text, /ok {4}inst-2 served/);
  assert.ok(summaryRow(text, 'failover').includes('pass'));
});

test('a scenario that does not behave makes the demo exit 1 with FAIL in the summary', { timeout: 90_000 }, async () => {
  const c = collector();
  // No client traffic at all: nothing can be spread across the instances.
  const code = await runDemo({ scenario: 'active-active', rate: 0, out: c.out, handleSignals: false });
  const text = c.text();
  assert.equal(code, 1, text);
  assert.match(text, /FAIL {2}traffic not spread/);
  assert.ok(summaryRow(text, 'active-active').includes('FAIL'));
});

test("demo freeze: the router's BFD notices the frozen primary and resets its BGP session, no hold timer waited for", { timeout: 90_000 }, async () => {
  const c = collector();
  const code = await runDemo({ scenario: 'freeze', out: c.out, handleSignals: false });
  const text = c.text();
  assert.equal(code, 0, text);
  assert.match(text, /inst-1: floatd started \(pid \d+, role primary, BFD on\)/);
  assert.match(text, /router {3}BFD with inst-1 up/);
  // The BFD path: a detection-time Down at the router, then the reset it causes, then the route gone.
  const down = text.search(/router {3}BFD with inst-1 down: control detection time expired; BGP session reset at once/);
  const ended = text.search(/router {3}session with inst-1 ended: sent Cease\/Administrative Reset: "BFD down/);
  const gone = text.search(/router {3}inst-1's session ended: its route is gone -> best inst-2/);
  assert.ok(down >= 0 && ended > down && gone > ended, text);
  assert.doesNotMatch(text, /Hold Timer Expired/);
  assert.match(text, /ok {4}BFD noticed/);
  const row = summaryRow(text, 'freeze');
  assert.ok(row.includes('pass'));
  assert.match(row.join(' '), /BFD noticed after/);
});

test('demo freeze-no-bfd: with BFD off for the primary only the hold timer notices', { timeout: 90_000 }, async () => {
  const c = collector();
  const code = await runDemo({ scenario: 'freeze-no-bfd', out: c.out, handleSignals: false });
  const text = c.text();
  assert.equal(code, 0, text);
  assert.match(text, /inst-1: floatd started \(pid \d+, role primary, BFD off\)/);
  assert.match(text, /router {3}session with inst-1 ended: sent Hold Timer Expired/);
  assert.doesNotMatch(text, /BFD with inst-1 (up|down)/);
  assert.match(text, /ok {4}the hold timer noticed/);
  assert.ok(summaryRow(text, 'freeze-no-bfd').includes('pass'));
});

test('without the BFD addon the demo stops with a clear error and starts nothing', async () => {
  const before = new Set(demoDirs());
  const c = collector();
  const missing = (): never => {
    throw new BfdNativeError('BFD needs the native addon build/Release/floatd_bfd.node, which could not be loaded (no such file)');
  };
  assert.equal(await runDemo({ scenario: 'freeze', out: c.out, handleSignals: false, bfdNative: missing }), 1);
  assert.match(c.text(), /^floatd demo: the router and the instances run BFD, which needs floatd's BFD addon: BFD needs the native addon/);
  assert.doesNotMatch(c.text(), /starting the three floatd instances/);
  assert.deepEqual(
    demoDirs().filter((d) => !before.has(d)),
    [],
  );
});
