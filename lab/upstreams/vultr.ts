// A Vultr-like upstream (seed 000): a BIRD router at 169.254.169.254, AS
// 64515, two hops from the instances behind a plain IP router, with a TCP MD5
// password per session. What the seed shows of the router's side is copied:
// it talks to the instance's public address with multihop, keeps the
// hold time BIRD proposes by default (240 s, keepalive 80 s), offers
// graceful restart ("restart-able" in the instance's `show protocols all`),
// route refresh and 4-octet AS, and sends routes of its own. Primary and
// backup are told apart by AS-path prepends, so the router's usual BGP
// choice (shortest AS path) picks the primary.
//
//   instance a 198.51.100.99/25 -- .1 vultr-net .1/30 -- .2 upstream (169.254.169.254 on lo)
//   instance b 198.51.100.199/25 -- .129

import { Bird } from '../daemons/bird.js';
import type { BirdSession } from '../daemons/bird.js';
import type { FloatdConfig } from '../daemons/floatd.js';
import type { Lab } from '../netns.js';

export const VULTR_ROUTER = '169.254.169.254';
export const VULTR_AS = 64515;
/** BIRD's default hold time, as the seed's `Hold timer: 184/240` shows. */
export const VULTR_HOLD_TIME = 240;
/** A private AS the customer was given. */
export const VULTR_CUSTOMER_AS = 4_200_000_001;
/** Routes the router sends its customers (the seed's router sends a whole table). */
export const VULTR_ROUTES = ['203.0.113.0/24', '198.18.0.0/15'];

export interface VultrInstance {
  readonly name: string;
  readonly ns: string;
  /** The instance's public address: BGP source address and next hop. */
  readonly address: string;
  /** BIRD's protocol name for its session. */
  readonly protocol: string;
}

export interface VultrLab {
  readonly router: Bird;
  readonly routerNs: string;
  readonly instances: readonly VultrInstance[];
  instance(name: string): VultrInstance;
}

/** The router side of one customer session, as seed 000 implies it. */
export function vultrSession(i: { protocol: string; address: string }, password: string): BirdSession {
  return {
    name: i.protocol,
    localAddress: VULTR_ROUTER,
    localAs: VULTR_AS,
    neighborAddress: i.address,
    neighborAs: VULTR_CUSTOMER_AS,
    family: 'ipv4',
    multihop: 2,
    password,
    holdTime: VULTR_HOLD_TIME,
    gracefulRestart: true,
  };
}

/** Builds the namespaces and starts the router; instances `names` (at most two) get public addresses. */
export async function buildVultrLab(lab: Lab, password: string, names: readonly string[] = ['a', 'b']): Promise<VultrLab> {
  if (names.length < 1 || names.length > 2) throw new RangeError('one or two instances');
  const net = await lab.namespace('vultr-net');
  const routerNs = await lab.namespace('vultr-up');
  await lab.sysctl(net, 'net.ipv4.ip_forward', '1');
  await lab.veth(net, routerNs, { ifA: 'vn0', ifB: 'vu0', addrA: ['10.212.9.1/30'], addrB: ['10.212.9.2/30'] });
  await lab.addAddress(routerNs, 'lo', `${VULTR_ROUTER}/32`);
  await lab.route(net, [`${VULTR_ROUTER}/32`, 'via', '10.212.9.2']);
  await lab.route(routerNs, ['default', 'via', '10.212.9.1']);
  const instances: VultrInstance[] = [];
  for (const [k, name] of names.entries()) {
    const ns = await lab.namespace(`vultr-${name}`);
    const host = k === 0 ? 99 : 199;
    const gw = k === 0 ? 1 : 129;
    const address = `198.51.100.${host}`;
    await lab.veth(net, ns, { ifA: `vn${k + 1}`, ifB: `vi${k + 1}`, addrA: [`198.51.100.${gw}/25`], addrB: [`${address}/25`] });
    await lab.route(ns, ['default', 'via', `198.51.100.${gw}`]);
    instances.push({ name, ns, address, protocol: `cust_${name}` });
  }
  const router = await Bird.start(lab, routerNs, 'vultr-bird', {
    routerId: VULTR_ROUTER,
    sessions: instances.map((i) => vultrSession(i, password)),
    originate: VULTR_ROUTES,
    // Multihop next hops resolve through the router's own table.
    staticRoutes: [{ prefix: '198.51.100.0/24', via: '10.212.9.1' }],
  });
  return {
    router,
    routerNs,
    instances,
    instance: (name) => {
      const i = instances.find((x) => x.name === name);
      if (i === undefined) throw new RangeError(`no instance ${name}`);
      return i;
    },
  };
}

/**
 * floatd on a Vultr instance, the seed's BIRD config in floatd's words:
 * source address = the public address, multihop 2, MD5 key from a file,
 * import none, graceful restart on; the floating address as a service with
 * `role` shown by prepends (one more per lower tier).
 */
export function vultrFloatdConfig(o: {
  instance: VultrInstance;
  passwordFile: string;
  prefix: string;
  check: Record<string, unknown>;
  role?: 'primary' | 'secondary';
  health?: Record<string, unknown>;
}): FloatdConfig {
  return {
    'router-id': o.instance.address,
    'local-as': VULTR_CUSTOMER_AS,
    neighbors: [{ address: VULTR_ROUTER, 'peer-as': VULTR_AS, 'local-address': o.instance.address, multihop: 2, 'password-file': o.passwordFile, 'graceful-restart': true, import: 'none' }],
    services: [{ name: 'web', prefixes: [o.prefix], check: o.check, ...(o.role !== undefined ? { role: o.role, 'role-style': 'prepend' } : {}), ...(o.health ?? {}) }],
  };
}
