import { fail, ok } from '../addresses.js';
import type { Parsed } from '../addresses.js';
import { hostAddress, ipAddress, port } from '../bgp-fields.js';
import { defined, list, oneOf, parsedText, section } from '../fields.js';
import type { ProbeSpec } from '../../health/index.js';
import type { CheckKindModule } from './kind.js';

const dnsName = () =>
  parsedText('a domain name', (s): Parsed<string> =>
    s !== '' && Buffer.byteLength(s) <= 253 && !/\s/.test(s) ? ok(s) : fail(`${JSON.stringify(s)} is not a domain name (expected a domain name of 1..253 bytes without spaces)`),
  );

/** `dns`: a resolver answers for name, holding every address in expect. */
export const dnsCheck: CheckKindModule<'dns'> = {
  keys: {
    dns: () =>
      section(
        {
          name: dnsName(),
          server: hostAddress('the resolver\'s IPv4 or IPv6 address'),
          port: port().optional(),
          type: oneOf(['A', 'AAAA']).default('A'),
          expect: list(ipAddress('an address the answer must hold'), 'a list of addresses').optional(),
        },
        'a mapping with name and server',
      ).transform((d, ctx): ProbeSpec => {
        d.expect?.forEach((a, i) => {
          const v6 = a.includes(':');
          if (v6 !== (d.type === 'AAAA')) {
            ctx.addIssue({ code: 'custom', path: ['expect', i], message: `${a} cannot be in an answer of type ${d.type} (expected ${d.type === 'A' ? 'IPv4' : 'IPv6'} addresses, or type ${v6 ? 'AAAA' : 'A'})` });
          }
        });
        return {
          kind: 'dns',
          name: d.name,
          server: d.server,
          type: d.type,
          ...(d.port !== undefined ? { port: d.port } : {}),
          ...(d.expect !== undefined ? { expect: d.expect } : {}),
        };
      }),
  },
  toFile: (c) => ({ dns: defined({ name: c.name, server: c.server, port: c.port, type: c.type ?? 'A', expect: c.expect }) }),
};
