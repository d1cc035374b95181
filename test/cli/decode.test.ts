// `floatd decode` on a JSON capture: each entry gets the RFC 4271 6.1 header
// checks a stream gets from the Framer, and an End-of-RIB is named for its
// own family only (RFC 4724 2). Messages built by hand from the RFC layouts.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeCapture } from '../../src/cli/decode.js';

const MARKER = 'ff'.repeat(16);
/** Header (marker, length, type) in front of a body; `length` overrides the real one. */
const message = (type: number, body: string, length?: number): string => {
  const b = body.replace(/\s+/g, '');
  const len = length ?? 19 + b.length / 2;
  return `${MARKER}${len.toString(16).padStart(4, '0')}${type.toString(16).padStart(2, '0')}${b}`;
};

function decode(messages: { from: string; hex: string }[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'floatd-decode-'));
  try {
    const path = join(dir, 'capture.json');
    writeFileSync(path, JSON.stringify({ messages }));
    return decodeCapture(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ROUTE_REFRESH_BODY = '0001 00 01'; // IPv4 unicast (RFC 2918 3)

test('RFC 4271 6.1: message types 0, 6, 7 and 255 are refused as Bad Message Type, not printed as ROUTE-REFRESH', () => {
  const lines = decode([0, 6, 7, 255].map((t) => ({ from: 'a', hex: message(t, ROUTE_REFRESH_BODY) })));
  assert.deepEqual(lines, [
    '   1 a -> undecodable: unknown message type 0',
    '   2 a -> undecodable: unknown message type 6',
    '   3 a -> undecodable: unknown message type 7',
    '   4 a -> undecodable: unknown message type 255',
  ]);
  assert.deepEqual(decode([{ from: 'a', hex: message(5, ROUTE_REFRESH_BODY) }]), ['   1 a -> ROUTE-REFRESH ipv4']);
});

test('RFC 4271 6.1: a marker that is not all ones, and a length field that disagrees with the message, are refused', () => {
  const keepalive = message(4, '');
  const badMarker = `00${keepalive.slice(2)}`;
  const lines = decode([
    { from: 'a', hex: badMarker },
    { from: 'a', hex: message(5, ROUTE_REFRESH_BODY, 30) },
    { from: 'a', hex: message(4, '', 18) },
    { from: 'a', hex: `${MARKER}0013` },
    { from: 'a', hex: keepalive },
  ]);
  assert.deepEqual(lines, [
    '   1 a -> undecodable: marker is not all ones',
    '   2 a -> undecodable: header length 30 but the message has 23 octets',
    '   3 a -> undecodable: bad length 18 for message type 4',
    '   4 a -> undecodable: 18 octets, shorter than a message header',
    '   5 a -> KEEPALIVE',
  ]);
});

test('RFC 4724 2: an End-of-RIB of a family floatd does not carry is not named "End-of-RIB ipv4"', () => {
  const evpnEor = message(2, '0000 0006 80 0f 03 0019 46'); // MP_UNREACH_NLRI, AFI 25 SAFI 70, nothing withdrawn
  const lines = decode([
    { from: 'a', hex: evpnEor },
    { from: 'a', hex: message(2, '0000 0000') },
    { from: 'a', hex: message(2, '0000 0006 80 0f 03 0002 01') },
  ]);
  assert.doesNotMatch(lines[0]!, /End-of-RIB ipv4/);
  assert.match(lines[0]!, /unsupported AFI 25 SAFI 70/);
  assert.deepEqual(lines.slice(1), ['   2 a -> UPDATE End-of-RIB ipv4', '   3 a -> UPDATE End-of-RIB ipv6']);
});

test('a peer\'s FQDN hostname with terminal escape sequences is printed escaped, as a shutdown communication is', () => {
  // OPEN (RFC 4271 4.2) with one capability, FQDN (code 73): hostname "r1" ESC "[2J", domain "x" BEL.
  const open = message(1, '04 fde9 00b4 c0000201 0e 02 0c 49 0a 06 7231 1b5b324a 02 78 07');
  const [line] = decode([{ from: 'a', hex: open }]);
  assert.equal(line, `   1 a -> OPEN as 65001 hold 180s id 192.0.2.1 caps hostname:${JSON.stringify('r1\u001b[2J.x\u0007')}`);
  assert.doesNotMatch(line!, /[\u0000-\u001f]/);
});
