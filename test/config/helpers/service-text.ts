import assert from 'node:assert/strict';
import { ConfigError, parseConfigText } from '../../../src/config/index.js';
import type { Config, ConfigProblem } from '../../../src/config/index.js';

/** Config text around `services:` for the services and check tests. */

export const HEAD = [
  'router-id: 192.0.2.1',
  'local-as: 65001',
  'neighbors:',
  '  - address: 192.0.2.254',
  '    peer-as: 64512',
  '    families: [ipv4, ipv6]',
  '  - address: 192.0.2.253',
  '    peer-as: 64513',
];

/** A config whose `services:` key is on line 9; `lines` follow it. */
export const withServices = (lines: string[], extra: string[] = []): string => [...HEAD, 'services:', ...lines, ...extra, ''].join('\n');

export const parse = (text: string): Config => parseConfigText(text, 'floatd.yaml', { env: {}, hostname: 'h' });

export function problems(text: string): readonly ConfigProblem[] {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

/** Every problem of `text` as "path: message", for compact assertions. */
export const problemLines = (text: string): string[] => problems(text).map((x) => `${x.path}: ${x.message}`);

/** One service named web on 192.0.2.10/32: `check` lines go under `check:` (its probe on line 13), `more` lines are service keys. */
export const service = (check: string[], more: string[] = []): string[] => [
  '  - name: web',
  '    prefixes: [192.0.2.10/32]',
  '    check:',
  ...check.map((l) => `      ${l}`),
  ...more.map((l) => `    ${l}`),
];
