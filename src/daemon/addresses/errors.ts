// Local errors of address management. The message quotes the ip command and
// what it wrote to stderr, so an operator sees the kernel's own words.

/** Why an ip command failed: its exit status, its time limit, it could not start, or the interface is missing. */
export type AddressErrorReason = 'failed' | 'timeout' | 'not-run' | 'no-such-interface' | 'invalid';

export class AddressError extends Error {
  readonly code = 'ERR_ADDRESS';
  override readonly name = 'AddressError';

  constructor(
    message: string,
    readonly reason: AddressErrorReason,
    /** What the command wrote to stderr, trimmed; empty when it did not run. */
    readonly stderr = '',
  ) {
    super(message);
  }
}
