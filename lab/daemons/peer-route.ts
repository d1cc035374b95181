// One route as a peer daemon reports it, in one shape for every daemon, so
// interop tests compare what BIRD, FRR, GoBGP, ExaBGP and OpenBGPD saw
// against the same expectation.

export type Origin = 'igp' | 'egp' | 'incomplete';

export interface PeerRoute {
  readonly prefix: string;
  /** The global next hop (a link-local second next hop is left out). */
  readonly nextHop: string;
  readonly asPath: readonly number[];
  readonly origin?: Origin | undefined;
  readonly med?: number | undefined;
  /** "a:b", sorted as numbers. */
  readonly communities: readonly string[];
  /** "a:b:c", sorted as numbers. */
  readonly largeCommunities: readonly string[];
}

/** Sorts "a:b" / "a:b:c" texts by their numbers, the order floatd and most daemons send them in. */
export function sortCommunities(list: Iterable<string>): string[] {
  const key = (s: string) => s.split(':').map(Number);
  return [...list].sort((x, y) => {
    const a = key(x);
    const b = key(y);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = (a[i] ?? 0) - (b[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
}

/** A 32-bit RFC 1997 community as "a:b". */
export function communityText(n: number): string {
  return `${Math.floor(n / 65536)}:${n % 65536}`;
}

export function originFrom(text: string | undefined): Origin | undefined {
  const t = text?.trim().toLowerCase();
  if (t === 'igp' || t === 'i' || t === '0') return 'igp';
  if (t === 'egp' || t === 'e' || t === '1') return 'egp';
  if (t === 'incomplete' || t === '?' || t === '2') return 'incomplete';
  return undefined;
}
