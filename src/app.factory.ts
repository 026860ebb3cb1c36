import { INestApplication, INestApplicationContext, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module.js';
import { rateLimits } from './auth/rate-limit.js';
import { useBodyParsers } from './common/http/body-parsers.js';
import { requestContext } from './common/http/request-context.js';
import { SafeInputPipe } from './common/validation/safe-input.js';
import { ApiValidationPipe } from './common/validation/validation.pipe.js';
import { Environment } from './config/environment.js';
import { createRootLogger, httpLogger } from './logger.js';
import { httpMetrics } from './metrics/metrics.registry.js';
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
  app.use(httpLogger(logger), httpMetrics());
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  useApiPrefix(app);
  app.use(helmet());
  app.disable('x-powered-by');
  app.use(...rateLimits(env.RATE_LIMIT_PER_SECOND, env.RATE_LIMIT_BURST));
  useBodyParsers(app, 'api');
  // After the body parsers (see requestContext): the audit trail's who, where and request id.
  app.use(requestContext);
  // Unstorable text and unknown keys first, then the DTOs.
  app.useGlobalPipes(new SafeInputPipe(), new ApiValidationPipe());
  setUpOpenApi(app);
}

/**
 * Routes served outside /api: the staff web app (src/web) lives under /app, beside the API
 * rather than inside it, and GET /metrics is where Prometheus looks by default.
 */
export const OUTSIDE_API_PREFIX = [
  { path: 'app', method: RequestMethod.ALL },
  { path: 'app/*path', method: RequestMethod.ALL },
  { path: 'metrics', method: RequestMethod.GET },
];

function useApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: OUTSIDE_API_PREFIX });
}

function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, openApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
}

function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('relief-hub')
    .setDescription(
      'Stock, truck dispatches, statistics, weekly reports and solar energy of a humanitarian logistics hub.',
    )
    .setVersion('1')
    // Relative: wherever this document is served from (npm start: http://localhost:3000).
    .addServer('/', 'The relief-hub that serves this document')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'API key',
      description: 'An API key (`rh_...`), created with its user and shown once',
    })
    .build();
  // package.json's: private, licensed to no one.
  config.info.license = { name: 'UNLICENSED' };
  return SwaggerModule.createDocument(app, config);
}

/**
 * The OpenAPI document the API serves at /api/docs-json, built without serving: Nest's preview
 * mode resolves modules and routes but runs no provider, so nothing connects to PostgreSQL or
 * Redis. scripts/openapi.mjs writes it to a file for linting and client generation.
 */
export async function createOpenApiDocument(env: Environment): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRole(
      { ...env, APP_ROLE: 'api' },
      createRootLogger({ ...env, LOG_LEVEL: 'silent' }),
    ),
    { preview: true, logger: false, bodyParser: false },
  );
  try {
    useApiPrefix(app);
    return openApiDocument(app);
  } finally {
    await app.close();
  }
}
