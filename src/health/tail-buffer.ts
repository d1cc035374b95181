/** Keeps only the last `limit` bytes of everything pushed, without holding the rest. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    if (this.limit <= 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0]!.length >= this.limit) {
      const first = this.chunks.shift()!;
      this.size -= first.length;
      if (first.length > 0) this.dropped = true;
    }
  }

  /** The tail as text; a cut multi-byte character at the start becomes U+FFFD. */
  text(): string {
    let all = Buffer.concat(this.chunks, this.size);
    if (all.length > this.limit) {
      all = all.subarray(all.length - this.limit);
      this.dropped = true;
    }
    return all.toString('utf8');
  }

  /** True when older output was thrown away. */
  get truncated(): boolean {
    return this.dropped || this.size > this.limit;
  }
}
