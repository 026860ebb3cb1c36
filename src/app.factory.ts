import { INestApplication, INestApplicationContext, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module.js';
import { rateLimits } from './auth/rate-limit.js';
import { useBodyParsers } from './common/http/body-parsers.js';
import { SafeInputPipe } from './common/validation/safe-input.js';
import { ApiValidationPipe } from './common/validation/validation.pipe.js';
import { Environment } from './config/environment.js';
import { httpLogger } from './logger.js';
import { prepareDatabase } from './prepare-database.js';

export type RunningApp =
  | { role: 'worker'; context: INestApplicationContext }
  | { role: 'all' | 'api'; context: NestExpressApplication };

/**
 * Builds the process for its role: prepares the database, then an HTTP app (api, all) or a bare
 * application context running only workers (worker). main.ts and the e2e tests share it.
 */
export async function createApp(env: Environment, logger: PinoLogger): Promise<RunningApp> {
  await prepareDatabase(env, logger);
  const module = AppModule.forRole(env, logger);
  if (env.APP_ROLE === 'worker') {
    const context = await NestFactory.createApplicationContext(module, { bufferLogs: true });
    context.useLogger(context.get(Logger));
    context.enableShutdownHooks();
    return { role: 'worker', context };
  }
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bufferLogs: true,
    bodyParser: false,
  });
  configureHttp(app, env, logger);
  return { role: env.APP_ROLE, context: app };
}

function configureHttp(app: NestExpressApplication, env: Environment, logger: PinoLogger): void {
  // First, so that every request is logged once, whichever middleware or route answers it.
  app.use(httpLogger(logger));
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // The staff web app (src/web) lives under /app, beside the API rather than inside it.
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'app', method: RequestMethod.ALL },
      { path: 'app/*path', method: RequestMethod.ALL },
    ],
  });
  app.use(helmet());
  app.disable('x-powered-by');
  app.use(...rateLimits(env.RATE_LIMIT_PER_SECOND, env.RATE_LIMIT_BURST));
  useBodyParsers(app, 'api');
  // Unstorable text and unknown keys first, then the DTOs.
  app.useGlobalPipes(new SafeInputPipe(), new ApiValidationPipe());
  setUpOpenApi(app);
}

function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('relief-hub')
      .setDescription(
        'Stock, truck dispatches, statistics, weekly reports and solar energy of a humanitarian logistics hub.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
