import { z } from 'zod';
import { announceSchema } from './announce-schema.js';
import { asn, ipAddress, port, prefixField, routerId, socketPath } from './bgp-fields.js';
import { crossChecks } from './cross-checks.js';
import { list, section, text } from './fields.js';
import { neighborSchema } from './neighbor-schema.js';
import { serviceChecks, servicesSchema } from './services-schema.js';
import type { SecretSources } from './neighbor-schema.js';

export const DEFAULT_CONTROL_SOCKET = '/run/floatd/floatd.sock';

/** What the schema needs from outside: secret sources and the host name used when none is configured. */
export interface ConfigEnvironment extends SecretSources {
  readonly hostname: string;
}

export const listenSchema = () =>
  section(
    {
      /** `::` also accepts IPv4 connections on Linux unless net.ipv6.bindv6only is set. */
      address: ipAddress().default('::'),
      port: port().default(179),
    },
    'a mapping with address and port',
  );

const hostname = () =>
  text('a host name of 1..255 bytes').superRefine((s, ctx) => {
    const n = Buffer.byteLength(s);
    if (n < 1 || n > 255) ctx.addIssue({ code: 'custom', message: `the name is ${n} bytes long (expected a host name of 1..255 bytes)` });
  });

/**
 * The whole file. Field checks run inside each section; checks across
 * sections (unique neighbors, allow list, families) run once everything
 * parsed, then defaults that depend on other keys are filled in.
 */
export const configSchema = (environment: ConfigEnvironment) =>
  section(
    {
      'router-id': routerId(),
      'local-as': asn(),
      'control-socket': socketPath().default(DEFAULT_CONTROL_SOCKET),
      hostname: hostname().optional(),
      listen: listenSchema().optional(),
      neighbors: list(neighborSchema(environment), 'a list of neighbors').min(1, 'the list is empty (expected at least one neighbor)'),
      announce: list(announceSchema(), 'a list of prefixes to announce').default([]),
      allow: list(prefixField(), 'a list of prefixes').optional(),
      services: servicesSchema().optional(),
    },
    'a mapping with at least router-id, local-as and neighbors',
  ).transform((c, ctx) => {
    const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
    const { announceTargets } = crossChecks(c, issue);
    const serviceTargets = serviceChecks(c, issue);
    return {
      ...c,
      hostname: c.hostname ?? environment.hostname,
      neighbors: c.neighbors.map((n) => ({
        ...n,
        // GTSM sends 255 (RFC 5082 3); iBGP peers are usually loopbacks some hops away; eBGP peers are adjacent.
        multihop: n.multihop ?? (n.ttlSecurity !== false || n.peerAs === c.localAs ? 255 : 1),
      })),
      announce: c.announce.map((a, i) => ({ ...a, neighbors: announceTargets[i] ?? [] })),
      // Per prefix, the neighbors that receive it (in the order of `prefixes`).
      services: c.services?.map((s, i) => ({ ...s, targets: serviceTargets[i] ?? [] })),
    };
  });

/** The parsed config: camelCase keys, defaults filled, passwords as Secret. */
export type Config = z.output<ReturnType<typeof configSchema>>;
export type NeighborConfig = Config['neighbors'][number];
export type AnnounceConfig = Config['announce'][number];
export type ListenConfig = NonNullable<Config['listen']>;
export type ServiceConfig = NonNullable<Config['services']>[number];
