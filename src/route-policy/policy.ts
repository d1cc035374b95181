// Route policy, pure: a service's state and role -> the prefixes it
// wants announced and with which attributes (or nothing: withdraw).
//
// Default: announce while serving, withdraw otherwise. (ExaBGP's healthcheck
// keeps announcing a DOWN service with a worse MED by default; then a router
// with no better path still sends traffic to a broken instance. floatd
// withdraws unless the operator asks for an announcement in that state.)

import type { LargeCommunity } from '../bgp/codec/types.js';
import type { ServiceStateName } from '../health/index.js';

/** Attributes a state announces with. */
export interface AnnounceAttributes {
  readonly med?: number;
  readonly prepend?: number;
  readonly communities?: readonly number[];
  readonly largeCommunities?: readonly LargeCommunity[];
  readonly localPref?: number;
}

export type StateAction = { readonly announce: AnnounceAttributes } | 'withdraw';

export type Role = 'primary' | 'secondary' | 'tertiary';

/**
 * How a role shows on the wire: one more AS-path prepend per lower tier
 * (Vultr), 100 more MED per tier, or a community per role (Linode's route
 * servers prefer 65000:1 over 65000:2).
 */
export type RoleStyle =
  | { readonly kind: 'prepend' }
  | { readonly kind: 'med'; readonly step?: number }
  | { readonly kind: 'community'; readonly communities: Readonly<Partial<Record<Role, number>>> };

export interface ServicePolicy {
  readonly prefixes: readonly string[];
  readonly up: AnnounceAttributes;
  /** DOWN, INIT, and RISING/FALLING while not serving. Default 'withdraw'. */
  readonly down: StateAction;
  readonly disabled: StateAction;
  readonly role?: Role;
  readonly roleStyle?: RoleStyle;
  /** Off: after a failure this instance comes back at the lowest tier and stays there, so traffic does not move back. */
  readonly failback: boolean;
}

export interface WantedRoute {
  readonly prefix: string;
  readonly attributes: AnnounceAttributes;
}

const TIER: Record<Role, number> = { primary: 0, secondary: 1, tertiary: 2 };

/**
 * The role in effect: once demoted (failback off after a failure), the lowest
 * tier, so that traffic stays where it went. With prepends or MED that is
 * tertiary: one tier lower would tie with the instance that took over, and an
 * ECMP router would split the traffic. With communities it is the secondary's
 * (65000:2): route servers that rank by community (Linode's) know only
 * 65000:1 and 65000:2, so 65000:3 would rank as no role at all; tied with the
 * secondary that took over, the route servers' tie-breakers choose.
 */
export function effectiveRole(p: ServicePolicy, demoted: boolean): Role | undefined {
  if (!p.role) return undefined;
  if (!demoted || p.failback) return p.role;
  const lowest: Role = p.roleStyle?.kind === 'community' ? 'secondary' : 'tertiary';
  return TIER[p.role] > TIER[lowest] ? p.role : lowest;
}

export function withRole(a: AnnounceAttributes, role: Role | undefined, style: RoleStyle | undefined): AnnounceAttributes {
  if (!role || !style) return a;
  const tier = TIER[role];
  switch (style.kind) {
    case 'prepend':
      return { ...a, prepend: (a.prepend ?? 0) + tier };
    case 'med':
      return { ...a, med: (a.med ?? 0) + tier * (style.step ?? 100) };
    case 'community': {
      const c = style.communities[role];
      return c === undefined ? a : { ...a, communities: [...(a.communities ?? []), c] };
    }
  }
}

/** What to do in `state`; `serving` is the service's hysteresis bit. */
export function actionFor(p: ServicePolicy, state: ServiceStateName, serving: boolean): StateAction {
  if (state === 'STOPPING') return 'withdraw';
  if (state === 'DISABLED') return p.disabled;
  return serving ? { announce: p.up } : p.down;
}

/** The routes the service wants now. */
export function wantedRoutes(p: ServicePolicy, state: ServiceStateName, serving: boolean, demoted: boolean): WantedRoute[] {
  const action = actionFor(p, state, serving);
  if (action === 'withdraw') return [];
  const attributes = withRole(action.announce, effectiveRole(p, demoted), p.roleStyle);
  return p.prefixes.map((prefix) => ({ prefix, attributes }));
}
