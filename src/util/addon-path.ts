// Where node-gyp puts floatd's addons: build/Release under the package root,
// found by walking up to binding.gyp (the same walk works from src/ and
// dist/src/).

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function addonPath(file: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'binding.gyp'))) return join(dir, 'build', 'Release', file);
    if (dirname(dir) === dir) break;
  }
  return join(from, '..', '..', '..', '..', 'build', 'Release', file);
}
