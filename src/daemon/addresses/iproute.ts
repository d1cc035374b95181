// The address system over iproute2: the port that adds and removes addresses,
// and watches fed by `ip monitor` and read with `ip -j addr show`.

import type { AddressSystem } from '../../net/address-port.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { AddressError } from './errors.js';
import { ipMonitor } from './ip-monitor.js';
import { InterfaceWatch, type InterfaceWatchOptions } from './interface-watch.js';
import { IprouteAddressPort, type IprouteAddressPortOptions } from './iproute-port.js';
import { interfaceNameProblem } from '../../net/address-names.js';

export interface IprouteAddressOptions extends IprouteAddressPortOptions {
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Timings of every watch made here (debounce, rescan, monitor restart). */
  readonly watch?: Omit<InterfaceWatchOptions, 'iface' | 'scan' | 'startMonitor' | 'clock' | 'log'>;
}

export class IprouteAddressSystem implements AddressSystem {
  readonly port: IprouteAddressPort;

  constructor(private readonly opts: IprouteAddressOptions = {}) {
    this.port = new IprouteAddressPort(opts);
  }

  /** A new watch of `iface`; start() it, stop() it when done. `timings` override the system's. Throws an AddressError for a malformed name. */
  watch(iface: string, timings: IprouteAddressOptions['watch'] = {}): InterfaceWatch {
    const problem = interfaceNameProblem(iface);
    if (problem !== undefined) throw new AddressError(problem, 'invalid');
    return new InterfaceWatch({
      ...this.opts.watch,
      ...timings,
      iface,
      scan: () => this.port.read(iface),
      startMonitor: ipMonitor(this.opts),
      ...(this.opts.clock ? { clock: this.opts.clock } : {}),
      ...(this.opts.log ? { log: this.opts.log } : {}),
    });
  }
}
