import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';

export const FAILED_SIGN_INS_ALLOWED = 10;
const WINDOW_MS = 15 * 60_000;

/**
 * Failed sign-ins per client address and name: ten in fifteen minutes, then `refuse` answers.
 * Keyed by name too, so one person's mistypes do not lock out a warehouse behind one address.
 */
export function loginLimiter(
  refuse: (request: Request, response: Response) => void,
): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: FAILED_SIGN_INS_ALLOWED,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skip: (request) => request.method !== 'POST',
    keyGenerator: (request) => {
      const name = (request.body as { name?: unknown } | undefined)?.name;
      const who = typeof name === 'string' ? name.trim().toLowerCase().slice(0, 200) : '';
      return `login:${ipKeyGenerator(request.ip ?? '')}:${who}`;
    },
    handler: (request, response) => refuse(request, response),
  });
}
