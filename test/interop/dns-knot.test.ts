import { test } from 'node:test';
import { dnsScenario } from './dns-scenario.js';

test('Knot DNS (knotd): add and delete our RR beside another, BADSIG, BADTIME with skew, NXRRSET guard, retry after the server returns, keep-last', { timeout: 120_000 }, async () => {
  await dnsScenario('knot');
});
