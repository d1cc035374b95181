// The config file of one demo instance, pure: floatd's own YAML keys, so the
// child process reads it like any operator's file.

import { DEMO_TIMERS, FLOATING_PREFIX, INSTANCE_AS, ROUTER, type InstanceInfo, type Phase } from './story.js';

export interface InstanceConfigInput {
  readonly instance: InstanceInfo;
  readonly phase: Phase;
  readonly routerPort: number;
  /** Where the demo runs this instance's HTTP service, on 127.0.0.1. */
  readonly servicePort: number;
  readonly controlSocket: string;
  /** BFD toward the router (DEMO_TIMERS.bfd). */
  readonly bfd: boolean;
}

export const SERVICE_NAME = 'web';

export function instanceConfig(i: InstanceConfigInput): Record<string, unknown> {
  const t = DEMO_TIMERS;
  return {
    'router-id': i.instance.address,
    'local-as': INSTANCE_AS,
    hostname: i.instance.name,
    'control-socket': i.controlSocket,
    neighbors: [
      {
        address: ROUTER.address,
        'peer-as': ROUTER.as,
        description: 'demo route server',
        port: i.routerPort,
        // The source address is what tells the router which instance this is.
        'local-address': i.instance.address,
        'hold-time': t.holdTime,
        'connect-retry': t.connectRetry,
        'graceful-restart': false,
        // Single hop (an eBGP neighbor one hop away): UDP 3784 from the local address, TTL 255 (RFC 5881).
        ...(i.bfd ? { bfd: { 'min-rx': t.bfd.minRxMs, 'min-tx': t.bfd.minTxMs, multiplier: t.bfd.multiplier } } : {}),
      },
    ],
    services: [
      {
        name: SERVICE_NAME,
        prefixes: [FLOATING_PREFIX],
        check: { http: { url: `http://127.0.0.1:${i.servicePort}/health` } },
        rise: t.rise,
        fall: t.fall,
        interval: t.interval,
        'fast-interval': t.fastInterval,
        timeout: t.timeout,
        ...(i.phase === 'roles' ? { role: i.instance.role, 'role-style': 'community' } : {}),
      },
    ],
  };
}
