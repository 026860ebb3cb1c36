import type { Request } from 'express';
import type { User } from '../auth/user.entity.js';
import type { Language } from './i18n.js';
import type { WebSession } from './web-session.entity.js';

/** A request to the web app, as the session guard leaves it. */
export type WebRequest = Request & {
  web?: { user: User; session: WebSession };
  /** Set by the guard for every web request, signed in or not. */
  language?: Language;
};

export const SESSION_COOKIE = 'rh_session';
export const LANGUAGE_COOKIE = 'rh_lang';
/** The sign-in form's double-submit token: there is no session to tie it to yet. */
export const LOGIN_CSRF_COOKIE = 'rh_login';

/** One cookie's value from the Cookie header (no dependency for a dozen lines). */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** httpOnly, SameSite=Lax, scoped to /app, Secure when the request came over HTTPS. */
export function cookieOptions(request: Request, maxAgeMs?: number) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/app',
    secure: request.secure,
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  };
}
