// Test-only byte builders, written independently of the encoders under test.

/** Bytes from hex text; spaces, newlines and `|` separators are ignored. */
export const hex = (text: string): Buffer => {
  const clean = text.replace(/[\s|]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`bad hex: ${text}`);
  return Buffer.from(clean, 'hex');
};

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A whole message: marker, length, type, then the body. */
export const msg = (type: number, bodyHex: string): Buffer => {
  const body = hex(bodyHex);
  const len = 19 + body.length;
  return Buffer.concat([Buffer.alloc(16, 0xff), Buffer.from([len >> 8, len & 0xff, type]), body]);
};
