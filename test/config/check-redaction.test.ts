import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveConfigText, parseConfigText } from '../../src/config/index.js';

const TOKEN = 'Bearer s3cr3t-t0ken-value';

const text = `router-id: 10.0.0.2
local-as: 65001
neighbors:
  - { address: 10.0.0.1, peer-as: 64515 }
services:
  - name: web
    prefixes: [192.0.2.10/32]
    check: { http: { url: "http://127.0.0.1:8080/health", headers: { Authorization: "${TOKEN}", Cookie: "session=abc123", X-Api-Key: "k-999", Accept: text/plain } } }
  - name: job
    prefixes: [192.0.2.11/32]
    check: { exec: { command: [/usr/local/bin/probe], env: { API_TOKEN: "tok-777", MODE: mode-quick-7 } } }
`;

test('floatd check prints http check header values and exec check env values as [redacted]', () => {
  const printed = effectiveConfigText(parseConfigText(text, 'f.yaml', { env: {}, hostname: 'h' }));
  for (const secret of ['s3cr3t', 'abc123', 'k-999', 'tok-777', 'text/plain', 'mode-quick-7']) assert.doesNotMatch(printed, new RegExp(secret));
  for (const name of ['Authorization', 'Cookie', 'X-Api-Key', 'Accept', 'API_TOKEN', 'MODE']) assert.match(printed, new RegExp(`${name}: "?\\[redacted\\]"?`));
  // The printed config still loads.
  const again = parseConfigText(printed, 'f.yaml', { env: {}, hostname: 'h' });
  assert.deepEqual(again.services!.map((s) => s.name), ['web', 'job']);
});
