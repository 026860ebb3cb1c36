import type { NextFunction, Request, Response } from 'express';
import { bearerTokenHash } from '../auth/bearer-token.js';
import { can } from '../auth/permissions.js';
import type { User } from '../auth/user.entity.js';
import type { UsersService } from '../auth/users.service.js';
import type { SessionsService } from './sessions.service.js';
import { readCookie, SESSION_COOKIE } from './web-request.js';

/** Where the queue dashboard (Bull Board) is served, under the API's prefix. */
export const QUEUE_BOARD_PATH = '/api/admin/queues';

/*
 * What the dashboard may change: nothing but a retry of failed jobs (one, or all of a queue's
 * failed ones). Bull Board's own read-only mode would refuse retries too, so the queues are
 * writable to it and everything else it offers (add, clean, empty, obliterate, pause, promote,
 * edit, remove schedulers...) is refused here.
 */
const RETRY_ALL_FAILED = /^\/api\/queues\/[^/]+\/retry\/failed$/;
/** Bull Board retries a completed job too (running it again): only a failed one passes. */
const RETRY_ONE = /^\/api\/queues\/([^/]+)\/([^/]+)\/retry$/;

/** A job's state (BullMQ's word), or 'unknown' for no such queue or job. */
export type JobStateOf = (queue: string, jobId: string) => Promise<string>;

const SAFE_METHODS = new Set(['GET', 'HEAD']);

type Answer = (response: Response, status: number, message: string) => void;

const answer: Answer = (response, status, message) => {
  const error = { 401: 'Unauthorized', 403: 'Forbidden', 405: 'Method Not Allowed' }[status];
  response.status(status).json({ statusCode: status, error, message });
};

/**
 * Lets admins in, with an API key (`Authorization: Bearer`) or their web app session (the cookie
 * GET /app/admin/queues gives for this path), read-only but for retries of failed jobs. A
 * browser without either is sent to sign in.
 */
export function queueBoardGuard(
  users: UsersService,
  sessions: SessionsService,
  jobStateOf: JobStateOf,
) {
  return (request: Request, response: Response, next: NextFunction) => {
    void (async () => {
      const keyHash = bearerTokenHash(request);
      const token = readCookie(request, SESSION_COOKIE);
      let user: User | null = null;
      if (keyHash) {
        user = await users.findActiveByApiKeyHash(keyHash);
      } else if (token) {
        const found = await sessions.find(token);
        if (found.state === 'active') user = found.user;
        // A session's browser writes only from this origin (SameSite=Lax covers the rest).
        const origin = request.headers.origin;
        if (user && !SAFE_METHODS.has(request.method) && origin) {
          if (new URL(origin).host !== request.headers.host) user = null;
        }
      }
      if (!user) {
        if (
          !keyHash &&
          SAFE_METHODS.has(request.method) &&
          request.accepts(['json', 'html']) === 'html'
        ) {
          response.redirect(303, `/app/login?next=${encodeURIComponent('/app/admin/queues')}`);
          return;
        }
        answer(response, 401, 'An admin API key or an admin web session is required');
        return;
      }
      if (!can(user, 'ops.read')) {
        answer(response, 403, `Role "${user.role}" may not see the queues; it needs admin`);
        return;
      }
      if (!SAFE_METHODS.has(request.method) && !(await isRetryOfFailed(request, jobStateOf))) {
        answer(response, 405, 'The queue dashboard is read-only but for retrying failed jobs');
        return;
      }
      next();
    })().catch(next);
  };
}

async function isRetryOfFailed(request: Request, jobStateOf: JobStateOf): Promise<boolean> {
  if (request.method !== 'PUT') return false;
  if (RETRY_ALL_FAILED.test(request.path)) return true;
  const one = RETRY_ONE.exec(request.path);
  if (!one) return false;
  const [queue, jobId] = [one[1], one[2]].map(decodeURIComponent);
  return (await jobStateOf(queue, jobId)) === 'failed';
}
