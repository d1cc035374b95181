import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLogLine } from '../../src/util/log-text.js';
import { logFormat } from '../../src/util/log.js';

test('a JSON log line as text: time, level, context, message, then the other fields', () => {
  const line =
    '{"level":"info","time":"2026-11-23T21:40:00.123Z","pid":7,"hostname":"h","name":"floatd","peer":"192.0.2.1","from":"OpenConfirm","to":"Established","msg":"OpenConfirm -> Established: KEEPALIVE received"}';
  assert.equal(formatLogLine(line), '21:40:00.123 INFO  [192.0.2.1] OpenConfirm -> Established: KEEPALIVE received from=OpenConfirm to=Established');
  const svc = '{"level":"warn","time":"2026-11-23T21:40:01.000Z","service":"web","withdrawn":["192.0.2.10/32"],"reason":"two words","msg":"withdrawing"}';
  assert.equal(formatLogLine(svc), '21:40:01.000 WARN  [web] withdrawing withdrawn=["192.0.2.10/32"] reason="two words"');
});

test('a line that is not a JSON object is passed through', () => {
  assert.equal(formatLogLine('plain text'), 'plain text');
  assert.equal(formatLogLine('[1,2]'), '[1,2]');
});

test('the format: FLOATD_LOG_FORMAT wins, else text on a terminal and JSON elsewhere; a wrong value is an error', () => {
  assert.equal(logFormat({}, true), 'text');
  assert.equal(logFormat({}, false), 'json');
  assert.equal(logFormat({ FLOATD_LOG_FORMAT: 'json' }, true), 'json');
  assert.equal(logFormat({ FLOATD_LOG_FORMAT: 'text' }, false), 'text');
  assert.throws(() => logFormat({ FLOATD_LOG_FORMAT: 'pretty' }, false), /FLOATD_LOG_FORMAT=pretty is not a log format \(expected json or text\)/);
});
