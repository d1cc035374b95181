/** The part of net.Socket a session uses; tests pass an in-memory pair. */
export interface SessionSocket {
  write(data: Uint8Array): boolean;
  end(): void;
  destroy(): void;
  pause(): void;
  resume(): void;
  on(event: 'data', fn: (chunk: Buffer) => void): this;
  on(event: 'drain' | 'close', fn: () => void): this;
  on(event: 'error', fn: (e: Error) => void): this;
  removeAllListeners(event?: string): this;
  /** Small UPDATEs (a WITHDRAW) must not wait for Nagle's algorithm. */
  setNoDelay?(noDelay?: boolean): this;
  readonly writableLength: number;
  readonly localAddress?: string | undefined;
  readonly remoteAddress?: string | undefined;
}
