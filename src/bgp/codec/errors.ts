import { ErrorCode } from './constants.js';

/**
 * RFC 7606 2: what a receiver does about a malformed message, weakest first.
 * The numeric order is the strength order, so the strongest of several is Math.max.
 */
export const ErrorAction = {
  /** Drop the attribute, keep the route (RFC 7606 2, "attribute discard"). */
  AttributeDiscard: 1,
  /** Handle the UPDATE's NLRI as withdrawn (RFC 7606 2, "treat-as-withdraw"). */
  TreatAsWithdraw: 2,
  /** Disable the AFI/SAFI (RFC 4760 7); floatd resets the session instead, as RFC 7606 allows. */
  AfiSafiDisable: 3,
  /** Send the NOTIFICATION and close the session (RFC 4271 6). */
  SessionReset: 4,
} as const;
export type ErrorAction = (typeof ErrorAction)[keyof typeof ErrorAction];

export const errorActionName = (a: ErrorAction): string =>
  a === ErrorAction.AttributeDiscard
    ? 'attribute-discard'
    : a === ErrorAction.TreatAsWithdraw
      ? 'treat-as-withdraw'
      : a === ErrorAction.AfiSafiDisable
        ? 'afi-safi-disable'
        : 'session-reset';

/**
 * A decoding failure. It carries what goes on the wire (NOTIFICATION code,
 * subcode, data) and what the receiver must do about it. Stable `code`
 * for local handling, as every floatd error has.
 */
export class BgpDecodeError extends Error {
  readonly code = 'ERR_BGP_DECODE';
  override readonly name = 'BgpDecodeError';
  constructor(
    readonly errorCode: ErrorCode,
    readonly errorSubcode: number,
    message: string,
    readonly data: Uint8Array = new Uint8Array(0),
    readonly action: ErrorAction = ErrorAction.SessionReset,
  ) {
    super(message);
  }

  /** The same error with a different action (e.g. when RFC 7606 softens it). */
  withAction(action: ErrorAction): BgpDecodeError {
    return new BgpDecodeError(this.errorCode, this.errorSubcode, this.message, this.data, action);
  }
}

export const decodeError = (
  code: ErrorCode,
  subcode: number,
  message: string,
  data?: Uint8Array,
  action: ErrorAction = ErrorAction.SessionReset,
): BgpDecodeError => new BgpDecodeError(code, subcode, message, data, action);

/** An encoder was handed a value that cannot be put on the wire. A local bug or bad config, never peer input. */
export class BgpEncodeError extends Error {
  readonly code = 'ERR_BGP_ENCODE';
  override readonly name = 'BgpEncodeError';
}
