import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { bearerTokenHash } from './bearer-token.js';
import { ErrorBody } from '../common/http/all-exceptions.filter.js';

/**
 * Per API key (per client address without one): `burst` requests in any second and
 * `perSecond` sustained over a minute. Health checks are never limited.
 */
export function rateLimits(perSecond: number, burst: number): RequestHandler[] {
  const limiter = (windowMs: number, limit: number, what: string) =>
    rateLimit({
      windowMs,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      skip: (req) => req.path === '/api/health',
      keyGenerator: (req) => {
        const hash = bearerTokenHash(req);
        return hash ? `key:${hash}` : `ip:${ipKeyGenerator(req.ip ?? '')}`;
      },
      handler: (_req, res) => {
        const body: ErrorBody = {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `Rate limit of ${what} reached; retry after the time in the RateLimit header`,
        };
        res.status(429).json(body);
      },
    });
  return [
    limiter(1000, burst, `${burst} requests a second`),
    limiter(60_000, perSecond * 60, `${perSecond} requests a second over a minute`),
  ];
}
