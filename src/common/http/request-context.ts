import { createHash } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/** Who and what a request is, for records written while it runs (the audit trail). */
export interface RequestContext {
  /** The request id pino-http gave it (the client's X-Request-Id when sane), as logged. */
  requestId: string | null;
  ip: string | null;
  /** The signed-in user once a guard has found one. */
  actor?: { id: string; name: string };
  /**
   * The credential it presented when it names no user (an unknown or revoked key, an ended
   * session): a prefix of a salted hash, never the secret nor the hash stored for it.
   */
  credential?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The request this code runs for, or undefined (start-up, a job). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** The guards say who is asking; services then need not pass the request around. */
export function setRequestActor(user: { id: string; name: string }): void {
  const context = storage.getStore();
  if (context) context.actor = { id: user.id, name: user.name };
}

/** Notes the credential (`kind`: key, session) the request presented, as credentialRef() names it. */
export function setRequestCredential(kind: string, secret: string): void {
  const context = storage.getStore();
  if (context) context.credential = credentialRef(kind, secret);
}

/**
 * Names a credential without revealing it: 12 hex digits of SHA-256 over a fixed prefix and the
 * secret. Salted so that it is not a prefix of the hash the users table stores for a key.
 */
export function credentialRef(kind: string, secret: string): string {
  const digest = createHash('sha256').update(`relief-hub-audit:${secret}`, 'utf8').digest('hex');
  return `${kind}:${digest.slice(0, 12)}`;
}

/**
 * Express middleware opening the request's context. Mounted after the body parsers: they read
 * the body in stream callbacks, which would run outside a context opened before them.
 */
export function requestContext(request: Request, _response: Response, next: NextFunction): void {
  const id = (request as Request & { id?: unknown }).id;
  storage.run(
    {
      requestId: typeof id === 'string' ? id : id == null ? null : String(id),
      ip: request.ip ?? null,
    },
    next,
  );
}
