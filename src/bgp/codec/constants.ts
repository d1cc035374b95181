// Numbers from the BGP-4 RFCs and the IANA registries they create.

/** RFC 4271 4.1: 16-octet marker, 2-octet length, 1-octet type. */
export const HEADER_LENGTH = 19;
export const MAX_MESSAGE_LENGTH = 4096;
/** RFC 8654: once extended message is negotiated, any message but OPEN and KEEPALIVE may reach 65535. */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;

export const MessageType = {
  Open: 1,
  Update: 2,
  Notification: 3,
  Keepalive: 4,
  RouteRefresh: 5,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** RFC 4271 4.5 and the IANA "BGP Error (Notification) Codes" registry. */
export const ErrorCode = {
  MessageHeader: 1,
  OpenMessage: 2,
  UpdateMessage: 3,
  HoldTimerExpired: 4,
  Fsm: 5,
  Cease: 6,
  RouteRefresh: 7,
  SendHoldTimerExpired: 8,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** RFC 4271 4.5: the subcode where none more specific is defined (Hold Timer Expired, RFC 9687 Send Hold Timer Expired). */
export const UNSPECIFIC_SUBCODE = 0;

export const HeaderSubcode = {
  ConnectionNotSynchronized: 1,
  BadMessageLength: 2,
  BadMessageType: 3,
} as const;

export const OpenSubcode = {
  UnsupportedVersion: 1,
  BadPeerAs: 2,
  BadBgpIdentifier: 3,
  UnsupportedOptionalParameter: 4,
  UnacceptableHoldTime: 6,
  UnsupportedCapability: 7,
  RoleMismatch: 11,
} as const;

export const UpdateSubcode = {
  MalformedAttributeList: 1,
  UnrecognizedWellKnownAttribute: 2,
  MissingWellKnownAttribute: 3,
  AttributeFlagsError: 4,
  AttributeLengthError: 5,
  InvalidOriginAttribute: 6,
  InvalidNextHopAttribute: 8,
  OptionalAttributeError: 9,
  InvalidNetworkField: 10,
  MalformedAsPath: 11,
} as const;

/** RFC 6608 FSM error subcodes. */
export const FsmSubcode = {
  Unspecified: 0,
  UnexpectedInOpenSent: 1,
  UnexpectedInOpenConfirm: 2,
  UnexpectedInEstablished: 3,
} as const;

/** RFC 4486 Cease subcodes. */
export const CeaseSubcode = {
  MaxPrefixes: 1,
  AdministrativeShutdown: 2,
  PeerDeconfigured: 3,
  AdministrativeReset: 4,
  ConnectionRejected: 5,
  OtherConfigurationChange: 6,
  ConnectionCollisionResolution: 7,
  OutOfResources: 8,
  HardReset: 9,
  BfdDown: 10,
} as const;

/** RFC 7313 5: Route-Refresh message error subcode. */
export const RouteRefreshSubcode = {
  InvalidMessageLength: 1,
} as const;

export const Afi = { Ipv4: 1, Ipv6: 2 } as const;
export type Afi = (typeof Afi)[keyof typeof Afi];
export const Safi = { Unicast: 1 } as const;

export const AttrType = {
  Origin: 1,
  AsPath: 2,
  NextHop: 3,
  MultiExitDisc: 4,
  LocalPref: 5,
  AtomicAggregate: 6,
  Aggregator: 7,
  Communities: 8,
  OriginatorId: 9,
  ClusterList: 10,
  MpReachNlri: 14,
  MpUnreachNlri: 15,
  ExtendedCommunities: 16,
  As4Path: 17,
  As4Aggregator: 18,
  LargeCommunities: 32,
} as const;

export const AttrFlag = {
  Optional: 0x80,
  Transitive: 0x40,
  Partial: 0x20,
  ExtendedLength: 0x10,
} as const;

export const CapabilityCode = {
  Multiprotocol: 1,
  RouteRefresh: 2,
  ExtendedNextHop: 5,
  ExtendedMessage: 6,
  GracefulRestart: 64,
  FourOctetAs: 65,
  AddPath: 69,
  EnhancedRouteRefresh: 70,
  Fqdn: 73,
} as const;

/** RFC 5492: optional parameter type 2 carries capabilities. */
export const OPT_PARAM_CAPABILITIES = 2;
/** RFC 9072: a non-extended optional parameter of this type marks the extended length format. */
export const OPT_PARAM_EXTENDED_LENGTH = 255;

/** RFC 6793: AS_TRANS stands in for a 4-octet AS in 2-octet fields. */
export const AS_TRANS = 23456;

export const AsPathSegmentType = {
  AsSet: 1,
  AsSequence: 2,
} as const;
export type AsPathSegmentType = (typeof AsPathSegmentType)[keyof typeof AsPathSegmentType];

export const Origin = { Igp: 0, Egp: 1, Incomplete: 2 } as const;
export type Origin = (typeof Origin)[keyof typeof Origin];

/** RFC 1997, RFC 8326, RFC 7999 well-known communities. */
export const WellKnownCommunity = {
  GracefulShutdown: 0xffff0000,
  AcceptOwn: 0xffff0001,
  Blackhole: 0xffff029a,
  NoExport: 0xffffff01,
  NoAdvertise: 0xffffff02,
  NoExportSubconfed: 0xffffff03,
  NoPeer: 0xffffff04,
} as const;

/** RFC 7313 3: Route-Refresh message subtypes. */
export const RouteRefreshSubtype = {
  Normal: 0,
  BeginningOfRouteRefresh: 1,
  EndOfRouteRefresh: 2,
} as const;
