// Community text for the config: the codec's parsers, turned into Parsed results.

import * as codec from '../bgp/codec/attributes/communities.js';
import type { LargeCommunity } from '../bgp/codec/types.js';
import type { Parsed } from './addresses.js';

export { COMMUNITY_NAMES, formatCommunity, formatLargeCommunity } from '../bgp/codec/attributes/communities.js';

function parsed<T>(parse: (text: string) => T, text: string): Parsed<T> {
  try {
    return { ok: true, value: parse(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export const parseCommunity = (text: string): Parsed<number> => parsed(codec.parseCommunity, text);
export const parseLargeCommunity = (text: string): Parsed<LargeCommunity> => parsed(codec.parseLargeCommunity, text);
