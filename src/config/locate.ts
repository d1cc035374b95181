import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node } from 'yaml';

/** Finding where in the YAML text a key path is, and which key path holds a text offset. */

type Seg = string | number;

const deref = (doc: Document, node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

const keyText = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key));

const start = (node: unknown): number | undefined => (node as Node | null)?.range?.[0];

/**
 * Offset of the node at `path`: its value, or its key when `atKey` (for unknown
 * keys). When the path goes further than the document (a missing key), the
 * deepest existing node is used.
 */
export function offsetOf(doc: Document, path: readonly Seg[], atKey = false): number {
  let node = deref(doc, doc.contents);
  let best = start(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (pair === undefined) return best;
      const keyAt = start(pair.key);
      if (keyAt !== undefined) best = keyAt;
      if (last && atKey) return best;
      node = deref(doc, pair.value);
    } else if (isSeq(node) && typeof seg === 'number') {
      node = deref(doc, node.items[seg]);
    } else {
      return best;
    }
    best = start(node) ?? best;
  }
  return best;
}

/** The key path of the innermost node whose text covers `offset`, for YAML syntax errors. */
export function pathAt(doc: Document, offset: number): Seg[] {
  const path: Seg[] = [];
  // Half-open ranges first, so an offset where one node ends and the next begins picks the next.
  const covers = (n: unknown, inclusive: boolean): boolean => {
    const r = (n as Node | null)?.range;
    return r != null && offset >= r[0] && (inclusive ? offset <= r[2] : offset < r[2]);
  };
  const pick = <T>(items: readonly T[], hit: (x: T, inclusive: boolean) => boolean): number => {
    const i = items.findIndex((x) => hit(x, false));
    return i >= 0 ? i : items.findIndex((x) => hit(x, true));
  };
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items[pick(node.items, (p, inc) => isPair(p) && (covers(p.key, inc) || covers(p.value, inc)))];
      if (pair === undefined) return path;
      path.push(keyText(pair.key));
      if (!covers(pair.value, true)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const i = pick(node.items, covers);
      if (i < 0) return path;
      path.push(i);
      node = node.items[i];
    } else {
      return path;
    }
  }
}
