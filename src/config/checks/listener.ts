import { hostAddress, port } from '../bgp-fields.js';
import { defined, section } from '../fields.js';
import type { ProbeSpec } from '../../health/index.js';
import type { CheckKindModule } from './kind.js';

/** `listener`: a TCP socket listens on port (and address, when given). */
export const listenerCheck: CheckKindModule<'listener'> = {
  keys: {
    listener: () =>
      section({ port: port(), address: hostAddress().optional() }, 'a mapping with port').transform(
        (l): ProbeSpec => ({ kind: 'listener', port: l.port, ...(l.address !== undefined ? { address: l.address } : {}) }),
      ),
  },
  toFile: (c) => ({ listener: defined({ port: c.port, address: c.address }) }),
};
