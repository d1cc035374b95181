import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { DnsError } from './errors.js';
import { algorithmName, TSIG_ALGORITHMS } from './tsig.js';
import type { TsigKey } from './tsig.js';

/**
 * TSIG keys from the files operators already have: BIND's
 * `key "name" { algorithm hmac-sha256; secret "base64"; };` (what
 * tsig-keygen writes), Knot's YAML `key: - id: name, algorithm, secret`
 * (what keymgr -t writes), or a file holding only the base64 secret.
 * Errors name file:line and never echo a secret.
 */

function fail(where: string, msg: string): never {
  throw new DnsError('ERR_DNS_KEY_FILE', `${where}: ${msg}`);
}

function makeKey(where: string, name: string, algorithm: string, secret: string): TsigKey {
  const alg = algorithmName(algorithm);
  if (!alg) fail(where, `unknown TSIG algorithm "${algorithm}" (known: ${TSIG_ALGORITHMS.join(', ')})`);
  const s = secret.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) fail(where, `the secret of key "${name}" is not valid base64`);
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length === 0) fail(where, `the secret of key "${name}" is empty`);
  return { name: name.replace(/\.$/, ''), algorithm: alg, secret: bytes };
}

type Token = { text: string; line: number; quoted: boolean };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      line += (text.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw Object.assign(new Error('unterminated string'), { line });
      out.push({ text: text.slice(i + 1, end), line, quoted: true });
      line += (text.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 1;
    } else if ('{};'.includes(c)) {
      out.push({ text: c, line, quoted: false });
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s{};"]/.test(text[j]!)) j++;
      out.push({ text: text.slice(i, j), line, quoted: false });
      i = j;
    }
  }
  return out;
}

/** Parses BIND `key` statements; other statements in the file are skipped. */
export function parseBindKeys(text: string, file: string): TsigKey[] {
  let toks: Token[];
  try {
    toks = tokenize(text);
  } catch (e) {
    fail(`${file}:${(e as { line: number }).line}`, 'unterminated string');
  }
  const keys: TsigKey[] = [];
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.text === '{' && !t.quoted) depth++;
    if (t.text === '}' && !t.quoted) depth--;
    if (depth !== 0 || t.quoted || t.text !== 'key') continue;
    const name = toks[i + 1];
    if (!name || toks[i + 2]?.text !== '{') fail(`${file}:${t.line}`, 'expected key "name" { ... };');
    const fields = new Map<string, Token>();
    let j = i + 3;
    for (; j < toks.length && toks[j]!.text !== '}'; j += 3) {
      const k = toks[j]!;
      const v = toks[j + 1];
      if (!v || toks[j + 2]?.text !== ';') fail(`${file}:${k.line}`, `expected "${k.text} VALUE;" in key "${name.text}"`);
      fields.set(k.text, v);
    }
    if (j >= toks.length) fail(`${file}:${t.line}`, `key "${name.text}" is not closed with "};"`);
    const alg = fields.get('algorithm');
    const secret = fields.get('secret');
    if (!alg) fail(`${file}:${t.line}`, `key "${name.text}" has no algorithm`);
    if (!secret) fail(`${file}:${t.line}`, `key "${name.text}" has no secret`);
    keys.push(makeKey(`${file}:${secret.line}`, name.text, alg.text, secret.text));
    i = j;
  }
  if (depth !== 0) fail(`${file}:${toks.at(-1)?.line ?? 1}`, 'unbalanced braces');
  return keys;
}

/** Parses Knot's `key:` list (YAML). */
export function parseKnotKeys(text: string, file: string): TsigKey[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const at = (range?: readonly number[] | null): string => `${file}:${range ? lc.linePos(range[0]!).line : 1}`;
  if (doc.errors.length > 0) fail(at(doc.errors[0]!.pos), 'not valid YAML');
  const list = isMap(doc.contents) ? doc.contents.get('key', true) : undefined;
  if (!isSeq(list)) fail(at(doc.contents?.range), 'expected a "key:" list of {id, algorithm, secret}');
  return list.items.map((item) => {
    if (!isMap(item)) fail(at((item as { range?: number[] }).range), 'each key needs id, algorithm and secret');
    const get = (k: string): string => {
      const v = item.get(k);
      if (typeof v !== 'string' || v === '') fail(at(item.range), `key entry has no ${k}`);
      return v;
    };
    return makeKey(at(item.range), get('id'), get('algorithm'), get('secret'));
  });
}

/** Reads one named key from a BIND or Knot key file (the form is told by its content). */
export function loadKeyFile(path: string, name?: string): TsigKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DnsError('ERR_DNS_KEY_FILE', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const knot = /^\s*key\s*:/m.test(text);
  const keys = knot ? parseKnotKeys(text, path) : parseBindKeys(text, path);
  if (keys.length === 0) fail(path, `no TSIG key found (expected BIND's key "name" { ... }; or Knot's key: list)`);
  if (name === undefined) {
    if (keys.length > 1) fail(path, `holds ${keys.length} keys (${keys.map((k) => k.name).join(', ')}): name the one to use`);
    return keys[0]!;
  }
  const k = keys.find((x) => x.name.toLowerCase() === name.replace(/\.$/, '').toLowerCase());
  if (!k) fail(path, `no key named "${name}" (found: ${keys.map((x) => x.name).join(', ')})`);
  return k;
}

/** A key given as name + algorithm + a file holding only the base64 secret. */
export function loadSecretFile(name: string, algorithm: string, path: string): TsigKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DnsError('ERR_DNS_KEY_FILE', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length !== 1) fail(path, `expected exactly one line with the base64 secret, found ${lines.length}`);
  return makeKey(`${path}:${text.split('\n').findIndex((l) => l.trim() === lines[0]) + 1}`, name, algorithm, lines[0]!);
}
