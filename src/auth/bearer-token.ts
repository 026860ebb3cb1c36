import type { Request } from 'express';

/** The API key of `Authorization: Bearer <key>`, or undefined. */
export function bearerToken(request: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}
