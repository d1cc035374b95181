// The optional authentication section of a BFD control packet (RFC 5880 4.2-4.4).
//
//  Simple password (4.2):      | Type=1 | Len | Key ID | Password (1-16) |
//  Keyed [meticulous] MD5 (4.3) and SHA1 (4.4):
//  | Type | Len | Key ID | Reserved | Sequence Number (4) | Digest/Hash (16 or 20) |

export type AuthType = 'simple' | 'keyed-md5' | 'meticulous-keyed-md5' | 'keyed-sha1' | 'meticulous-keyed-sha1';

export const AUTH_TYPE_CODES: Readonly<Record<AuthType, number>> = {
  simple: 1,
  'keyed-md5': 2,
  'meticulous-keyed-md5': 3,
  'keyed-sha1': 4,
  'meticulous-keyed-sha1': 5,
};

export const AUTH_TYPE_NAMES: Readonly<Record<number, AuthType>> = Object.fromEntries(Object.entries(AUTH_TYPE_CODES).map(([k, v]) => [v, k as AuthType]));

export type AuthSection =
  | { readonly type: 'simple'; readonly keyId: number; readonly password: Uint8Array }
  | { readonly type: Exclude<AuthType, 'simple'>; readonly keyId: number; readonly seq: number; readonly digest: Uint8Array };

/** Auth Len of the fixed-size types: 24 for MD5 (4.3), 28 for SHA1 (4.4). */
export function authLength(type: Exclude<AuthType, 'simple'>): number {
  return type === 'keyed-md5' || type === 'meticulous-keyed-md5' ? 24 : 28;
}

export function isMeticulous(type: AuthType): boolean {
  return type === 'meticulous-keyed-md5' || type === 'meticulous-keyed-sha1';
}
