// Test doubles for address management: a port whose operations the test
// completes by hand, a watch the test feeds, and a sink that records lists.

import { Writable } from 'node:stream';
import pino from 'pino';
import { toAnnouncement, type Announcement } from '../../../src/bgp/rib/announcement.js';
import type { AddressPort, AddressWatch, InterfaceAddress, LinkDownReason } from '../../../src/net/address-port.js';
import type { AnnouncementSink } from '../../../src/daemon/service-routes.js';

export interface PortCall {
  readonly op: 'add' | 'remove';
  readonly iface: string;
  readonly prefixes: readonly string[];
  readonly label?: string;
  settled: boolean;
  resolve(): void;
  reject(message: string): void;
}

/** Every add/remove stays pending until the test resolves or rejects it (or `auto` answers at once). */
export class FakePort implements AddressPort {
  readonly calls: PortCall[] = [];
  /** Answers each call at once when set: undefined = success, a string = failure. */
  auto: ((c: PortCall) => string | undefined) | undefined;
  /** A shared timeline the test can also write to. */
  constructor(readonly log: string[] = []) {}

  add(iface: string, prefixes: readonly string[], label?: string): Promise<void> {
    return this.call('add', iface, prefixes, label);
  }

  remove(iface: string, prefixes: readonly string[]): Promise<void> {
    return this.call('remove', iface, prefixes);
  }

  pending(): PortCall[] {
    return this.calls.filter((c) => !c.settled);
  }

  private call(op: 'add' | 'remove', iface: string, prefixes: readonly string[], label?: string): Promise<void> {
    this.log.push(`${op} ${prefixes.join(',')}`);
    return new Promise((resolve, reject) => {
      const c: PortCall = {
        op,
        iface,
        prefixes,
        ...(label !== undefined ? { label } : {}),
        settled: false,
        resolve: () => {
          c.settled = true;
          this.log.push(`${op} done ${prefixes.join(',')}`);
          resolve();
        },
        reject: (m) => {
          c.settled = true;
          this.log.push(`${op} failed ${prefixes.join(',')}`);
          reject(new Error(m));
        },
      };
      this.calls.push(c);
      if (this.auto) {
        const r = this.auto(c);
        if (r === undefined) c.resolve();
        else c.reject(r);
      }
    });
  }
}

export class RecordingSink implements AnnouncementSink {
  readonly lists: (readonly Announcement[])[] = [];
  constructor(readonly log: string[] = []) {}

  setAnnouncements(entries: readonly Announcement[]): void {
    this.lists.push(entries);
    this.log.push(`sink [${entries.map((e) => e.prefix).join(',')}]`);
  }

  last(): string[] {
    return (this.lists.at(-1) ?? []).map((e) => e.prefix);
  }
}

/** A watch's listeners, start and stop; subclasses say what the interface holds. */
export abstract class ListeningWatch implements AddressWatch {
  private readonly listeners = new Set<(a: readonly InterfaceAddress[]) => void>();
  started = false;
  stopped = false;

  abstract current(): readonly InterfaceAddress[];

  onChange(listener: (a: readonly InterfaceAddress[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async start(): Promise<void> {
    this.started = true;
  }

  stop(): void {
    this.stopped = true;
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  /** Tells every listener what current() holds now. */
  protected tell(): void {
    const list = this.current();
    for (const l of [...this.listeners]) l(list);
  }
}

export class FakeWatch extends ListeningWatch {
  private list: readonly InterfaceAddress[] = [];
  private link: LinkDownReason | undefined;

  constructor(readonly iface = 'lo') {
    super();
  }

  current(): readonly InterfaceAddress[] {
    return this.link === undefined ? this.list : [];
  }

  linkDown(iface: string): LinkDownReason | undefined {
    return iface === this.iface ? this.link : undefined;
  }

  /** Takes the link down (its addresses leave current(), as the real watch does) or up again, and tells listeners. */
  setLink(reason: LinkDownReason | undefined): void {
    this.link = reason;
    this.tell();
  }

  /** Sets the list (prefix, or prefix + label) and tells listeners. */
  set(items: readonly (string | readonly [string, string])[]): void {
    this.list = items.map((i) =>
      typeof i === 'string' ? { prefix: i, interface: this.iface } : { prefix: i[0], interface: this.iface, label: i[1] },
    );
    this.tell();
  }
}

export const entry = (prefix: string, med?: number): Announcement =>
  toAnnouncement({
  prefix,
  nextHop: undefined,
  med,
  prepend: 0,
  communities: [],
  largeCommunities: [],
  localPref: undefined,
  neighbors: ['192.0.2.254'],
  });

/** Lets pending promise callbacks run. */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A debug-level logger whose lines the test reads back. */
export function logCapture() {
  const lines: { level: string; msg: string; [k: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l));
      cb();
    },
  });
  const log = pino({ level: 'debug', formatters: { level: (label) => ({ level: label }) } }, stream);
  return { log, lines };
}
