import { Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import type { Response } from 'express';
import { fileURLToPath } from 'node:url';
import { ConfigService } from '@nestjs/config';
import { Action, actsEverywhere, can, Permitted } from '../auth/permissions.js';
import type { User } from '../auth/user.entity.js';
import { Environment } from '../config/environment.js';
import { Hub } from '../hubs/hub.entity.js';
import { HubsService } from '../hubs/hubs.service.js';
import { field, FieldMessage, FormBody } from './forms.js';
import { Bar, barChart, ChartSize } from '../reports/render/bar-chart.js';
import { formatter, LOCALES } from './format.js';
import { DICTIONARIES, LANGUAGE_NAMES, LANGUAGES, MessageKey, translator } from './i18n.js';
import { NAV } from './nav.js';
import { labelTableCells } from './table-labels.js';
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

/**
 * The web app's charts, drawn for a phone: 360 units wide, so on a 390 px screen a unit is
 * about a pixel and the 12-unit text reads at 11-12 px; the stylesheet caps the drawing's width
 * on larger screens (34rem), so there the text is never above ~20 px either.
 */
export const WEB_CHART: ChartSize = {
  width: 360,
  height: 220,
  pad: { top: 12, right: 4, bottom: 30, left: 50 },
  fontSize: 12,
};

/**
 * Every how-many-th bar keeps its label under the axis so the labels never overlap: a label
 * takes about 0.6 em a character, and needs a little room besides.
 */
export function labelEvery(bars: number, longestLabel: number, size: ChartSize): number {
  const step = (size.width - size.pad.left - size.pad.right) / Math.max(bars, 1);
  const needed = longestLabel * size.fontSize * 0.6 + size.fontSize * 0.5;
  return Math.max(1, Math.ceil(needed / step));
}

/** Renders the web app's eta templates (src/web/views) inside the layout, auto-escaped. */
@Injectable()
export class ViewsService {
  private readonly eta = new Eta({
    views: fileURLToPath(new URL('./views/', import.meta.url)),
    autoEscape: true,
    cache: true,
  });

  constructor(
    private readonly hubs: HubsService,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  /**
   * The hub the signed-in user's pages show, checked for `action` (HubsService.resolveFor):
   * the one they chose with the switcher while they still act there, else their default hub.
   */
  hub(request: WebRequest, action: Action = 'hub.read'): Promise<Hub> {
    const user = request.web!.user;
    return this.hubs.resolveFor(user, action, this.chosenCode(user));
  }

  /** A record's own hub (a dispatch's), which the user was found to act at. */
  hubOf(request: WebRequest, code: string): Promise<Hub> {
    return this.hubs.resolveFor(request.web!.user, 'hub.read', code);
  }

  /**
   * The hub a form records at: the one it was drawn for (its hidden `hub` field), else the
   * chosen one. A form naming a hub the user does not act at (forged, or the user has lost the
   * hub since) is the 403 page, before anything is recorded.
   */
  formHub(request: WebRequest, body: FormBody, action: Action): Promise<Hub> {
    const user = request.web!.user;
    return this.hubs.resolveFor(user, action, field(body, 'hub') ?? this.chosenCode(user));
  }

  /**
   * The code of the hub the user's pages show: their choice (remembered on the user, like the
   * language), else the request default (their one hub, else DEFAULT_HUB), else their first hub
   * when the default is not one of theirs.
   */
  chosenCode(user: Permitted & Pick<User, 'webHub'>): string {
    const fallback = this.hubs.defaultCodeFor(user);
    const candidates = [user.webHub, fallback, ...(user.hubs ?? [])];
    return candidates.find((code) => code && can(user, 'hub.read', code)) ?? fallback;
  }

  /** The hubs the user may switch between, by code: theirs, or every hub for those at all. */
  private async switchable(user: Permitted): Promise<Hub[]> {
    // A user of one hub has nothing to switch: no query.
    if (!actsEverywhere(user) && (user.hubs?.length ?? 0) < 2) return [];
    const { items } = await this.hubs.list({ limit: 500 });
    return actsEverywhere(user) ? items : items.filter((h) => user.hubs?.includes(h.code));
  }

  /**
   * The data every template sees: translator, formatter, the user, what they may do at the hub
   * (`can`), the CSRF token, the menu.
   */
  layoutData(
    request: WebRequest,
    hub: Hub,
    currentPage = request.path.replace(/\/$/, '') || '/app',
    hubs: Hub[] = [],
  ) {
    const language = request.language ?? 'en';
    const user = request.web?.user ?? null;
    const t = translator(language);
    const may = (action: Action) => (user ? can(user, action, hub.code) : false);
    const fmt = formatter(language, hub.timeZone);
    return {
      language,
      /** The Intl locale of the language, for the page's script (live totals). */
      locale: LOCALES[language],
      languages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
      t,
      /**
       * A form error in the reader's language: one of our messages by key (with its values as
       * the reader writes numbers), or, for a message no key words, the generic "check this".
       */
      msg: (message: string | FieldMessage) => {
        if (typeof message !== 'string') {
          const params = Object.fromEntries(
            Object.entries(message.params ?? {}).map(([name, value]) => [
              name,
              typeof value === 'number' ? fmt.num(value, 6) : value,
            ]),
          );
          return t(message.key, params);
        }
        return message in DICTIONARIES[language]
          ? t(message as MessageKey)
          : t('form.invalid', { detail: message });
      },
      hub,
      /** The hub switcher's choices, when the user acts at more than one hub. */
      hubs: hubs.length > 1 ? hubs.map((h) => ({ code: h.code, name: h.name })) : [],
      fmt,
      /**
       * A bar chart of days (or weeks by their Monday) as inline SVG, drawn by the reports'
       * renderer at a page's size with the reader's numbers and dates; the page's heading is its
       * caption.
       */
      chart: (bars: Bar[], title: string, unit: string, digits = 3) => {
        const ticks = bars.map((bar) => fmt.dayMonth(bar.label));
        const every = labelEvery(
          bars.length,
          Math.max(0, ...ticks.map((x) => x.length)),
          WEB_CHART,
        );
        // The newest bar always keeps its label; every `every`-th one back from it too.
        const shown = new Set(
          bars.filter((_, i) => (bars.length - 1 - i) % every === 0).map((bar) => bar.label),
        );
        return barChart(bars, title, unit, {
          size: WEB_CHART,
          caption: false,
          num: fmt.num,
          digits,
          tick: (label) => (shown.has(label) ? fmt.dayMonth(label) : ''),
        });
      },
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
    const user = request.web?.user;
    // The page's own hub (a dispatch's), else the chosen one; only its name and zone are shown
    // here, so an error page about a refused hub still draws (at the user's own hub).
    const hub =
      data.pageHub instanceof Hub
        ? data.pageHub
        : await this.hubs.get(
            user ? this.chosenCode(user) : this.config.get('DEFAULT_HUB', { infer: true }),
          );
    const hubs = user ? await this.switchable(user) : [];
    const current = typeof data.navCurrent === 'string' ? data.navCurrent : undefined;
    // Tables labelled cell by cell, to stack as cards on a phone (app.css).
    const html = labelTableCells(
      this.render(template, {
        ...this.layoutData(request, hub, current, hubs),
        ...data,
      }),
    );
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
