// Time from "the desired set loses our record" (RecordKeeper.setDesired) to
// the record gone at the primary (queried), against BIND 9 on loopback.
// Median of 20. Needs root and bind9. Run: npm run bench:dns
import { DnsClient } from '../src/dns/client.js';
import { RecordKeeper } from '../src/dns/record-keeper.js';
import { KEY, startServer, ZONE } from '../lab/dns/servers.js';
import { realClock } from '../src/util/clock.js';

const RUNS = 20;
const key = { name: KEY.name, algorithm: KEY.algorithm, secret: Buffer.from(KEY.secret, 'base64') };
const rec = { name: `www.${ZONE}`, address: '192.0.2.7', ttl: 60 };

const srv = await startServer('bind');
try {
  const client = new DnsClient({ host: srv.host, port: srv.port, key, timeoutMs: 1000 });
  const keeper = new RecordKeeper({ client, zone: ZONE, clock: realClock, desired: [] });
  keeper.start();
  const present = async (): Promise<boolean> => (await client.queryAddresses(rec.name, 1)).includes(rec.address);
  const waitFor = async (want: boolean): Promise<void> => {
    for (let i = 0; i < 5000; i++) if ((await present()) === want) return;
    throw new Error(`record never became ${want ? 'present' : 'absent'}`);
  };
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    keeper.setDesired([rec]);
    await waitFor(true);
    const t0 = performance.now();
    keeper.setDesired([]);
    await waitFor(false);
    ms.push(performance.now() - t0);
  }
  keeper.stop();
  ms.sort((a, b) => a - b);
  const q = (p: number): string => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(1);
  console.log(`BIND 9 on loopback, ${RUNS} runs: desired set loses the record -> gone at the primary (polled by query)`);
  console.log(`median ${q(0.5)} ms, min ${ms[0]!.toFixed(1)} ms, p90 ${q(0.9)} ms, max ${ms.at(-1)!.toFixed(1)} ms`);
} finally {
  await srv.stop();
}
