import { test } from 'node:test';
import { dnsScenario } from './dns-scenario.js';

test('BIND 9 (named): add and delete our RR beside another, BADSIG, BADTIME with skew, NXRRSET guard, retry after the server returns, keep-last', { timeout: 120_000 }, async () => {
  await dnsScenario('bind');
});
