// The small HTTP service the demo runs for each instance, on 127.0.0.1: it
// answers the client and floatd's health check alike, and can be told to
// fail (503) or to freeze (accept, never answer) as a hung process would.

import http from 'node:http';
import type net from 'node:net';

export type ServiceMode = 'ok' | 'failing' | 'frozen';

export class DemoService {
  private mode: ServiceMode = 'ok';
  private readonly held = new Set<http.ServerResponse>();

  private constructor(
    readonly name: string,
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(name: string): Promise<DemoService> {
    let svc: DemoService | undefined;
    const server = http.createServer((req, res) => svc?.answer(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    svc = new DemoService(name, server, (server.address() as net.AddressInfo).port);
    return svc;
  }

  get state(): ServiceMode {
    return this.mode;
  }

  set(mode: ServiceMode): void {
    this.mode = mode;
    // A process that thaws answers what it had accepted.
    if (mode === 'frozen') return;
    const held = [...this.held];
    this.held.clear();
    for (const res of held) this.reply(res);
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    if (this.mode === 'frozen') {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    this.reply(res);
  }

  private reply(res: http.ServerResponse): void {
    if (res.destroyed) return;
    const ok = this.mode !== 'failing';
    res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(ok ? `served by ${this.name}\n` : `${this.name} is failing\n`);
  }
}
