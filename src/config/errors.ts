/** One thing wrong with a config file. `line`/`col` are 1-based; absent when the file itself could not be read. */
export interface ConfigProblem {
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
  /** Key path as written in the file, e.g. `neighbors[0].peer-as`; `(top level)` for the document itself. */
  readonly path: string;
  /** What is wrong, ending with `(expected ...)`. Never contains a password. */
  readonly message: string;
}

export const formatProblem = (p: ConfigProblem): string =>
  p.line === undefined ? `${p.file}: ${p.path}: ${p.message}` : `${p.file}:${p.line}:${p.col ?? 1}: ${p.path}: ${p.message}`;

/** Every problem found in one load, YAML syntax, schema and semantic alike, one per line in `message`. */
export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

/** Key path text: `neighbors[0].peer-as`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out === '' ? '(top level)' : out;
}
