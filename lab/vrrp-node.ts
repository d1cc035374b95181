// One floatd VRRP instance as a process of its own, for the lab's tests and
// benchmarks, which start it inside a network namespace:
//   node vrrp-node.js CONFIG-JSON
// Signals drive it: SIGUSR1 = the tracked service stopped serving, SIGUSR2 =
// serving again, SIGHUP = block the event loop for 2 s (as a GC or a burst of
// work would), SIGTERM = release (priority 0 advert) and exit. Each
// transition is written to stdout as a JSON line, with a monotonic time.

import { performance } from 'node:perf_hooks';
import { IprouteAddressPort } from '../src/daemon/addresses/iproute-port.js';
import { VrrpInstance, type VrrpInstanceConfig } from '../src/vrrp/vrrp-instance.js';
import { IprouteVmacPort } from '../src/daemon/vmac-iproute.js';

const config = JSON.parse(process.argv[2] ?? '{}') as VrrpInstanceConfig;
const say = (o: object): void => {
  process.stdout.write(`${JSON.stringify({ t: performance.timeOrigin + performance.now(), ...o })}\n`);
};

const vrrp = new VrrpInstance(config, {
  addresses: new IprouteAddressPort(),
  ...(config.virtualMac === true ? { vmac: new IprouteVmacPort() } : {}),
  onTransition: (t) => say({ event: 'transition', from: t.from, to: t.to, reason: t.reason }),
});

process.on('SIGUSR1', () => {
  say({ event: 'track', serving: false });
  vrrp.setTracked(false);
});
process.on('SIGUSR2', () => {
  say({ event: 'track', serving: true });
  vrrp.setTracked(true);
});
process.on('SIGHUP', () => {
  say({ event: 'busy', ms: 2000 });
  const end = performance.now() + 2000;
  while (performance.now() < end) {
    // Busy on purpose: nothing else on this thread runs meanwhile.
  }
  say({ event: 'idle' });
});
process.on('SIGTERM', () => {
  void vrrp.release('released').then(() => {
    say({ event: 'released', status: vrrp.status() });
    process.exit(0);
  });
});

vrrp.start().then(
  () => say({ event: 'started', status: vrrp.status() }),
  (err: Error) => {
    say({ event: 'error', message: err.message });
    process.exit(1);
  },
);
