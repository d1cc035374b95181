import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLogLine } from '../../src/util/log-text.js';
import { escapeControls, quoteText } from '../../src/util/terminal-text.js';
import { describeNotification } from '../../src/bgp/codec/notification.js';

// ESC [ 2 J clears the screen; U+009B is a one-character CSI on terminals that take C1 controls; DEL deletes.
const HOSTILE = 'a\u001b[2Jb\u009b31mc\u007fd\u0085e';

test('peer text reaches a terminal with C0, DEL and C1 controls escaped, printable text kept', () => {
  assert.equal(quoteText(HOSTILE), '"a\\u001b[2Jb\\u009b31mc\\u007fd\\u0085e"');
  assert.equal(escapeControls(HOSTILE), 'a\\u001b[2Jb\\u009b31mc\\u007fd\\u0085e');
  assert.equal(quoteText('héllo — ok'), '"héllo — ok"');
  assert.doesNotMatch(describeNotification({ code: 6, subcode: 2, shutdownMessage: HOSTILE }), /[\u0000-\u001f\u007f-\u009f]/);
});

test('text log lines carry no raw control character from a field, the context or the message', () => {
  const line = JSON.stringify({ level: 'warn', time: '2026-12-07T10:00:00.000Z', peer: `p${HOSTILE}`, msg: `m${HOSTILE}`, hostname: 'h', host: HOSTILE, bare: 'x\u009by' });
  const out = formatLogLine(line);
  assert.doesNotMatch(out, /[\u0000-\u001f\u007f-\u009f]/);
  assert.match(out, /bare="x\\u009by"/);
});
