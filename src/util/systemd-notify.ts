// systemd's service notifications (sd_notify(3)) for a Type=notify unit:
// READY=1 once the daemon runs, RELOADING=1 then READY=1 around a reload,
// STOPPING=1 on the way out, and WATCHDOG=1 at half of WatchdogSec. The
// pings come from a timer on floatd's own event loop, so a wedged loop stops
// them and systemd kills the process; the kernel then closes its BGP
// sessions and the routers withdraw at once instead of at hold-timer expiry.

import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonPath } from './addon-path.js';

export const NOTIFY_ADDON_FILE = 'floatd_notify.node';

/** The variables systemd hands a notify service; removed from the environment so checks and hooks do not inherit them. */
const NOTIFY_VARIABLES = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID'] as const;

export interface NotifySettings {
  /** $NOTIFY_SOCKET: a path, or an abstract name starting with '@'. */
  readonly socket: string;
  /** Half the watchdog interval, ms; undefined when no watchdog is asked for (or it is meant for another process). */
  readonly pingMs: number | undefined;
}

/**
 * Reads what systemd asked for. Undefined outside a notify unit. A
 * WATCHDOG_USEC that is not a positive integer is an error, not a silent
 * "no watchdog": systemd would kill a floatd that never pings.
 */
export function notifySettings(env: Readonly<Record<string, string | undefined>>, pid: number): NotifySettings | undefined {
  const socket = env['NOTIFY_SOCKET'];
  if (socket === undefined || socket === '') return undefined;
  if (!socket.startsWith('/') && !socket.startsWith('@')) {
    throw new Error(`NOTIFY_SOCKET=${JSON.stringify(socket)} is neither a socket path nor an abstract name (expected /... or @...)`);
  }
  const usec = env['WATCHDOG_USEC'];
  const forPid = env['WATCHDOG_PID'];
  if (usec === undefined || usec === '' || (forPid !== undefined && forPid !== '' && Number(forPid) !== pid)) return { socket, pingMs: undefined };
  if (!/^\d+$/.test(usec) || Number(usec) === 0) throw new Error(`WATCHDOG_USEC=${JSON.stringify(usec)} is not a positive number of microseconds`);
  // sd_watchdog_enabled(3): ping at half the interval; never more than every 10 ms.
  return { socket, pingMs: Math.max(10, Math.floor(Number(usec) / 2000)) };
}

/** A state line plus MONOTONIC_USEC where systemd wants it (RELOADING=1 for Type=notify-reload). */
export function notifyMessage(state: 'ready' | 'reloading' | 'stopping' | 'watchdog', status?: string, monotonicUsec?: bigint): string {
  const lines: string[] = [];
  if (state === 'ready') lines.push('READY=1');
  if (state === 'reloading') lines.push('RELOADING=1', `MONOTONIC_USEC=${monotonicUsec ?? process.hrtime.bigint() / 1000n}`);
  if (state === 'stopping') lines.push('STOPPING=1');
  if (state === 'watchdog') lines.push('WATCHDOG=1');
  // STATUS is one line for `systemctl status`; a newline would start another assignment.
  if (status !== undefined) lines.push(`STATUS=${status.replace(/[\r\n]+/g, ' ')}`);
  return `${lines.join('\n')}\n`;
}

interface NotifyAddon {
  send(path: string, message: string): void;
}

function loadNotifyAddon(): NotifyAddon {
  const path = addonPath(NOTIFY_ADDON_FILE, dirname(fileURLToPath(import.meta.url)));
  try {
    return createRequire(import.meta.url)(path) as NotifyAddon;
  } catch (e) {
    throw new Error(
      `systemd asked for notifications (NOTIFY_SOCKET is set), and sending them needs the native addon ${path}, which could not be loaded ` +
        `(${(e as Error).message.split('\n')[0] ?? ''}); run \`npm rebuild\` in the floatd package, or use Type=simple`,
    );
  }
}

export interface SystemdNotifier {
  ready(status?: string): void;
  reloading(): void;
  stopping(): void;
  /** Stops the watchdog pings. */
  close(): void;
}

/**
 * The notifier for this process, or undefined outside a notify unit. Takes
 * the variables out of `env` (default process.env). Throws if systemd asked
 * for notifications and they cannot be sent: a notify unit that never hears
 * READY=1 would be killed at its start timeout.
 */
export function systemdNotifier(
  onError: (err: Error) => void,
  env: Record<string, string | undefined> = process.env,
  addon: NotifyAddon | undefined = undefined,
): SystemdNotifier | undefined {
  const settings = notifySettings(env, process.pid);
  for (const v of NOTIFY_VARIABLES) delete env[v];
  if (!settings) return undefined;
  const native = addon ?? loadNotifyAddon();
  let failed = false;
  const send = (message: string): void => {
    try {
      native.send(settings.socket, message);
      failed = false;
    } catch (e) {
      // One report per run of failures: a full socket buffer repeats every ping.
      if (!failed) onError(e as Error);
      failed = true;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    ready(status) {
      send(notifyMessage('ready', status));
      if (settings.pingMs !== undefined && timer === undefined) {
        timer = setInterval(() => send(notifyMessage('watchdog')), settings.pingMs);
        timer.unref();
      }
    },
    reloading: () => send(notifyMessage('reloading')),
    stopping: () => send(notifyMessage('stopping')),
    close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
