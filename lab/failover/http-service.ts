// The lab's service: a tiny HTTP server bound to the floating address that
// answers every request with its instance's name. Run as a process:
//   node http-service.js --name a --address 192.0.2.10 [--port 80]
// SIGUSR1 makes it sick (every answer a 500, so its health check fails),
// SIGUSR2 makes it well again. It prints one JSON line once it listens.

import { createServer } from 'node:http';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}

const name = arg('name');
const address = arg('address');
const port = Number(arg('port', '80'));
let sick = false;

const server = createServer((req, res) => {
  req.resume();
  const status = sick ? 500 : 200;
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close', 'x-instance': name });
  res.end(`${name}\n`);
});
server.keepAliveTimeout = 0;

const say = (event: string) => process.stdout.write(`${JSON.stringify({ t: Date.now(), event, name })}\n`);
process.on('SIGUSR1', () => {
  sick = true;
  say('sick');
});
process.on('SIGUSR2', () => {
  sick = false;
  say('well');
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
server.listen({ host: address, port, backlog: 1024 }, () => say('listening'));
