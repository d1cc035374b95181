// BGP path attributes: decode (RFC 4271 4.3/5 with RFC 7606 error handling),
// encode, the count-only walk, and community text forms.

export { decodeAttributes, type DecodedAttributes } from './decode.js';
export { encodeAttributes } from './encode.js';
export { countMpPrefixes } from './count.js';
export { COMMUNITY_NAMES, formatCommunity, formatLargeCommunity, parseCommunity, parseLargeCommunity } from './communities.js';
