/** A growing byte buffer with a compression table for domain names (RFC 1035 4.1.4). */
export class Writer {
  private buf = new Uint8Array(512);
  len = 0;
  /** Lower-case name suffix -> offset of its first occurrence. */
  readonly names = new Map<string, number>();

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v & 0xff;
  }

  u16(v: number): void {
    this.room(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
  }

  u32(v: number): void {
    this.u16(Math.floor(v / 0x10000) & 0xffff);
    this.u16(v & 0xffff);
  }

  u48(v: number): void {
    this.u16(Math.floor(v / 0x1_0000_0000) & 0xffff);
    this.u32(v % 0x1_0000_0000);
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Overwrites a 16-bit field already written (RDLENGTH, counts). */
  patch16(at: number, v: number): void {
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
