// The page's HTML, pure: every string the daemon hands over (much of it from
// the network or the config) is escaped wherever it lands, text or
// attribute; durations read as people write them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { esc, formatSeconds } from '../../src/metrics/status-page/html.js';
import { renderPage, renderStatus } from '../../src/metrics/status-page/render-page.js';
import { statusDocument } from '../../src/metrics/status-page/status-document.js';
import { service, viewsOf, type FixtureState } from './status-fixture.js';

const EVIL = `<x-evil a="1" onload='x'>&amp;`;

function hostile(): FixtureState {
  const e = (tag: string): string => `${tag}${EVIL}`;
  return {
    now: 10_000,
    services: [
      service(e('svc'), e('STATE'), {
        role: e('role'),
        disabledBy: [e('by')],
        draining: 1,
        prefixes: [e('p')],
        announced: [e('a')],
        held: [{ prefix: e('h'), until: 20_000 }],
        transitions: [{ reason: e('reason'), at: 0 }],
        lastProbes: [{ ok: false, durationMs: 1, timedOut: true, detail: e('detail'), atMs: 9_000 }],
      }),
    ],
    peers: [
      {
        address: e('addr'),
        description: e('desc'),
        peerAs: 1,
        state: e('Established'),
        peerRouterId: e('rid'),
        capabilities: { hostname: e('host') },
        prefixesReceived: 0,
        prefixesAnnounced: 0,
        establishedTransitions: 0,
        lastError: e('err'),
        bfd: { state: e('bfdstate'), [e('bfdkey')]: e('bfdval') },
      },
    ],
    events: [{ at: e('at'), service: e('esvc'), from: e('from'), to: e('to'), reason: e('ereason'), kind: e('kind') }],
    sections: [{ title: e('title'), rows: [{ [e('col')]: e('val'), state: e('sstate'), nested: { deep: EVIL } }] }],
  };
}

test('no string from the daemon becomes markup, in text or attributes', () => {
  const st = hostile();
  const views = { ...viewsOf(st), version: `v${EVIL}`, speaker: () => ({ routerId: `r${EVIL}`, localAs: 1, peers: st.peers }) };
  for (const actions of [false, true]) {
    const html = renderPage(statusDocument(views, 0, actions));
    assert.ok(!html.includes('<x-evil'), 'raw tag');
    assert.ok(!html.includes(`onload='x'`), 'raw attribute');
    const markers = ['svc', 'STATE', 'role', 'by', 'a', 'h', 'reason', 'detail', 'addr', 'desc', 'Established', 'rid', 'host', 'err', 'bfdstate', 'bfdkey', 'bfdval', 'esvc', 'ereason', 'title', 'col', 'val', 'sstate', 'r', 'v'];
    for (const m of markers) assert.ok(html.includes(`${m}&lt;x-evil a=&quot;1&quot; onload=&#39;x&#39;&gt;&amp;amp;`), `${m} shown escaped`);
    // The only elements are the page's own: one script, one style, no event handler attribute.
    assert.equal(html.match(/<script/g)?.length, 1);
    for (const [tag] of html.matchAll(/<[a-z][^>]*>/g)) {
      // Every attribute is name="value" with no " inside: what is left after removing them is the bare tag name.
      const names = [...tag.matchAll(/\s([a-z-]+)="[^"]*"/g)].map((m) => m[1]!);
      assert.ok(!names.some((n) => n.startsWith('on')), tag);
      assert.match(tag.replace(/\s[a-z-]+="[^"]*"/g, ''), /^<[a-z0-9]+>$/, tag);
    }
  }
  // Nested values of a further section are shown as escaped JSON text.
  assert.match(renderStatus(statusDocument(viewsOf(st), 0, false)), /\{&quot;deep&quot;:&quot;&lt;x-evil/);
});

test('esc covers the five characters HTML gives meaning to; durations read as people write them', () => {
  assert.equal(esc(`<>&"'`), '&lt;&gt;&amp;&quot;&#39;');
  assert.equal(esc(undefined), '');
  assert.deepEqual(
    [0.0004, 0.85, 42.9, 192, 3725, 200_000].map(formatSeconds),
    ['0 ms', '850 ms', '42 s', '3 m 12 s', '1 h 02 m', '2 d 7 h'],
  );
});

test('unknown states get no colour class rather than one made from their text', () => {
  const st = hostile();
  const html = renderStatus(statusDocument(viewsOf(st), 0, false));
  for (const cls of html.matchAll(/class="([^"]*)"/g)) assert.match(cls[1]!, /^[a-z0-9 -]*$/, cls[1]);
});

test('a daemon without BGP (vrrp or dns only) says so instead of an empty router id and AS', () => {
  const views = viewsOf({ now: 0, services: [], peers: [], events: [], sections: [] });
  const withBgp = renderStatus(statusDocument(views, 0, false));
  assert.match(withBgp, /router id 192\.0\.2\.254, AS 65001/);
  const noBgp = renderStatus(statusDocument({ ...views, speaker: () => ({ peers: [] }) }, 0, false));
  assert.match(noBgp, /id="identity">no BGP, floatd /);
  assert.doesNotMatch(noBgp, /undefined/);
});

test('the events table names BFD changes and DNS updates as such, not as service transitions or commands', () => {
  const at = '2026-01-01T00:00:00.000Z';
  const st: FixtureState = {
    now: 0,
    services: [],
    peers: [],
    sections: [],
    events: [
      { at, service: 'bfd 192.0.2.1', from: 'Up', to: 'Down', reason: 'control detection time expired', kind: 'bfd' },
      { at, service: 'web', from: 'DOWN', to: 'DOWN', reason: 'dns: www A 192.0.2.10 deleted at the primary', kind: 'dns' },
    ],
  };
  const html = renderStatus(statusDocument(viewsOf(st), 0, false));
  assert.match(html, /BFD Up \u2192 Down/);
  assert.match(html, />DNS update</);
});
