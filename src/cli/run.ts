// `floatd run`: the daemon. Loads and checks the config before touching
// anything, starts it (src/daemon/daemon.ts), and handles signals: SIGTERM
// or SIGINT drains what is configured to drain, withdraws every route and
// closes every session cleanly; SIGHUP reloads the config. Under a systemd
// Type=notify unit it reports ready, reloading and stopping, and pings the
// watchdog from the event loop (src/util/systemd-notify.ts).

import { loadConfig, type Config } from '../config/index.js';
import { Daemon } from '../daemon/daemon.js';
import { realClock } from '../util/clock.js';
import { systemdNotifier } from '../util/systemd-notify.js';
import { createLogger, type Logger } from '../util/log.js';

/** Beyond any configured drain: time for withdraws and Cease to reach every peer. */
const STOP_TIMEOUT_MS = 5000;

export async function run(configPath: string, version: string, log: Logger = createLogger()): Promise<number> {
  return runConfig(loadConfig(configPath), { configPath, version, log });
}

/** Runs a loaded config; without `configPath` (a config built from the command line) there is nothing to reload. */
export async function runConfig(cfg: Config, o: { configPath?: string; version: string; log: Logger }): Promise<number> {
  const { log } = o;
  // Before the daemon starts, so checks and hooks never inherit systemd's notification socket.
  const notifier = systemdNotifier((err) => log.error({ err: err.message }, `cannot notify systemd: ${err.message}`));
  // Signals are ours from the first moment: a SIGTERM while the daemon starts
  // (its control socket may already answer) stops it cleanly once it has
  // started, instead of killing it halfway with routes announced.
  let pending: string | undefined;
  let onStop = (signal: string): void => {
    pending ??= signal;
  };
  let onReload = (): void => log.warn('SIGHUP while starting: the config just loaded stays');
  process.on('SIGTERM', () => onStop('SIGTERM'));
  process.on('SIGINT', () => onStop('SIGINT'));
  process.on('SIGHUP', () => onReload());

  let daemon: Daemon;
  try {
    daemon = await Daemon.start(cfg, { ...(o.configPath !== undefined ? { configPath: o.configPath } : {}), clock: realClock, log, version: o.version });
  } catch (e) {
    notifier?.close();
    throw e;
  }
  log.info(
    {
      routerId: cfg.routerId,
      localAs: cfg.localAs,
      neighbors: cfg.neighbors.length,
      prefixes: cfg.announce.length,
      services: cfg.services?.length ?? 0,
      watch: cfg.watch?.interface,
      controlSocket: cfg.controlSocket,
    },
    'floatd running',
  );
  notifier?.ready(`announcing for ${cfg.services?.length ?? 0} service(s) to ${cfg.neighbors.length} neighbor(s)`);

  return new Promise<number>((resolveRun) => {
    // Once stopped (or given up on), the process ends: nothing left open, an idle control client say, may keep it alive.
    const resolve = (code: number): void => {
      notifier?.close();
      resolveRun(code);
      setImmediate(() => process.exit(code));
    };
    let stopping = false;
    onStop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      const limit = STOP_TIMEOUT_MS + daemon.stopDrainMs();
      log.info({ signal }, `${signal}: withdrawing routes and closing sessions`);
      notifier?.stopping();
      const forced = setTimeout(() => {
        log.warn(`floatd did not stop within ${limit} ms; exiting anyway`);
        resolve(0);
      }, limit);
      forced.unref();
      daemon.stop().then(
        () => {
          clearTimeout(forced);
          log.info('floatd stopped');
          resolve(0);
        },
        (e: unknown) => {
          clearTimeout(forced);
          log.error({ err: (e as Error).message }, `error while stopping: ${(e as Error).message}`);
          resolve(1);
        },
      );
    };
    onReload = (): void => {
      log.info('SIGHUP: reloading the config');
      notifier?.reloading();
      void daemon.reload().then(
        (r) => notifier?.ready(r.ok ? 'config reloaded' : 'reload refused; the running config stays'),
        () => notifier?.ready('reload failed; the running config stays'),
      );
    };
    if (pending !== undefined) onStop(pending);
  });
}
