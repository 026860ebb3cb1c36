import type { Request } from 'express';
import { hashApiKey } from './api-key.js';

/** The API key of `Authorization: Bearer <key>`, or undefined. */
export function bearerToken(request: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

const hashes = new WeakMap<Request, string>();

/**
 * The hash of the request's bearer token (hashApiKey), computed once per request: both rate
 * limits key on it and the API key guard looks the user up by it.
 */
export function bearerTokenHash(request: Request): string | undefined {
  let hash = hashes.get(request);
  if (hash === undefined) {
    const token = bearerToken(request);
    if (token === undefined) return undefined;
    hash = hashApiKey(token);
    hashes.set(request, hash);
  }
  return hash;
}
