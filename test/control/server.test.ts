import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { request } from '../../src/control/client.js';
import { parseRequest } from '../../src/control/protocol.js';
import { startControlServer } from '../../src/control/server.js';

const log = pino({ level: 'silent' });

test('requests are validated at the edge', () => {
  assert.deepEqual(parseRequest('{"command":"status"}'), { command: 'status' });
  assert.match((parseRequest('status') as { error: string }).error, /not JSON/);
  assert.match((parseRequest('[]') as { error: string }).error, /not an object/);
  assert.match((parseRequest('{"command":"rm -rf"}') as { error: string }).error, /unknown command/);
  assert.match((parseRequest('{"command":"status","x":1}') as { error: string }).error, /unknown key/);
});

test('the control socket answers commands, is mode 0660, and refuses to start over a live socket', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'floatd-ctl-')), 'sub', 'floatd.sock');
  const server = await startControlServer(path, { status: () => ({ hello: 1 }), routes: () => [] }, log);
  try {
    assert.equal(statSync(path).mode & 0o777, 0o660);
    assert.deepEqual(await request(path, 'status'), { hello: 1 });
    await assert.rejects(startControlServer(path, { status: () => 0, routes: () => 0 }, log), /in use/);
  } finally {
    await new Promise((r) => server.close(r));
  }
  await assert.rejects(request(path, 'status'), /cannot reach floatd/);
});
