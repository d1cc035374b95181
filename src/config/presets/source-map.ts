/**
 * Where each value of a preset-expanded document came from in the file as
 * written, so an error about a generated value points at the preset key that
 * produced it. Rules rewrite key-path prefixes; the longest match wins; paths
 * no rule matches were written by the user as they are.
 */

export type Seg = string | number;
export type KeyPath = readonly Seg[];

interface Rule {
  readonly from: KeyPath;
  readonly to: KeyPath;
  /** The rest of the path has no counterpart in the file (a generated value): drop it. */
  readonly absorb: boolean;
}

const startsWith = (path: KeyPath, prefix: KeyPath): boolean => prefix.length <= path.length && prefix.every((s, i) => path[i] === s);

export class SourceMap {
  readonly #rules: Rule[] = [];

  /** Values under `from` were written at `to`, key for key. */
  moved(from: KeyPath, to: KeyPath): void {
    this.#rules.push({ from, to, absorb: false });
  }

  /** Values under `from` were generated from the value at `to`. */
  generated(from: KeyPath, to: KeyPath): void {
    this.#rules.push({ from, to, absorb: true });
  }

  sourceOf(path: KeyPath): Seg[] {
    let best: Rule | undefined;
    for (const r of this.#rules) {
      if (startsWith(path, r.from) && (best === undefined || r.from.length >= best.from.length)) best = r;
    }
    if (best === undefined) return [...path];
    return best.absorb ? [...best.to] : [...best.to, ...path.slice(best.from.length)];
  }
}
