import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { ConfigurationError, validateEnvironment } from './config/environment.js';
import { createRootLogger } from './logger.js';

async function main(): Promise<void> {
  let env;
  try {
    env = validateEnvironment(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = createRootLogger(env);
  const app = await createApp(env, logger);
  if (app.role === 'worker') {
    await app.context.init();
    logger.info('relief-hub workers running');
    return;
  }
  await app.context.listen(env.PORT);
  logger.info(
    `relief-hub (${env.APP_ROLE}) listening on http://localhost:${env.PORT}/api (docs at /api/docs)`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
