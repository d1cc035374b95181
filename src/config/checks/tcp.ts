import { hostAddress, port } from '../bgp-fields.js';
import { defined, section, text } from '../fields.js';
import type { ProbeSpec } from '../../health/index.js';
import type { CheckKindModule } from './kind.js';

/** `tcp`: a connection to host and port is accepted. */
export const tcpCheck: CheckKindModule<'tcp'> = {
  keys: {
    tcp: () =>
      section({ host: text('a host name or address'), port: port(), 'local-address': hostAddress().optional() }, 'a mapping with host and port').transform(
        (t): ProbeSpec => ({ kind: 'tcp', host: t.host, port: t.port, ...(t.localAddress !== undefined ? { localAddress: t.localAddress } : {}) }),
      ),
  },
  toFile: (c) => ({ tcp: defined({ host: c.host, port: c.port, 'local-address': c.localAddress }) }),
};
