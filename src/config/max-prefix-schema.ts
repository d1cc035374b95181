// The neighbor key `max-prefix`: bounds on what a peer may make floatd store
// with `import: all` (RFC 4486 4). A number bounds the prefixes kept from the
// peer in total; a mapping can bound each family, choose the action and the
// restart time, and change the bound on stored attribute bytes.

import { z } from 'zod';
import { DEFAULT_ATTRIBUTE_BYTES, DEFAULT_RESTART_SECONDS } from '../bgp/rib/receive-limits.js';
import { integer, oneOf, section } from './fields.js';

/** RFC 4486 4 carries the limit in 4 octets. */
const MAX_COUNT = 0xffffffff;
const WHAT = 'a number of prefixes, or a mapping with limit, ipv4, ipv6, action, restart, attribute-bytes';

export interface MaxPrefixSetting {
  /** Prefixes kept from the peer, every family together. */
  readonly limit?: number | undefined;
  readonly ipv4?: number | undefined;
  readonly ipv6?: number | undefined;
  /** `teardown`: Cease, close, wait `restart` seconds; `warn`: log once per crossing, keep the session, store no more. */
  readonly action: 'teardown' | 'warn';
  readonly restart: number;
  /** Bytes of distinct attribute sets kept from the peer. */
  readonly attributeBytes: number;
}

const count = () => integer(0, MAX_COUNT, `a number of prefixes 0..${MAX_COUNT}`);

/** `max-prefix:` of one neighbor; absent is undefined (only the default attribute-bytes bound applies). */
export const maxPrefixSchema = () =>
  z.preprocess(
    (v) => (typeof v === 'number' ? { limit: v } : v === null ? undefined : v),
    section(
      {
        limit: count().optional(),
        ipv4: count().optional(),
        ipv6: count().optional(),
        action: oneOf(['teardown', 'warn']).default('teardown'),
        restart: integer(1, 65535, 'seconds 1..65535 before reconnecting after a teardown').default(DEFAULT_RESTART_SECONDS),
        'attribute-bytes': integer(4096, 2 ** 31, 'bytes 4096..2147483648').default(DEFAULT_ATTRIBUTE_BYTES),
      },
      WHAT,
    )
      .transform((m): MaxPrefixSetting => m)
      .optional(),
  );

/** The setting in the file's vocabulary, for `floatd check`. */
export function maxPrefixToFile(m: MaxPrefixSetting | undefined): Record<string, unknown> | undefined {
  if (m === undefined) return undefined;
  return { limit: m.limit, ipv4: m.ipv4, ipv6: m.ipv6, action: m.action, restart: m.restart, 'attribute-bytes': m.attributeBytes };
}
