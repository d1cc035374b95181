// One request to a running floatd's control socket (one JSON object per line
// each way), with whatever command and args the demo needs to try.

import net from 'node:net';

export type ControlAnswer = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: string };

export function controlRequest(path: string, command: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<ControlAnswer> {
  return new Promise((resolve) => {
    const c = net.connect(path);
    let buf = '';
    let done = false;
    const finish = (a: ControlAnswer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      c.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    c.setEncoding('utf8');
    c.on('connect', () => c.write(`${JSON.stringify(args === undefined ? { command } : { command, args })}\n`));
    c.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      try {
        const v = JSON.parse(buf.slice(0, nl)) as { ok?: unknown; result?: unknown; error?: unknown };
        finish(v.ok === true ? { ok: true, result: v.result } : { ok: false, error: typeof v.error === 'string' ? v.error : 'refused' });
      } catch {
        finish({ ok: false, error: 'the answer is not JSON' });
      }
    });
    c.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, error: `cannot reach floatd: ${e.code ?? e.message}` }));
    c.on('close', () => finish({ ok: false, error: 'connection closed without an answer' }));
  });
}
