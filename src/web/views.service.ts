import { Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import type { Response } from 'express';
import { fileURLToPath } from 'node:url';
import { Action, can } from '../auth/permissions.js';
import { Hub } from '../hubs/hub.entity.js';
import { HubsService } from '../hubs/hubs.service.js';
import { Bar, barChart, PAGE_CHART } from '../reports/render/bar-chart.js';
import { formatter } from './format.js';
import { DICTIONARIES, LANGUAGE_NAMES, LANGUAGES, MessageKey, translator } from './i18n.js';
import { NAV } from './nav.js';
import { WebRequest } from './web-request.js';

/**
 * The pages' Content-Security-Policy: scripts and styles only from our own files, nothing
 * inline. Unlike helmet's default it does not upgrade requests to HTTPS, because a hub's
 * tablets may reach the app over plain HTTP on the local network, where the upgrade would
 * leave pages without their stylesheet and script.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
].join('; ');

/** Renders the web app's eta templates (src/web/views) inside the layout, auto-escaped. */
@Injectable()
export class ViewsService {
  private readonly eta = new Eta({
    views: fileURLToPath(new URL('./views/', import.meta.url)),
    autoEscape: true,
    cache: true,
  });

  constructor(private readonly hubs: HubsService) {}

  /** The web app works on the default hub (DEFAULT_HUB). */
  hub(): Promise<Hub> {
    return this.hubs.resolve();
  }

  /**
   * The data every template sees: translator, formatter, the user, what they may do at the hub
   * (`can`), the CSRF token, the menu.
   */
  layoutData(
    request: WebRequest,
    hub: Hub,
    currentPage = request.path.replace(/\/$/, '') || '/app',
  ) {
    const language = request.language ?? 'en';
    const user = request.web?.user ?? null;
    const t = translator(language);
    const may = (action: Action) => (user ? can(user, action, hub.code) : false);
    const fmt = formatter(language, hub.timeZone);
    return {
      language,
      languages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
      t,
      /** A form error: one of our messages by key, or a validator's message as detail. */
      msg: (message: string) =>
        message in DICTIONARIES[language]
          ? t(message as MessageKey)
          : t('form.invalid', { detail: message }),
      hub,
      fmt,
      /**
       * A bar chart of days (or weeks by their Monday) as inline SVG, drawn by the reports'
       * renderer at a page's size with the reader's numbers and dates; the page's heading is its
       * caption.
       */
      chart: (bars: Bar[], title: string, unit: string, digits = 3) =>
        barChart(bars, title, unit, {
          size: PAGE_CHART,
          caption: false,
          num: fmt.num,
          digits,
          tick: fmt.dayMonth,
        }),
      user,
      csrf: request.web?.session.csrfToken ?? '',
      can: may,
      path: request.originalUrl,
      nav: NAV.filter((entry) => may(entry.action)).map((entry) => ({
        ...entry,
        current: currentPage === entry.href,
      })),
    };
  }

  render(template: string, data: Record<string, unknown>): string {
    return this.eta.render(template, data);
  }

  /** Sends a page: HTML, never cached (it holds a CSRF token), with the pages' CSP. */
  async send(
    request: WebRequest,
    response: Response,
    template: string,
    data: Record<string, unknown>,
    status = 200,
  ): Promise<void> {
    const hub = await this.hub();
    const current = typeof data.navCurrent === 'string' ? data.navCurrent : undefined;
    const html = this.render(template, { ...this.layoutData(request, hub, current), ...data });
    response
      .status(status)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': WEB_CSP,
      })
      .send(html);
  }
}
