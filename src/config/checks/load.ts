import { port } from '../bgp-fields.js';
import { decimal, defined, oneOf, section } from '../fields.js';
import { checkLoadSource, LOAD_SOURCES, loadValueFits, loadWindow, measureOf } from '../load-fields.js';
import type { ProbeSpec } from '../../health/index.js';
import type { CheckKindModule } from './kind.js';

/** `load`: a reading of cpu, memory or connections stays at or below max. */
export const loadCheck: CheckKindModule<'load'> = {
  keys: {
    load: () =>
      section(
        {
          source: oneOf(LOAD_SOURCES),
          max: decimal(0, Number.MAX_SAFE_INTEGER, 'a threshold, 0 or more'),
          port: port().optional(),
          window: loadWindow().optional(),
        },
        'a mapping with source and max',
      ).transform((l, ctx): ProbeSpec => {
        checkLoadSource(l, ctx);
        loadValueFits(l.source, 'max', l.max, ctx);
        return { kind: 'load', max: l.max, ...measureOf(l.source, l.port, l.window) };
      }),
  },
  toFile: (c) => ({
    load: defined({ source: c.metric, max: c.max, port: c.metric === 'connections' ? c.port : undefined, window: c.metric === 'cpu' ? c.window : undefined }),
  }),
};
