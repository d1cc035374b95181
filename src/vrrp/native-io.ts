// The floatd_vrrp addon (native/vrrp.c): a raw protocol-112 socket on an
// interface, with advert transmission, the master-down timer and GARP/NA on
// a thread of its own, so a busy event loop delays none of them.

import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonPath } from '../util/addon-path.js';

export const VRRP_ADDON_FILE = 'floatd_vrrp.node';

export type NativeEvent =
  | { readonly kind: 'advert'; readonly source: string; readonly destination: string; readonly ttl: number; readonly data: Buffer }
  | { readonly kind: 'timer'; readonly gen: number }
  | { readonly kind: 'error'; readonly message: string };

export interface OpenOptions {
  readonly family: 4 | 6;
  readonly ifname: string;
  /** Source of the adverts: the primary IPv4 address, or the IPv6 link-local one (RFC 9568 5.1.2.1). */
  readonly source: string;
  /** Join 224.0.0.18 / ff02::12 and send there. */
  readonly group: boolean;
  readonly peers: readonly string[];
  readonly vrid: number;
  /** A macvlan on ifname with the virtual MAC: adverts, GARP and NA leave by it (IPv4 only). */
  readonly vmac?: string;
}

export type NativeHandle = object & { readonly __brand?: 'vrrp' };

export interface VrrpAddon {
  open(o: OpenOptions, onEvent: (e: NativeEvent) => void): NativeHandle;
  /** Periodic adverts, one packet per destination (the group first, then each peer); 0 ms stops. */
  adverts(h: NativeHandle, intervalMs: number, packets: readonly Buffer[]): void;
  send(h: NativeHandle, packets: readonly Buffer[]): void;
  /** The master-down timer; ms < 0 cancels. Adverts with priority >= minPriority re-arm it on the thread. */
  timer(h: NativeHandle, gen: number, ms: number, localPriority: number, minPriority: number): void;
  announce(h: NativeHandle, addresses: readonly string[], count: number, intervalMs: number): void;
  close(h: NativeHandle): void;
}

export class VrrpIoError extends Error {
  readonly code = 'ERR_VRRP_IO';
  override readonly name = 'VrrpIoError';
}

let addon: VrrpAddon | undefined;

/** Loads the addon once; a clear error when it is missing (not built) or not loadable. */
export function loadVrrpAddon(path = addonPath(VRRP_ADDON_FILE, dirname(fileURLToPath(import.meta.url)))): VrrpAddon {
  if (addon) return addon;
  try {
    addon = createRequire(import.meta.url)(path) as VrrpAddon;
    return addon;
  } catch (e) {
    throw new VrrpIoError(
      `VRRP needs the native addon ${path}, which could not be loaded (${(e as Error).message.split('\n')[0] ?? ''}). ` +
        'It is built by `npm install` (node-gyp, which needs g++, python3 and make); after installing those, run `npm rebuild` in the floatd package.',
    );
  }
}
