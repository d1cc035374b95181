// AddressPort over iproute2. Each call reads the interface once, adds only
// what is missing and remembers which addresses it added itself: remove()
// deletes those and never one it found present (an operator's, or another
// program's). Calls run one at a time, so a remove queued after an add sees
// the add's result. IPv6 addresses get `nodad`: usable at once, which is what
// "add, then announce" needs. IPv4 addresses get the label when one is given;
// IPv6 has no labels, so there it is not used.
//
// With a ledger (./ledger.ts), what it added survives a crash: the record is
// written before each add, and addresses an earlier run recorded are its own
// again when found present.

import type { AddressPort, LeftoverRelease, LeftoverScope } from '../../net/address-port.js';
import { AddressError } from './errors.js';
import { runIp, type IpCommandOptions } from './ip-command.js';
import type { AddressLedger, LedgerEntry } from './ledger.js';
import type { Logger } from '../../util/log.js';
import { ALL_INTERFACES, interfaceNameProblem, labelProblem, parseLocalAddress, type LocalAddress } from '../../net/address-names.js';
import { parseInterfaces, type InterfaceScan, type KernelAddress } from './parse-addr-show.js';

/** Error text of `ip addr add` for an address already there (new and old iproute2 wording). */
const ALREADY_THERE = /already assigned|File exists/i;
/** Error text of `ip addr del` for an address already gone. */
const ALREADY_GONE = /Address not found|Cannot assign requested address/i;

const key = (iface: string, address: string): string => `${iface} ${address}`;
const entryOf = (k: string): LedgerEntry => {
  const [iface = '', address = ''] = k.split(' ');
  return { interface: iface, address };
};

export interface IprouteAddressPortOptions extends IpCommandOptions {
  /** Where the addresses this port added are recorded, so a later run can take them back after a crash. */
  readonly ledger?: AddressLedger;
  readonly log?: Logger;
}

export class IprouteAddressPort implements AddressPort {
  /** iface + address -> true when this port added it, false when it found it present. */
  private readonly owned = new Map<string, boolean>();
  /** Recorded by an earlier run and not yet seen by this one; undefined until the ledger is read. */
  private earlier: Set<string> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: IprouteAddressPortOptions = {}) {}

  /** The addresses of `iface` as the kernel holds them now, tentative ones and those on a down link included. */
  async scan(iface: string): Promise<KernelAddress[]> {
    return [...(await this.read(iface)).addresses];
  }

  /** The link `iface` (every link for ALL_INTERFACES) with its state, and its addresses. */
  async read(iface: string): Promise<InterfaceScan> {
    if (iface === ALL_INTERFACES) return parseInterfaces(await runIp(['-j', 'addr', 'show'], this.opts));
    const problem = interfaceNameProblem(iface);
    if (problem !== undefined) throw new AddressError(problem, 'invalid');
    return parseInterfaces(await runIp(['-j', 'addr', 'show', 'dev', iface], this.opts), iface);
  }

  async add(iface: string, prefixes: readonly string[], label?: string): Promise<void> {
    const wanted = this.validate(iface, prefixes, label);
    return this.serial(async () => {
      const present = new Set((await this.scan(iface)).map((a) => a.address));
      const failures: string[] = [];
      for (const a of wanted) {
        const k = key(iface, a.address);
        const earlier = this.takeEarlier(k);
        if (present.has(a.address)) {
          if (earlier) {
            this.owned.set(k, true);
            this.opts.log?.warn({ interface: iface, address: a.address }, `${a.address} on ${iface} was added by a floatd that did not stop cleanly; taking it back as floatd's own`);
            this.record();
          } else if (this.owned.get(k) !== true) this.owned.set(k, false);
          continue;
        }
        // Recorded before it exists: after a crash at any point, the next run knows it may be ours.
        this.record(k);
        const args =
          a.family === 'ipv4'
            ? ['addr', 'add', a.text, 'dev', iface, ...(label !== undefined ? ['label', label] : [])]
            : ['-6', 'addr', 'add', a.text, 'dev', iface, 'nodad'];
        try {
          await runIp(args, this.opts);
          this.owned.set(k, true);
        } catch (err) {
          // Someone added it between the scan and the add: present, and not ours.
          if (err instanceof AddressError && ALREADY_THERE.test(err.stderr)) {
            if (this.owned.get(k) !== true) this.owned.set(k, false);
          } else {
            failures.push((err as Error).message);
          }
          this.record();
        }
      }
      if (failures.length > 0) throw new AddressError(`cannot add ${failures.length === 1 ? 'an address' : `${failures.length} addresses`} to ${iface}: ${failures.join('; ')}`, 'failed');
    });
  }

  async remove(iface: string, prefixes: readonly string[]): Promise<void> {
    const given = this.validate(iface, prefixes, undefined);
    return this.serial(async () => {
      const failures: string[] = [];
      for (const a of given) {
        const k = key(iface, a.address);
        if (this.owned.get(k) !== true) continue;
        try {
          await runIp([...(a.family === 'ipv6' ? ['-6'] : []), 'addr', 'del', a.text, 'dev', iface], this.opts);
          this.owned.delete(k);
        } catch (err) {
          if (err instanceof AddressError && (ALREADY_GONE.test(err.stderr) || err.reason === 'no-such-interface')) this.owned.delete(k);
          else failures.push((err as Error).message);
        }
      }
      this.record();
      if (failures.length > 0) throw new AddressError(`cannot remove ${failures.length === 1 ? 'an address' : `${failures.length} addresses`} from ${iface}: ${failures.join('; ')}`, 'failed');
    });
  }

  /**
   * Removes what an earlier run recorded as its own, is still present and is
   * not in `needed` (keys `iface address`): floating addresses of services
   * gone from the config while floatd was down. Resolves with what it removed.
   */
  async releaseLeftovers(needed: ReadonlySet<string>, scope: LeftoverScope): Promise<LeftoverRelease> {
    return this.serial(async () => {
      const leftovers = [...this.loadEarlier()].filter((k) => !needed.has(k));
      const removed: LedgerEntry[] = [];
      const refused: { interface: string; address: string; why: string }[] = [];
      const failures: string[] = [];
      const byIface = new Map<string, Map<string, KernelAddress>>();
      for (const k of leftovers) {
        const e = entryOf(k);
        const why = !scope.interfaces.has(e.interface)
          ? `${e.interface} is not an interface this config puts addresses on`
          : !scope.covers(e.address)
            ? 'it is inside no configured or allowed prefix'
            : undefined;
        if (why !== undefined) {
          refused.push({ ...e, why });
          this.earlier?.delete(k);
          continue;
        }
        let present = byIface.get(e.interface);
        if (!present) {
          try {
            present = new Map((await this.scan(e.interface)).map((a) => [a.address, a]));
          } catch (err) {
            // The interface is gone, and its addresses with it.
            if (err instanceof AddressError && err.reason === 'no-such-interface') present = new Map();
            else throw err;
          }
          byIface.set(e.interface, present);
        }
        const found = present.get(e.address);
        if (found) {
          try {
            await runIp([...(found.family === 'ipv6' ? ['-6'] : []), 'addr', 'del', found.prefix, 'dev', e.interface], this.opts);
            removed.push(e);
          } catch (err) {
            if (!(err instanceof AddressError && ALREADY_GONE.test(err.stderr))) {
              failures.push((err as Error).message);
              continue;
            }
          }
        }
        this.earlier?.delete(k);
      }
      this.record();
      if (failures.length > 0) throw new AddressError(`cannot remove addresses left by an earlier run: ${failures.join('; ')}`, 'failed');
      return { removed, refused };
    });
  }

  /** What this port added and has not removed, as `iface address`, for status and shutdown. */
  added(): { readonly interface: string; readonly address: string }[] {
    const out: { interface: string; address: string }[] = [];
    for (const [k, ours] of this.owned) {
      if (!ours) continue;
      const [iface = '', address = ''] = k.split(' ');
      out.push({ interface: iface, address });
    }
    return out;
  }

  /** Was this address found on the interface rather than added by this port? Undefined when never seen. */
  foundPresent(iface: string, prefix: string): boolean | undefined {
    const a = parseLocalAddress(prefix);
    if (typeof a === 'string') return undefined;
    const ours = this.owned.get(key(iface, a.address));
    return ours === undefined ? undefined : !ours;
  }

  private validate(iface: string, prefixes: readonly string[], label: string | undefined): LocalAddress[] {
    const problems: string[] = [];
    const ifaceProblem = interfaceNameProblem(iface);
    if (ifaceProblem !== undefined) problems.push(ifaceProblem);
    else if (label !== undefined) {
      const p = labelProblem(iface, label);
      if (p !== undefined) problems.push(p);
    }
    const out: LocalAddress[] = [];
    for (const text of prefixes) {
      const a = parseLocalAddress(text);
      if (typeof a === 'string') problems.push(a);
      else out.push(a);
    }
    if (problems.length > 0) throw new AddressError(problems.join('; '), 'invalid');
    return out;
  }

  private loadEarlier(): Set<string> {
    if (this.earlier) return this.earlier;
    this.earlier = new Set();
    const ledger = this.opts.ledger;
    if (!ledger) return this.earlier;
    try {
      for (const e of ledger.load()) this.earlier.add(key(e.interface, e.address));
    } catch (err) {
      // Addresses found present are then someone else's: the safe side, never removing what may not be ours.
      this.opts.log?.error({ err: (err as Error).message }, `${(err as Error).message}; addresses an earlier run added will be left in place`);
    }
    return this.earlier;
  }

  /** Whether an earlier run recorded `k`; it is this run's business from now on either way. */
  private takeEarlier(k: string): boolean {
    return this.loadEarlier().delete(k);
  }

  /** Writes what is ours (plus `adding`, and what an earlier run left undecided) to the ledger. */
  private record(adding?: string): void {
    const ledger = this.opts.ledger;
    if (!ledger) return;
    const keys = new Set(this.loadEarlier());
    for (const [k, ours] of this.owned) if (ours) keys.add(k);
    if (adding !== undefined) keys.add(adding);
    try {
      ledger.save([...keys].map(entryOf));
    } catch (err) {
      this.opts.log?.error({ err: (err as Error).message }, `${(err as Error).message}; after a crash these addresses would stay behind`);
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
