import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, stdSerializers, Logger as PinoLogger } from 'pino';
import { Environment } from './config/environment.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** One pino logger for the whole process: start-up steps, Nest and every HTTP request. */
export function createRootLogger(env: Pick<Environment, 'LOG_LEVEL'>): PinoLogger {
  return pino({
    level: env.LOG_LEVEL,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
  });
}

/** The client's X-Request-Id when it is a sane one, else a new one; echoed in the response. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/**
 * The request's logger (`req.log`, which nestjs-pino's Logger writes through while the request
 * runs), bound to the request only when a line is written through it. Binding serialises the
 * request (headers, redaction) at once: pino-http did so for every request, about a tenth of a
 * millisecond of CPU a request (npm run bench -- --cpu-prof, scenario 1), for nothing when no
 * line is written (LOG_LEVEL above info and a request that logs no warning).
 */
function boundWhenUsed(logger: PinoLogger, req: IncomingMessage): PinoLogger {
  let bound: PinoLogger | undefined;
  return new Proxy(logger, {
    get(parent, property) {
      // a level that is off writes nothing: the parent's no-op, without binding
      if (typeof property === 'string' && property in parent.levels.values) {
        if (!parent.isLevelEnabled(property)) return Reflect.get(parent, property, parent);
      }
      bound ??= parent.child({ req });
      const value: unknown = Reflect.get(bound, property, bound);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(bound)
        : value;
    },
  });
}

/**
 * One log line per HTTP request (`request completed`, or `request errored` for a 5xx or a broken
 * response, as pino-http wrote them: `req`, `res`, `responseTime`), under the client's
 * X-Request-Id (when it is a sane one) or a new one, echoed in the response. Mounted once, ahead
 * of every other middleware (app.factory): mounted by nestjs-pino on Nest's routes it ran twice
 * for the pages under /app, which Nest mounts both as excluded from the /api prefix and as the
 * routes of their controllers.
 */
export function httpLogger(root: PinoLogger) {
  const logger = root.child(
    {},
    { serializers: { req: stdSerializers.req, res: stdSerializers.res, err: stdSerializers.err } },
  );
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const request = req as IncomingMessage & { id?: string; log?: PinoLogger };
    request.id = requestId(req, res);
    const log = boundWhenUsed(logger, req);
    request.log = log;
    if (req.url !== '/api/health') {
      const started = Date.now();
      const finished = (error?: Error) => {
        res.off('finish', finished);
        res.off('close', finished);
        res.off('error', finished);
        if (!logger.isLevelEnabled('info')) return;
        const responseTime = Date.now() - started;
        const failed = error ?? (res as { err?: Error }).err;
        if (failed || res.statusCode >= 500) {
          const err = failed ?? new Error(`failed with status code ${res.statusCode}`);
          log.info({ res, err, responseTime }, 'request errored');
        } else {
          log.info({ res, responseTime }, 'request completed');
        }
      };
      res.on('finish', finished);
      res.on('close', finished);
      res.on('error', finished);
    }
    next();
  };
}
