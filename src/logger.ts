import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, Logger as PinoLogger } from 'pino';
import { pinoHttp } from 'pino-http';
import { Environment } from './config/environment.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** One pino logger for the whole process: start-up steps, Nest and every HTTP request. */
export function createRootLogger(env: Pick<Environment, 'LOG_LEVEL'>): PinoLogger {
  return pino({
    level: env.LOG_LEVEL,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
  });
}

/**
 * One log line per HTTP request, under the client's X-Request-Id (when it is a sane one) or a
 * new one, echoed in the response. Mounted once, ahead of every other middleware (app.factory):
 * mounted by nestjs-pino on Nest's routes it ran twice for the pages under /app, which Nest
 * mounts both as excluded from the /api prefix and as the routes of their controllers.
 */
export function httpLogger(logger: PinoLogger) {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/api/health' },
  });
}
