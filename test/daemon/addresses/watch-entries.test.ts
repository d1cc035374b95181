import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { wirePrefix } from '../../../src/bgp/codec/nlri.js';
import type { Announcement } from '../../../src/bgp/rib/announcement.js';
import { WatchEntries } from '../../../src/daemon/addresses/watch-entries.js';
import { FakeWatch } from './fakes.js';

function setup() {
  const warnings: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const l of chunk.toString().split('\n')) {
        if (l.trim() === '') continue;
        const o = JSON.parse(l) as { level: number; msg: string };
        if (o.level === 40) warnings.push(o.msg);
      }
      cb();
    },
  });
  const watch = new FakeWatch();
  const entries = new WatchEntries({
    watch,
    filter: { label: 'lo:bgp*', allow: ['192.0.2.0/24', '2001:db8::/32'], ipv6Length: 64 },
    attributes: { nextHop: undefined, med: 100, prepend: 1, communities: [65000 * 65536 + 1], largeCommunities: [], localPref: undefined },
    neighbors: { ipv4: ['10.0.0.1'], ipv6: ['fd00::1', '10.0.0.1'] },
    log: pino({ level: 'info' }, stream),
  });
  const seen: (readonly Announcement[])[] = [];
  entries.onChange((e) => seen.push(e));
  return { watch, entries, seen, warnings };
}

test('entries follow the watch: attributes, per-family neighbors, one call per change', () => {
  const { watch, entries, seen } = setup();
  watch.set([['192.0.2.10/32', 'lo:bgp1']]);
  assert.equal(seen.length, 0, 'not listening before start');
  entries.start();
  assert.equal(watch.listenerCount(), 1);
  assert.deepEqual(entries.entries(), [
    { nextHop: undefined, med: 100, prepend: 1, communities: [65000 * 65536 + 1], largeCommunities: [], localPref: undefined, prefix: '192.0.2.10/32', nlri: wirePrefix('192.0.2.10/32'), neighbors: ['10.0.0.1'] },
  ]);
  watch.set([['192.0.2.10/32', 'lo:bgp1'], '2001:db8:5::1/128', '2001:db8:5::2/128']);
  assert.deepEqual(seen.at(-1)?.map((e) => [e.prefix, e.neighbors]), [
    ['192.0.2.10/32', ['10.0.0.1']],
    ['2001:db8:5::/64', ['fd00::1', '10.0.0.1']],
  ]);
  const calls = seen.length;
  watch.set([['192.0.2.10/32', 'lo:bgp1'], '2001:db8:5::1/128', '2001:db8:5::3/128']);
  assert.equal(seen.length, calls, 'same prefixes: no call');
  watch.set([]);
  assert.deepEqual(seen.at(-1), []);
  entries.stop();
  assert.equal(watch.listenerCount(), 0);
});

test('an address outside the allow-list is never announced and warned about once while it stays', () => {
  const { watch, entries, warnings } = setup();
  entries.start();
  watch.set([['198.51.100.7/32', 'lo:bgp9']]);
  watch.set([['198.51.100.7/32', 'lo:bgp9'], ['192.0.2.1/32', 'lo:bgp1']]);
  assert.deepEqual(entries.entries().map((e) => e.prefix), ['192.0.2.1/32']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /not announcing 198\.51\.100\.7\/32 for 198\.51\.100\.7: outside the watch allow-list \(192\.0\.2\.0\/24, 2001:db8::\/32\)/);
  watch.set([['192.0.2.1/32', 'lo:bgp1']]);
  watch.set([['198.51.100.7/32', 'lo:bgp9']]);
  assert.equal(warnings.length, 2, 'gone and back: warned again');
});
