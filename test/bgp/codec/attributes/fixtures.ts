// Shared helpers for the path attribute tests: bytes from hex written by hand
// from the RFC layouts, so the encoder is never checked only against itself.

import assert from 'node:assert/strict';
import { decodeAttributes, type DecodedAttributes } from '../../../../src/bgp/codec/attributes/index.js';
import { BgpDecodeError } from '../../../../src/bgp/codec/errors.js';
import { AS4_CONTEXT, type CodecContext } from '../../../../src/bgp/codec/types.js';

/** Hex with any whitespace, to a plain Uint8Array. */
export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function decodeHex(h: string, ctx: CodecContext = AS4_CONTEXT, ipv4NlriPresent = false): DecodedAttributes {
  const b = hex(h);
  return decodeAttributes(b, 0, b.length, ctx, ipv4NlriPresent);
}

/** Runs fn, asserts it throws a BgpDecodeError, and returns it. */
export function decodeThrows(fn: () => unknown): BgpDecodeError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof BgpDecodeError, `expected BgpDecodeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a BgpDecodeError');
}
