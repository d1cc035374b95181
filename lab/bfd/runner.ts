// A floatd BFD session in a process of its own, so tests and benchmarks can
// run it inside a lab namespace (`ip netns exec NS node runner.js JSON`).
// Reads one command per line on stdin, writes one JSON event per line on stdout:
//   timers TX RX MULT | stop | vanish | stats | load MIN_MS MAX_MS SECONDS | exit

import { createInterface } from 'node:readline';
import { BfdManager } from '../../src/bfd/manager.js';
import { bfdNative } from '../../src/bfd/native.js';
import type { BfdPeerOptions } from '../../src/bfd/manager.js';

export interface RunnerArgs {
  readonly peer: string;
  readonly local?: string;
  readonly multihop?: boolean;
  readonly timers?: { minTxMs: number; minRxMs: number; multiplier: number };
  readonly auth?: { type: 'simple' | 'keyed-sha1' | 'meticulous-keyed-sha1'; keyId: number; key: string };
}

const out = (o: Record<string, unknown>) => process.stdout.write(JSON.stringify({ t: bfdNative().now(), ...o }) + '\n');

function main(): void {
  const args = JSON.parse(process.argv[2] ?? '{}') as RunnerArgs;
  const native = bfdNative();
  const m = new BfdManager({ native });
  const opts: BfdPeerOptions = { local: args.local, multihop: args.multihop, timers: args.timers, auth: args.auth && { ...args.auth, key: Buffer.from(args.auth.key) } };
  const s = m.add(args.peer, opts);
  s.on('state', (a) => out({ ev: 'state', from: a.from, to: a.to, diag: a.diag, reason: a.reason }));
  s.on('up', () => out({ ev: 'up' }));
  s.on('down', (d) => out({ ev: 'down', diag: d.diag, reason: d.reason, at: d.at, delayMs: d.delayMs }));
  const gc = (globalThis as { gc?: () => void }).gc;
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, ...a] = line.trim().split(/\s+/);
    const num = (i: number) => Number(a[i]);
    if (cmd === 'timers') s.setTimers({ minTxMs: num(0), minRxMs: num(1), multiplier: num(2) });
    else if (cmd === 'stop') void m.stopAll().then(() => out({ ev: 'stopped' }));
    else if (cmd === 'vanish') {
      native.close(s.nativeId!);
      out({ ev: 'vanished' });
    } else if (cmd === 'stats') out({ ev: 'stats', ...native.stats(s.nativeId!), state: s.state });
    else if (cmd === 'load') void load(num(0), num(1), num(2) * 1000, gc).then((r) => out({ ev: 'loaded', ...r }));
    else if (cmd === 'exit') process.exit(0);
  });
  rl.on('close', () => process.exit(0));
  out({ ev: 'started', discr: s.options.localDiscr });
}

/**
 * Keeps the event loop busy: synchronous slices of MIN-MAX ms with garbage
 * made on the way (and a forced full GC after every fifth slice when
 * --expose-gc is set), with short breathers between slices.
 */
async function load(minMs: number, maxMs: number, forMs: number, gc: (() => void) | undefined): Promise<{ slices: number; longestMs: number; gcs: number }> {
  const end = performance.now() + forMs;
  let slices = 0;
  let longest = 0;
  let gcs = 0;
  let keep: unknown[] = [];
  while (performance.now() < end) {
    const t0 = performance.now();
    const slice = minMs + Math.random() * (maxMs - minMs);
    while (performance.now() - t0 < slice) {
      keep.push({ prefix: `10.${slices}.${keep.length}.0/24`, path: [65000, 65001, keep.length] });
      if (keep.length > 200_000) keep = [];
    }
    slices++;
    if (gc !== undefined && slices % 5 === 0) {
      gc();
      gcs++;
    }
    longest = Math.max(longest, performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  return { slices, longestMs: longest, gcs };
}

main();
