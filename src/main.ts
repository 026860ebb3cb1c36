import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { ConfigurationError, validateEnvironment } from './config/environment.js';
import { DatabaseUnavailableError } from './database/database-unavailable.error.js';
import { startEmbeddedServices, stopEmbeddedServices } from './embedded/embedded-services.js';
import { createRootLogger } from './logger.js';
import type { Logger as PinoLogger } from 'pino';

// V8's heap flags are on the command line of `npm start` and `npm run start:prod`, not set from
// here: V8 sizes the young generation when the process starts (`--max-semi-space-size=16`), and
// on Node 24 `--heap-growing-percent=50` set by `v8.setFlagsFromString` changed nothing (no full
// collection in 16 s of dispatches with 130 MB in old space). See README, Performance (6).

/**
 * Nest closes HTTP, workers, queues and pools on SIGTERM, then exits. Closing a queue waits for
 * its Redis connection, which never comes while Redis is unreachable: past this, exit anyway
 * (nothing is lost; what was not folded waits in the outbox).
 */
const SHUTDOWN_LIMIT_MS = 8000;

function exitEvenIfShutdownHangs(logger: PinoLogger): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(
          `Shutdown did not finish within ${SHUTDOWN_LIMIT_MS / 1000} s (a service unreachable?); exiting`,
        );
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS).unref();
    });
  }
}

/**
 * Embedded PostgreSQL and Redis stop after the app: Nest closes everything on the first signal,
 * then raises it again, and that second one stops them before the process ends by it.
 */
function stopEmbeddedServicesAfterTheApp(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    let heard = 0;
    const listener = () => {
      if (++heard < 2) return;
      process.removeListener(signal, listener);
      void stopEmbeddedServices().finally(() => process.kill(process.pid, signal));
    };
    process.on(signal, listener);
  }
}

async function main(): Promise<void> {
  const configured = validateEnvironment(process.env);
  const logger = createRootLogger(configured);
  exitEvenIfShutdownHangs(logger);
  stopEmbeddedServicesAfterTheApp();
  const env = await startEmbeddedServices(configured, process.env, logger);
  const app = await createApp(env, logger);
  if (app.role === 'worker') {
    await app.context.init();
    logger.info('relief-hub workers running');
    return;
  }
  await app.context.listen(env.PORT);
  const origin = `http://localhost:${env.PORT}`;
  logger.info(
    `relief-hub (${env.APP_ROLE}) listening on ${origin}: the API at ${origin}/api (docs at /api/docs), the staff web app at ${origin}/app`,
  );
}

main().catch((error: unknown) => {
  // What an operator fixes in the environment is said in one line; anything else with its stack.
  if (error instanceof ConfigurationError || error instanceof DatabaseUnavailableError) {
    console.error(error.message);
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  }
  void stopEmbeddedServices().finally(() => process.exit(1));
});
