import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CombinedSink } from '../../../src/daemon/addresses/combined-sink.js';
import { entry, RecordingSink } from './fakes.js';

test('each part keeps its latest list; the inner sink gets them all in part order, each prefix once', () => {
  const inner = new RecordingSink();
  const combined = new CombinedSink(inner);
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
