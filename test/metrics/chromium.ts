// Debian's headless Chromium driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ending in a NUL byte, written to
// the browser's fd 3 and read from its fd 4), so the tests need no
// WebSocket client and no browser download. One browser per test file.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
}

type EventListener = (params: Record<string, unknown>, sessionId: string | undefined) => void;

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<{ method: string; fn: EventListener }>();
  private buffered = '';
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const out = child.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => this.onData(chunk));
    child.stderr?.on('data', (c: Buffer) => {
      if (this.stderr.length < 20_000) this.stderr += c.toString('utf8');
    });
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`chromium exited: ${this.stderr.slice(-2000)}`));
      this.pending.clear();
    });
  }

  static async launch(): Promise<Chromium> {
    const profile = mkdtempSync(join(tmpdir(), 'floatd-chromium-'));
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--disable-dev-shm-usage',
      '--hide-scrollbars',
      '--mute-audio',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      'about:blank',
    ];
    const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const b = new Chromium(child, profile);
    await b.send('Browser.getVersion');
    return b;
  }

  /** A command to the browser, or to a page with its sessionId; rejects after `timeoutMs`. */
  send(method: string, params: Record<string, unknown> = {}, sessionId?: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const msg = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from chromium in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      (this.child.stdio[3] as Writable).write(`${msg}\0`);
    });
  }

  on(method: string, fn: EventListener): () => void {
    const l = { method, fn };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** A new tab of `width` x `height` CSS pixels, attached. */
  async newPage(width = 1280, height = 900): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page = new Page(this, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    return page;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((r) => (this.child.exitCode !== null ? r() : this.child.once('exit', () => r())));
    try {
      await this.send('Browser.close', {}, undefined, 3000);
    } catch {
      // Already gone, or not answering: the kill below ends it.
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true });
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    let end: number;
    while ((end = this.buffered.indexOf('\0')) >= 0) {
      const text = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + 1);
      const m = JSON.parse(text) as { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
      if (m.id !== undefined) {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error) p?.reject(new Error(m.error.message));
        else p?.resolve(m.result ?? {});
      } else if (m.method) {
        for (const l of this.listeners) if (l.method === m.method) l.fn(m.params ?? {}, m.sessionId);
      }
    }
  }
}

export class Page {
  constructor(
    private readonly browser: Chromium,
    readonly sessionId: string,
  ) {}

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  /** Navigates and resolves once the load event fired. */
  async goto(url: string, timeoutMs = 15_000): Promise<void> {
    let off = (): void => undefined;
    const loaded = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${url}: not loaded in ${timeoutMs} ms`)), timeoutMs);
      off = this.browser.on('Page.loadEventFired', (_, sessionId) => {
        if (sessionId !== this.sessionId) return;
        clearTimeout(timer);
        resolve();
      });
    });
    try {
      const r = (await this.send('Page.navigate', { url })) as { errorText?: string };
      if (r.errorText) throw new Error(`${url}: ${r.errorText}`);
      await loaded;
    } finally {
      off();
    }
  }

  /** The value of a JavaScript expression in the page (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(`${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** Polls `expression` every 50 ms until it is truthy; bounded by `timeoutMs`. */
  async waitFor(expression: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.evaluate<boolean>(`Boolean(${expression})`)) return;
      if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms: ${expression}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A PNG of the whole page. */
  async screenshot(): Promise<Buffer> {
    const { data } = (await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true })) as { data: string };
    return Buffer.from(data, 'base64');
  }
}
