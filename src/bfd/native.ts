import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonPath } from '../util/addon-path.js';

/**
 * Typed access to native/bfd.c: the thread that sends BFD packets, keeps
 * detection deadlines and checks TTL and authentication, whatever the event
 * loop is doing. BFD cannot run without it (dgram sets no per-socket TTL and
 * reports none), so a missing addon is a clear error, never a degraded session.
 */

export interface NativeOpenOptions {
  readonly family: 4 | 6;
  readonly peer: string;
  readonly local?: string | undefined;
  readonly multihop: boolean;
  /** Lowest TTL accepted on a multihop session (RFC 5883 5). */
  readonly minTtl: number;
}

export type NativeEvent =
  | { readonly type: 'rx'; readonly packet: Buffer; readonly at: number; readonly ttl: number }
  | { readonly type: 'expire'; readonly at: number; readonly expiries: number };

export interface NativeStats {
  readonly txCount: number;
  readonly rxCount: number;
  /** Largest gap between two packets that both said Up, and the largest lateness of a periodic one, since the last call (ms). */
  readonly maxGapMs: number;
  readonly maxLateMs: number;
  /** The thread runs with SCHED_FIFO priority (root or CAP_SYS_NICE). */
  readonly realtime: boolean;
}

export interface BfdNative {
  open(opts: NativeOpenOptions, onEvent: (e: NativeEvent) => void): number;
  /** sendNow bits: 1 a packet now, 2 a Final now. Returns false when an expiry JS has not seen yet makes the template stale. */
  update(id: number, template: Buffer, txUs: number, rxUs: number, sendNow: number, expiriesSeen: number): boolean;
  /** type 0 none, 1 simple password, 4 keyed SHA1, 5 meticulous keyed SHA1. */
  setAuth(id: number, type: number, keyId: number, key: Buffer): void;
  close(id: number): void;
  /** CLOCK_MONOTONIC in ms, the clock of every event's `at`. */
  now(): number;
  stats(id: number): NativeStats;
}

export class BfdNativeError extends Error {
  readonly code = 'ERR_BFD_NATIVE_UNAVAILABLE';
  override readonly name = 'BfdNativeError';
}

export const BFD_ADDON_FILE = 'floatd_bfd.node';

let addon: BfdNative | undefined;

/** floatd's BFD addon (build/Release), loaded once. */
export function bfdNative(): BfdNative {
  if (addon) return addon;
  const path = addonPath(BFD_ADDON_FILE, dirname(fileURLToPath(import.meta.url)));
  try {
    addon = createRequire(import.meta.url)(path) as BfdNative;
    return addon;
  } catch (e) {
    throw new BfdNativeError(
      `BFD needs the native addon ${path}, which could not be loaded (${(e as Error).message.split('\n')[0] ?? ''}). ` +
        'It is built by `npm install` (node-gyp, which needs a C compiler, python3 and make); run `npm rebuild` in the floatd package.',
    );
  }
}
