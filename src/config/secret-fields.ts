// Where secrets come from, and the two keys that name one (a file, an
// environment variable), shared by every section that takes a password or key.

import type { Parsed } from './addresses.js';
import { parsedText, text } from './fields.js';

/** Where secrets come from. Injected so that tests (and `floatd check`) control every read. */
export interface SecretSources {
  readonly env: NodeJS.ProcessEnv;
  readFile(path: string): string;
  /** Mode bits of a secret file; absent: permissions are not checked. */
  readonly modeOf?: ((path: string) => number) | undefined;
  /** Relative `password-file` paths are taken from here: the config file's directory. */
  readonly baseDir: string;
}

/**
 * A variable name for a password. Unlike other fields the value is not quoted
 * back in the error: a password pasted here by mistake must not reach a log.
 */
export const passwordEnvField = () =>
  parsedText('an environment variable name', (s): Parsed<string> =>
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(s)
      ? { ok: true, value: s }
      : { ok: false, error: 'is not an environment variable name, so it is not shown here (expected letters, digits and _)' },
  );

export const passwordFileField = () =>
  text('a path to a file holding the password').min(1, 'the path is empty (expected a path to a file holding the password)');
