// A peer that sends ROUTE-REFRESH without pause: each one is counted and
// answered, but the log gets a bounded number of lines.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { msg } from '../../helpers/hex.js';
import { harness, KEEPALIVE, kinds, route } from './harness.js';
import { captureLog } from './log-capture.js';

// ROUTE-REFRESH (RFC 2918 3): AFI 1, reserved 0, SAFI 1.
const REFRESH_IPV4 = msg(5, '0001 00 01');

test('2,000 ROUTE-REFRESH messages are all counted and answered but logged only a bounded number of times', async () => {
  const cap = captureLog();
  const h = harness({ log: cap.log });
  h.desired.push(route('192.0.2.10/32'));
  const s = await h.establish();
  h.sent(s);
  const before = cap.lines.length;
  for (let i = 0; i < 2000; i++) s.feed(REFRESH_IPV4);
  await h.settle();
  const answers = kinds(h.sent(s)).filter((k) => k === 'update');
  assert.equal(answers.length, 2000);
  const logged = cap.lines.slice(before);
  assert.ok(logged.length <= 12, `${logged.length} log lines for 2,000 ROUTE-REFRESH`);
  assert.equal(h.session.status().routeRefreshesIn, 2000);
  assert.equal(h.session.stateName, 'Established');
  // A minute later the next one is logged again, with how many were left out.
  for (let i = 0; i < 20; i++) {
    h.clock.advance(3000);
    s.feed(KEEPALIVE);
    await h.settle();
  }
  s.feed(REFRESH_IPV4);
  await h.settle();
  assert.match(cap.lines[cap.lines.length - 1]!, /ROUTE-REFRESH .* received, answered with 1 prefix\(es\) \(1990 similar lines suppressed\)/);
});
