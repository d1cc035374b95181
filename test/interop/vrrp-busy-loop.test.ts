// The advert timing lives on the addon's thread: a floatd whose event loop
// is blocked for 2 s (20 advert intervals) keeps sending adverts as Active,
// and as Backup does not take over while the Active keeps advertising.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { requireLab, sleep, waitFor, Pending } from '../../lab/netns.js';
import { holders, startFloatd, startKeepalived, vrrpLan, type VrrpLan } from '../../lab/vrrp-lan.js';

requireLab(['keepalived']);

const lans: VrrpLan[] = [];
after(async () => {
  for (const l of lans) await l.lab.cleanup();
});

const masters = (out: string): number => out.split('Entering MASTER STATE').length - 1;

test('Active floatd with a blocked event loop: keepalived (backup) never takes over', { timeout: 60_000 }, async () => {
  const lan = await vrrpLan('vbA');
  lans.push(lan);
  const fd = startFloatd(lan, 'fdA', { vrid: 63, priority: 150, advertIntervalMs: 100 });
  await waitFor('floatd to become Active', async () => ((await holders(lan)).join() === 'fd' ? true : new Pending('not yet')));
  const ka = startKeepalived(lan, 'kaA', { vrid: 63, priority: 100, advertInt: 0.1 });
  await waitFor('keepalived to settle as backup', () => (/Entering BACKUP STATE/.test(ka.output()) ? true : new Pending(ka.output())));
  await sleep(500);
  const before = masters(ka.output());
  fd.signal('SIGHUP');
  await waitFor('floatd to be busy and idle again', () => (/"event":"idle"/.test(fd.output()) ? true : new Pending('busy')));
  await sleep(300);
  assert.equal(masters(ka.output()), before, ka.output());
  assert.deepEqual(await holders(lan), ['fd']);
});

test('Backup floatd with a blocked event loop: no takeover while keepalived advertises', { timeout: 60_000 }, async () => {
  const lan = await vrrpLan('vbB');
  lans.push(lan);
  startKeepalived(lan, 'kaB', { vrid: 64, priority: 150, advertInt: 0.1 });
  await waitFor('keepalived to become Active', async () => ((await holders(lan)).join() === 'ka' ? true : new Pending('not yet')));
  const fd = startFloatd(lan, 'fdB', { vrid: 64, priority: 100, advertIntervalMs: 100 });
  await waitFor('floatd to start as Backup', () => (/"to":"Backup"/.test(fd.output()) ? true : new Pending(fd.output())));
  await sleep(500);
  fd.signal('SIGHUP');
  await waitFor('floatd to be busy and idle again', () => (/"event":"idle"/.test(fd.output()) ? true : new Pending('busy')));
  await sleep(300);
  assert.doesNotMatch(fd.output(), /"to":"Active"/);
  assert.deepEqual(await holders(lan), ['ka']);
});
