import type { BgpDecodeError } from './errors.js';

/**
 * A bounds-checked cursor over [start, end) of a buffer. Running past the end
 * throws the error the caller chose, since the right NOTIFICATION depends on
 * where the short read happened (OPEN, UPDATE attribute, NLRI ...).
 */
export class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
    private readonly onShort: () => BgpDecodeError,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (this.end - this.pos < n) throw this.onShort();
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const b = this.buf;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** A view (no copy) of the next n bytes. */
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A reader over the next n bytes, with its own short-read error; this one skips past them. */
  sub(n: number, onShort: () => BgpDecodeError = this.onShort): Reader {
    this.need(n);
    const r = new Reader(this.buf, this.pos, this.pos + n, onShort);
    this.pos += n;
    return r;
  }
}
