import {
  applyDecorators,
  CanActivate,
  Controller,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import { ACTION, Public } from '../auth/auth.decorators.js';
import { Action, assertCan } from '../auth/permissions.js';
import { setRequestActor, setRequestCredential } from '../common/http/request-context.js';
import { languageOf } from './i18n.js';
import { SessionsService } from './sessions.service.js';
import { CsrfRejected, SessionEnded, SignInRequired } from './web-errors.js';
import { WebExceptionFilter } from './web-exception.filter.js';
import { LANGUAGE_COOKIE, readCookie, SESSION_COOKIE, WebRequest } from './web-request.js';

const WEB_ANONYMOUS = 'relief-hub:web-anonymous';

/** No session needed (sign-in, assets); the guard still picks the language. */
export const Anonymous = () => SetMetadata(WEB_ANONYMOUS, true);

/**
 * A controller of the web app under /app: out of the API key guard's reach (browsers have no
 * API key), under the session guard instead, with errors rendered as pages. Every web
 * controller is declared with this, so none can forget its guard. A page that reads or records
 * hub data says so with the API's @Can(action); one without (sign-out, "not found") is open to
 * every signed-in user.
 */
export const WebController = (path = '') =>
  applyDecorators(
    Controller(path ? `app/${path}` : 'app'),
    Public(),
    ApiExcludeController(),
    UseGuards(WebSessionGuard),
    UseFilters(WebExceptionFilter),
  );

/** Constant-time comparison of a submitted token with the expected one. */
export function tokensMatch(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Signs web requests in from the session cookie, checks the synchronizer CSRF token of every
 * POST, then asks can() about the route's action. The API's ApiKeyGuard is left as it is: web
 * controllers are @Public() to it and guarded here.
 */
@Injectable()
export class WebSessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WebRequest>();
    const targets = [context.getHandler(), context.getClass()];
    request.language = languageOf(
      readCookie(request, LANGUAGE_COOKIE),
      request.headers['accept-language'],
    );
    const token = readCookie(request, SESSION_COOKIE);
    const anonymous = this.reflector.getAllAndOverride<boolean>(WEB_ANONYMOUS, targets);
    if (anonymous) {
      if (token) await this.attach(request, token);
      return true;
    }
    if (!token) {
      if (SAFE_METHODS.has(request.method)) throw new SignInRequired(request.originalUrl);
      throw new SessionEnded();
    }
    if (!(await this.attach(request, token))) throw new SessionEnded();
    const { user, session } = request.web!;

    if (!SAFE_METHODS.has(request.method)) {
      const body = request.body as Record<string, unknown> | undefined;
      if (!tokensMatch(body?._csrf, session.csrfToken)) throw new CsrfRejected();
    }
    const action = this.reflector.getAllAndOverride<Action | undefined>(ACTION, targets);
    if (action) assertCan(user, action);
    return true;
  }

  private async attach(request: WebRequest, token: string): Promise<boolean> {
    const found = await this.sessions.find(token);
    if (found.state !== 'active') {
      setRequestCredential('session', token);
      return false;
    }
    request.web = { user: found.user, session: found.session };
    setRequestActor(found.user);
    request.language = languageOf(
      found.user.language ?? readCookie(request, LANGUAGE_COOKIE),
      request.headers['accept-language'],
    );
    return true;
  }
}
