// AddressPort over iproute2. Each call reads the interface once, adds only
// what is missing and remembers which addresses it added itself: remove()
// deletes those and never one it found present (an operator's, or another
// program's). Calls run one at a time, so a remove queued after an add sees
// the add's result. IPv6 addresses get `nodad`: usable at once, which is what
// "add, then announce" needs. IPv4 addresses get the label when one is given;
// IPv6 has no labels, so there it is not used.

import type { AddressPort } from '../address-port.js';
import { AddressError } from './errors.js';
import { runIp, type IpCommandOptions } from './ip-command.js';
import { ALL_INTERFACES, interfaceNameProblem, labelProblem, parseLocalAddress, type LocalAddress } from './names.js';
import { parseAddrShow, type KernelAddress } from './parse-addr-show.js';

/** Error text of `ip addr add` for an address already there (new and old iproute2 wording). */
const ALREADY_THERE = /already assigned|File exists/i;
/** Error text of `ip addr del` for an address already gone. */
const ALREADY_GONE = /Address not found|Cannot assign requested address/i;

const key = (iface: string, address: string): string => `${iface} ${address}`;

export class IprouteAddressPort implements AddressPort {
  /** iface + address -> true when this port added it, false when it found it present. */
  private readonly owned = new Map<string, boolean>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: IpCommandOptions = {}) {}

  /** The addresses of `iface` as the kernel holds them now, tentative ones included. */
  async scan(iface: string): Promise<KernelAddress[]> {
    if (iface === ALL_INTERFACES) return parseAddrShow(await runIp(['-j', 'addr', 'show'], this.opts));
    const problem = interfaceNameProblem(iface);
    if (problem !== undefined) throw new AddressError(problem, 'invalid');
    return parseAddrShow(await runIp(['-j', 'addr', 'show', 'dev', iface], this.opts), iface);
  }

  async add(iface: string, prefixes: readonly string[], label?: string): Promise<void> {
    const wanted = this.validate(iface, prefixes, label);
    return this.serial(async () => {
      const present = new Set((await this.scan(iface)).map((a) => a.address));
      const failures: string[] = [];
      for (const a of wanted) {
        const k = key(iface, a.address);
        if (present.has(a.address)) {
          if (this.owned.get(k) !== true) this.owned.set(k, false);
          continue;
        }
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
      if (failures.length > 0) throw new AddressError(`cannot remove ${failures.length === 1 ? 'an address' : `${failures.length} addresses`} from ${iface}: ${failures.join('; ')}`, 'failed');
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

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
