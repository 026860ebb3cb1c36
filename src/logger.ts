import { pino, Logger as PinoLogger } from 'pino';
import { Environment } from './config/environment.js';

/** One pino logger for the whole process: start-up steps, Nest and every HTTP request. */
export function createRootLogger(env: Pick<Environment, 'LOG_LEVEL'>): PinoLogger {
  return pino({
    level: env.LOG_LEVEL,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
  });
}
