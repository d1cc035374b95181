// `floatd run`: the daemon. Loads and checks the config before touching
// anything, starts the BGP speaker and the control socket, and on SIGTERM or
// SIGINT withdraws every route and closes every session cleanly. Services'
// health checks start once the speaker runs and stop after it has withdrawn.

import { loadConfig, type Config } from '../config/index.js';
import { startControlServer } from '../control/server.js';
import { Announcer } from '../daemon/announcer.js';
import { Speaker } from '../daemon/speaker.js';
import { realClock } from '../util/clock.js';
import { createLogger, type Logger } from '../util/log.js';

const STOP_TIMEOUT_MS = 5000;

export async function run(configPath: string, log: Logger = createLogger()): Promise<number> {
  const cfg: Config = loadConfig(configPath);
  const speaker = new Speaker(cfg, realClock, log);
  const announcer = new Announcer({ announce: cfg.announce, services: cfg.services ?? [], sink: speaker, clock: realClock, log });
  const control = await startControlServer(
    cfg.controlSocket,
    { status: () => ({ ...speaker.status(), services: announcer.status() }), routes: () => speaker.routes() },
    log,
  );
  try {
    await speaker.start();
  } catch (e) {
    control.close();
    throw e;
  }
  announcer.start();
  log.info(
    {
      routerId: cfg.routerId,
      localAs: cfg.localAs,
      neighbors: cfg.neighbors.length,
      prefixes: cfg.announce.length,
      services: cfg.services?.length ?? 0,
      controlSocket: cfg.controlSocket,
    },
    'floatd running',
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, `${signal}: withdrawing routes and closing sessions`);
      const forced = setTimeout(() => {
        log.warn(`sessions did not close within ${STOP_TIMEOUT_MS} ms; exiting anyway`);
        resolve(0);
      }, STOP_TIMEOUT_MS);
      forced.unref();
      const stopped = speaker.stop();
      // Each session sent its withdraws inside stop(); the checks end now, and nothing they report reaches the speaker.
      announcer.stop();
      stopped.then(() => {
        clearTimeout(forced);
        control.close();
        log.info('floatd stopped');
        resolve(0);
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => log.warn('SIGHUP: live reload is not supported by this version; restart floatd to apply a changed config'));
  });
}
