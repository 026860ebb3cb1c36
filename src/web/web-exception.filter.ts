import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  ForbiddenException,
  HttpException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { deniedWrite, statusOf } from '../audit/denied-request.js';
import { HubForbidden } from '../auth/permissions.js';
import { DomainError } from '../common/errors/domain.error.js';
import { languageOf, MessageKey, ruleMessage, translator } from './i18n.js';
import { ViewsService } from './views.service.js';
import { CsrfRejected, SessionEnded, SignInRequired } from './web-errors.js';
import {
  cookieOptions,
  LANGUAGE_COOKIE,
  readCookie,
  SESSION_COOKIE,
  WebRequest,
} from './web-request.js';

interface ErrorPage {
  status: number;
  title: MessageKey;
  body?: MessageKey;
  /** Values the body's wording names ({hub}). */
  params?: Record<string, string>;
  detail?: string;
  action: { href: string; label: MessageKey };
}

/**
 * Every failure of a web page becomes a page a person can act on: sign in again, reload the
 * form, go back. Never a JSON error, never a bare 500.
 */
@Catch()
export class WebExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('WebErrors');

  constructor(
    private readonly views: ViewsService,
    private readonly audit: AuditService,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const request = host.switchToHttp().getRequest<WebRequest>();
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    const status = statusOf(exception);
    const denied = status === null ? null : deniedWrite(request, status);
    if (denied) await this.audit.recordDenied(denied);
    request.language ??= languageOf(
      readCookie(request, LANGUAGE_COOKIE),
      request.headers['accept-language'],
    );
    if (exception instanceof SignInRequired) {
      const next = exception.returnTo === '/app' ? '' : exception.returnTo;
      response.redirect(303, next ? `/app/login?next=${encodeURIComponent(next)}` : '/app/login');
      return;
    }
    if (exception instanceof SessionEnded)
      response.clearCookie(SESSION_COOKIE, cookieOptions(request));
    const page = this.page(exception, request);
    try {
      await this.views.send(request, response, 'error', { page, title: page.title }, page.status);
    } catch (error) {
      // Even the error page failed (the database is down): say so in plain HTML.
      this.logger.error('rendering an error page failed', (error as Error).stack);
      const t = translator(request.language);
      response
        .status(page.status >= 500 ? page.status : 503)
        .type('html')
        .send(`<!doctype html><title>relief-hub</title><h1>${t('error.server.title')}</h1>`);
    }
  }

  private page(exception: unknown, request: WebRequest): ErrorPage {
    const home = { href: '/app', label: 'error.home' as const };
    const reload = { href: request.originalUrl, label: 'error.reload' as const };
    if (exception instanceof SessionEnded) {
      return {
        status: 401,
        title: 'error.ended.title',
        body: 'error.ended.body',
        action: { href: '/app/login', label: 'error.signIn' },
      };
    }
    if (exception instanceof CsrfRejected) {
      return {
        status: 403,
        title: 'error.csrf.title',
        body: 'error.csrf.body',
        action:
          request.method === 'GET' ? reload : { href: formPage(request), label: 'error.reload' },
      };
    }
    if (exception instanceof HubForbidden) {
      return {
        status: 403,
        title: 'error.hub.title',
        body: 'error.hub.body',
        params: { hub: exception.hub },
        action: home,
      };
    }
    if (exception instanceof ForbiddenException) {
      return {
        status: 403,
        title: 'error.forbidden.title',
        body: 'error.forbidden.body',
        action: home,
      };
    }
    if (exception instanceof NotFoundException) {
      return {
        status: 404,
        title: 'error.notFound.title',
        body: 'error.notFound.body',
        action: home,
      };
    }
    if (exception instanceof DomainError) {
      return {
        status: exception.status,
        title: exception.kind === 'notFound' ? 'error.notFound.title' : 'error.bad.title',
        body: ruleMessage(exception.code),
        action: home,
      };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const raw = exception.getResponse();
      const message =
        typeof raw === 'string' ? raw : (raw as { message?: string | string[] }).message;
      return {
        status: exception.getStatus(),
        title: 'error.bad.title',
        detail: Array.isArray(message) ? message.join('; ') : (message ?? exception.message),
        action: home,
      };
    }
    this.logger.error(
      `${request.method} ${request.originalUrl} failed`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return { status: 500, title: 'error.server.title', body: 'error.server.body', action: home };
  }
}

/** The page a rejected form came from, when it is one of ours; the dashboard otherwise. */
function formPage(request: WebRequest): string {
  try {
    const referer = new URL(request.get('referer') ?? '');
    if (referer.host === request.get('host') && referer.pathname.startsWith('/app')) {
      return referer.pathname + referer.search;
    }
  } catch {
    // no or malformed Referer
  }
  return '/app';
}
