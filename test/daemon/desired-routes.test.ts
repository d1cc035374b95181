import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DesiredRoutes } from '../../src/daemon/desired-routes.js';
import { entry, RecordingSink } from './addresses/fakes.js';

test('each part keeps its latest list; the inner sink gets them all in part order, each prefix once', () => {
  const inner = new RecordingSink();
  const combined = new DesiredRoutes(inner);
  const services = combined.part();
  const watch = combined.part();
  watch.setAnnouncements([entry('192.0.2.50/32'), entry('198.51.100.0/24', 7)]);
  assert.deepEqual(inner.last(), ['192.0.2.50/32', '198.51.100.0/24']);
  services.setAnnouncements([entry('198.51.100.0/24', 1), entry('192.0.2.10/32')]);
  assert.deepEqual(inner.last(), ['198.51.100.0/24', '192.0.2.10/32', '192.0.2.50/32']);
  assert.equal(inner.lists.at(-1)?.[0]?.med, 1, 'the earlier part wins a shared prefix');
  watch.setAnnouncements([]);
  assert.deepEqual(inner.last(), ['198.51.100.0/24', '192.0.2.10/32']);
});

test('a gated part goes out as the gate admits it; the gate asks for the publish', () => {
  const inner = new RecordingSink();
  const desired = new DesiredRoutes(inner);
  const admitted = new Set<string>();
  const wanted: string[][] = [];
  const services = desired.part({ want: (entries) => wanted.push(entries.map((e) => e.prefix)), admits: (p) => admitted.has(p) });
  const watch = desired.part();
  services.setAnnouncements([entry('192.0.2.10/32'), entry('192.0.2.11/32')]);
  assert.deepEqual(wanted, [['192.0.2.10/32', '192.0.2.11/32']]);
  assert.equal(inner.lists.length, 0, 'nothing until the gate says');
  admitted.add('192.0.2.11/32');
  desired.publish();
  assert.deepEqual(inner.last(), ['192.0.2.11/32']);
  watch.setAnnouncements([entry('192.0.2.10/32', 5)]);
  assert.deepEqual(inner.last(), ['192.0.2.11/32', '192.0.2.10/32'], 'a prefix the gate holds back may come from another part');
  assert.equal(desired.current(), inner.lists.at(-1), 'one value, handed on as is');
});
