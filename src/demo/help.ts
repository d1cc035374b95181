// `floatd demo --help`, kept apart so the CLI can show it without loading the demo.

import { DEFAULT_RATE, DEMO_TIMERS, SCENARIOS } from './story.js';

export const DEMO_HELP = `Usage: floatd demo [--scenario NAME]

Shows floatd failing over, on this machine, without root: a route server
(floatd's own BGP speaker picking best paths, with ECMP and Linode-style role
communities) on 127.0.0.1, three floatd instances on 127.0.0.2-4 each checking
a small local HTTP service, and a client sending ${DEFAULT_RATE} requests/s to the
floating IP wherever the router sends them. The router and each instance run
BFD (${DEMO_TIMERS.bfd.minTxMs} ms x ${DEMO_TIMERS.bfd.multiplier}, single hop on UDP 3784; needs floatd's BFD addon).
Short timers (hold ${DEMO_TIMERS.holdTime} s, health check every ${DEMO_TIMERS.interval} s, fall ${DEMO_TIMERS.fall},
rise ${DEMO_TIMERS.rise}) keep the whole story at about two minutes.

Scenarios, in story order:
${SCENARIOS.map((s) => `  ${s.name.padEnd(18)} ${s.title}`).join('\n')}

  --scenario NAME   run only this one
Exits 0 when every scenario behaved as expected, 1 when one did not.
`;
