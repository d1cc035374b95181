// The router's forwarding table as it changes: `ip -ts -o monitor route`
// in the router's namespace, one line per kernel route change, e.g.
//   [2026-11-23T20:52:12.315841] 192.0.2.10 \	nexthop via 10.99.1.2 dev r1 weight 1 \	nexthop via ...
//   [2026-11-23T20:52:12.319126] Deleted 192.0.2.10 via 10.99.1.2 dev r1
// The timestamp is local time with microseconds. parseFibEvents turns the
// lines into the gateway set of one destination after each change.

import type { Lab, LabProcess } from '../netns.js';

export interface FibEvent {
  /** Epoch ms. */
  readonly t: number;
  /** Gateways of the route after the change; empty once it is deleted. */
  readonly gateways: readonly string[];
}

/** The changes of the route to `dst` (an address, or a prefix as iproute2 prints it: /32 and /128 without length). */
export function parseFibEvents(text: string, dst: string): FibEvent[] {
  const out: FibEvent[] = [];
  for (const line of text.split('\n')) {
    const m = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)\]\s+(Deleted\s+)?(?:unicast\s+)?(\S+)\s*(.*)$/.exec(line);
    if (m === null || m[3] !== dst) continue;
    const [stamp, frac = ''] = m[1]!.split('.');
    const t = new Date(stamp!).getTime() + Number(`0.${frac || '0'}`) * 1000;
    const gateways = m[2] !== undefined ? [] : [...m[4]!.matchAll(/\bvia (?:inet6? )?(\S+)/g)].map((x) => x[1]!).sort();
    out.push({ t, gateways });
  }
  return out;
}

/** How many times `gateway` joined or left the route in `events` (a flapping next hop counts twice per flap). */
export function gatewayChanges(events: readonly FibEvent[], gateway: string, initiallyPresent: boolean): number {
  let present = initiallyPresent;
  let n = 0;
  for (const e of events) {
    const now = e.gateways.includes(gateway);
    if (now !== present) n += 1;
    present = now;
  }
  return n;
}

/** `ip monitor route` running in the router's namespace until stop(). */
export class FibWatch {
  private constructor(
    private readonly process: LabProcess,
    private readonly dst: string,
  ) {}

  static start(lab: Lab, ns: string, name: string, dst: string): FibWatch {
    return new FibWatch(lab.spawn(ns, name, 'ip', ['-ts', '-o', 'monitor', 'route']), dst);
  }

  events(): FibEvent[] {
    return parseFibEvents(this.process.output(), this.dst);
  }

  async stop(): Promise<void> {
    await this.process.stop('SIGTERM', 2_000);
  }
}
