import type { Afi, AsPathSegmentType, Origin } from './constants.js';
import type { BgpDecodeError, ErrorAction } from './errors.js';

/**
 * What a session negotiated that changes the bytes on the wire. Encoders and
 * decoders take it as an argument; nothing reads it from a global.
 * One context per direction: ADD-PATH may be on for receiving only.
 */
export interface CodecContext {
  /** RFC 6793: AS numbers in AS_PATH/AGGREGATOR are 4 octets. */
  readonly fourOctetAs: boolean;
  /** RFC 8654: UPDATE, NOTIFICATION and ROUTE-REFRESH may be up to 65535 octets. */
  readonly extendedMessage: boolean;
  /** RFC 7911: NLRI carry a 4-octet path identifier, per family. */
  readonly addPathIpv4: boolean;
  readonly addPathIpv6: boolean;
  /**
   * The peer is in another AS (eBGP): RFC 7606 7.5 discards a malformed
   * LOCAL_PREF from it instead of withdrawing. Absent means internal.
   */
  readonly external?: boolean;
  /**
   * The session is not between two speakers on one host: a loopback next hop
   * (127.0.0.0/8, ::1) is no host address of the peer (RFC 4271 6.3) and
   * treat-as-withdraw. Absent: accepted, as floatd's demo needs.
   */
  readonly rejectLoopbackNextHop?: boolean;
  /**
   * On a session: the AFIs whose unicast SAFI was negotiated (RFC 4760 8). An
   * MP_REACH_NLRI / MP_UNREACH_NLRI of any other AFI/SAFI is then ignored, as
   * RFC 4760 7 has a speaker ignore a family it disabled (and as BIRD and FRR
   * do): reported in `ignoredFamilies`, not an error. Absent (decoding outside
   * a session): IPv4 and IPv6 unicast are taken, other families are AfiSafiDisable errors.
   */
  readonly unicastAfis?: readonly number[];
}

/** Before the OPEN exchange: plain RFC 4271 encoding. */
export const BASE_CONTEXT: CodecContext = Object.freeze({
  fourOctetAs: false,
  extendedMessage: false,
  addPathIpv4: false,
  addPathIpv6: false,
});

/** The usual context between two modern speakers: 4-octet AS, nothing else. */
export const AS4_CONTEXT: CodecContext = Object.freeze({ ...BASE_CONTEXT, fourOctetAs: true });

/** An IPv4 or IPv6 unicast prefix. `addr` is the canonical text form with host bits cleared. */
export interface Prefix {
  readonly afi: Afi;
  readonly addr: string;
  readonly len: number;
  /** RFC 7911 path identifier, present only when ADD-PATH is in use for the family. */
  readonly pathId?: number;
  /** The address octets (at least ceil(len / 8)), when known: the encoder then writes them without parsing `addr`. */
  readonly bytes?: Uint8Array;
}

export interface AsPathSegment {
  readonly type: AsPathSegmentType;
  readonly asns: readonly number[];
}

export interface Aggregator {
  readonly asn: number;
  readonly address: string;
}

/** RFC 8092 large community: three 4-octet values. */
export interface LargeCommunity {
  readonly global: number;
  readonly local1: number;
  readonly local2: number;
}

/** RFC 4760 MP_REACH_NLRI. `nextHops` is one address, or IPv6 global then link-local. */
export interface MpReach {
  readonly afi: Afi;
  readonly safi: number;
  readonly nextHops: readonly string[];
  readonly nlri: readonly Prefix[];
}

export interface MpUnreach {
  readonly afi: Afi;
  readonly safi: number;
  readonly withdrawn: readonly Prefix[];
}

/** An attribute floatd does not interpret, kept as it came (flags include Partial when passed on). */
export interface RawAttribute {
  readonly flags: number;
  readonly type: number;
  readonly value: Uint8Array;
}

/**
 * Path attributes of one UPDATE. AS4_PATH/AS4_AGGREGATOR never appear here:
 * the decoder merges them into asPath/aggregator (RFC 6793 4.2.3) and the
 * encoder produces them when the peer speaks 2-octet AS.
 */
export interface PathAttributes {
  origin?: Origin;
  asPath?: readonly AsPathSegment[];
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: Aggregator;
  /** RFC 1997 communities as unsigned 32-bit numbers (ASN << 16 | value). */
  communities?: readonly number[];
  /** RFC 4360 extended communities, 8 octets each. */
  extendedCommunities?: readonly Uint8Array[];
  largeCommunities?: readonly LargeCommunity[];
  originatorId?: string;
  clusterList?: readonly string[];
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
  /** Unrecognized optional attributes, in arrival order. */
  unknown?: readonly RawAttribute[];
}

export interface UpdateMessage {
  readonly type: 'update';
  readonly withdrawn: readonly Prefix[];
  readonly attributes: PathAttributes;
  readonly nlri: readonly Prefix[];
}

/**
 * A decoded UPDATE plus what RFC 7606 says to do with it. Errors that reset
 * the session are thrown instead, so a returned value never carries one.
 */
export interface DecodedUpdate extends UpdateMessage {
  /** The strongest action over `errors`; undefined when the UPDATE was clean. */
  readonly action?: ErrorAction;
  readonly errors: readonly BgpDecodeError[];
  /** MP attributes ignored for a family not negotiated (see CodecContext.unicastAfis), as AFI << 8 | SAFI. */
  readonly ignoredFamilies?: readonly number[];
}
