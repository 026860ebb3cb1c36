import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';

export const FAILED_SIGN_INS_ALLOWED = 10;

/**
 * The name a sign-in is for, as the limiter counts it. A name sent twice (name=<user>&name=x)
 * counts against its first value: sign-in refuses the doubled field with 400, which counts as a
 * failure, so it can neither try a password nor escape the user's lockout under another key.
 */
export function signInName(body: unknown): string {
  const raw = (body as { name?: unknown } | undefined)?.name;
  const name: unknown = Array.isArray(raw) ? raw[0] : raw;
  return typeof name === 'string' ? name.trim().toLowerCase().slice(0, 200) : '';
}
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
    keyGenerator: (request) =>
      `login:${ipKeyGenerator(request.ip ?? '')}:${signInName(request.body)}`,
    handler: (request, response) => refuse(request, response),
  });
}
