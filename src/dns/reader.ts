import { DnsError } from './errors.js';

/** A bounds-checked cursor over received bytes; every overrun is ERR_DNS_FORMAT. */
export class Reader {
  pos: number;
  constructor(readonly buf: Uint8Array, pos = 0) {
    this.pos = pos;
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw new DnsError('ERR_DNS_FORMAT', `message ends inside ${what} (offset ${this.pos}, need ${n} more bytes)`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    return this.u16(what) * 0x10000 + this.u16(what);
  }

  /** 48-bit unsigned (TSIG Time Signed, RFC 8945 4.2). */
  u48(what: string): number {
    return this.u16(what) * 0x1_0000_0000 + this.u32(what);
  }

  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    // A plain copy: decoded records do not pin the datagram they came in.
    const b = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }
}
