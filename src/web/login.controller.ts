import { Body, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { deniedWrite } from '../audit/denied-request.js';
import { Can } from '../auth/auth.decorators.js';
import { UsersService } from '../auth/users.service.js';
import { field, rawField } from './forms.js';
import type { FormBody } from './forms.js';
import { isLanguage } from './i18n.js';
import { SESSION_IDLE_MS, SessionsService } from './sessions.service.js';
import { Anonymous, tokensMatch, WebController } from './web-session.guard.js';
import { CsrfRejected } from './web-errors.js';
import {
  cookieOptions,
  LANGUAGE_COOKIE,
  LOGIN_CSRF_COOKIE,
  readCookie,
  SESSION_COOKIE,
} from './web-request.js';
import type { WebRequest } from './web-request.js';
import { ViewsService } from './views.service.js';

const YEAR_MS = 365 * 86_400_000;

/** Where to go after signing in or switching language: only a page of ours. */
export function safeNext(next: unknown): string {
  if (
    typeof next !== 'string' ||
    !next.startsWith('/app') ||
    next.startsWith('//') ||
    /[\\\r\n]/.test(next)
  ) {
    return '/app';
  }
  return next;
}

/** Sign-in, sign-out and the language switch. */
@WebController()
export class LoginController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly views: ViewsService,
    private readonly audit: AuditService,
  ) {}

  @Get('login')
  @Anonymous()
  async form(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Query('next') next?: unknown,
    @Query('signedOut') signedOut?: string,
  ): Promise<void> {
    if (request.web) {
      response.redirect(303, safeNext(next));
      return;
    }
    await this.show(request, response, { next, signedOut: signedOut === '1' }, 200);
  }

  @Post('login')
  @Anonymous()
  async signIn(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    // No session yet to tie a token to: the form's token must match its cookie (double submit).
    if (!tokensMatch(field(body, '_csrf'), readCookie(request, LOGIN_CSRF_COOKIE))) {
      throw new CsrfRejected();
    }
    const name = field(body, 'name') ?? '';
    const password = rawField(body, 'password') ?? '';
    const next = field(body, 'next');
    const user = name && password ? await this.users.findByPassword(name, password) : null;
    if (!user) {
      // A refused sign-in is on the record like any refused write (once a minute per address).
      await this.audit.recordDenied(deniedWrite(request, 401)!);
      await this.show(request, response, { next, name, wrong: true }, 401);
      return;
    }
    const { token } = await this.sessions.start(user);
    response.cookie(SESSION_COOKIE, token, cookieOptions(request, SESSION_IDLE_MS));
    response.clearCookie(LOGIN_CSRF_COOKIE, cookieOptions(request));
    response.redirect(303, safeNext(next));
  }

  @Post('logout')
  async signOut(@Req() request: WebRequest, @Res() response: Response): Promise<void> {
    const token = readCookie(request, SESSION_COOKIE);
    if (token) await this.sessions.end(token);
    response.clearCookie(SESSION_COOKIE, cookieOptions(request));
    response.redirect(303, '/app/login?signedOut=1');
  }

  /** Remembered on the user (every device they sign in on) and in a cookie (the sign-in page). */
  @Post('language')
  @Anonymous()
  async language(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    const expected = request.web
      ? request.web.session.csrfToken
      : readCookie(request, LOGIN_CSRF_COOKIE);
    if (!tokensMatch(field(body, '_csrf'), expected)) throw new CsrfRejected();
    const language = field(body, 'language');
    if (isLanguage(language)) {
      if (request.web) await this.users.setLanguage(request.web.user.id, language);
      response.cookie(LANGUAGE_COOKIE, language, { ...cookieOptions(request, YEAR_MS) });
    }
    response.redirect(303, safeNext(field(body, 'next')));
  }

  /**
   * The hub the user's pages show, remembered on the user (like the language) so every device
   * they sign in on shows it. A hub they do not act at is the 403 page, and nothing changes.
   */
  @Post('hub')
  @Can('hub.read')
  async hub(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    const hub = await this.views.formHub(request, body, 'hub.read');
    await this.users.setWebHub(request.web!.user.id, hub.code);
    response.redirect(303, safeNext(field(body, 'next')));
  }

  private async show(
    request: WebRequest,
    response: Response,
    data: { next?: unknown; name?: string; wrong?: boolean; signedOut?: boolean },
    status: number,
  ): Promise<void> {
    let token = readCookie(request, LOGIN_CSRF_COOKIE);
    if (!token || token.length !== 43) {
      token = randomBytes(32).toString('base64url');
      response.cookie(LOGIN_CSRF_COOKIE, token, cookieOptions(request));
    }
    await this.views.send(
      request,
      response,
      'login',
      { title: 'login.title', loginCsrf: token, ...data, next: safeNext(data.next) },
      status,
    );
  }
}
