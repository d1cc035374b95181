// Decodes a synthetic full IPv4 table (default 1,000,000 prefixes) from one
// buffer and prints prefixes per second and heap used, in two modes:
//   count-only  framing + prefix counting, no per-prefix objects (import: none)
//   full        framing + complete decode of every UPDATE
// Usage: node --expose-gc dist/bench/codec.js [--prefixes N] [--runs N]

import { performance } from 'node:perf_hooks';
import { Framer } from '../src/bgp/codec/framer.js';
import { AS4_CONTEXT } from '../src/bgp/codec/types.js';
import { countUpdate, decodeUpdate } from '../src/bgp/codec/update.js';
import type { DecodedUpdate } from '../src/bgp/codec/types.js';
import { makeFullTable } from './full-table.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const prefixes = arg('--prefixes', 1_000_000);
const runs = arg('--runs', 3);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;

const table = makeFullTable(prefixes);
console.log(`table: ${table.prefixes} IPv4 prefixes in ${table.updates} UPDATEs, ${mb(table.bytes.length)} on the wire`);

function countOnly(): number {
  const f = new Framer();
  let n = 0;
  f.push(table.bytes, (m) => {
    n += countUpdate(m, 19, m.length, AS4_CONTEXT).announced;
  });
  return n;
}

function fullDecode(keep?: DecodedUpdate[]): number {
  const f = new Framer();
  let n = 0;
  f.push(table.bytes, (m) => {
    const u = decodeUpdate(m, 19, m.length, AS4_CONTEXT);
    n += u.nlri.length;
    keep?.push(u);
  });
  return n;
}

function measure(name: string, fn: () => number): void {
  const rates: number[] = [];
  let peak = 0;
  for (let r = 0; r < runs; r++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const n = fn();
    const ms = performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    if (n !== table.prefixes) throw new Error(`${name}: decoded ${n} prefixes, expected ${table.prefixes}`);
    rates.push(n / (ms / 1000));
  }
  const best = Math.max(...rates);
  const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
  console.log(
    `${name.padEnd(11)} best ${(best / 1e6).toFixed(2)} M prefixes/s, median ${(median / 1e6).toFixed(2)} M/s over ${runs} runs; heap grew by up to ${mb(peak)} while decoding`,
  );
}

measure('count-only', countOnly);
measure('full', () => fullDecode());

gc();
const base = process.memoryUsage().heapUsed;
const kept: DecodedUpdate[] = [];
fullDecode(kept);
gc();
const held = process.memoryUsage().heapUsed - base;
console.log(`full decode kept in memory: ${mb(held)} heap for ${table.prefixes} prefixes (${Math.round(held / table.prefixes)} B per prefix, attributes not shared)`);
console.log(`process: rss ${mb(process.memoryUsage().rss)}, heap used ${mb(process.memoryUsage().heapUsed)}; kept ${kept.length} UPDATEs`);
