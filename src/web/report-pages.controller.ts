import {
  BadRequestException,
  Body,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { Can } from '../auth/auth.decorators.js';
import type { Permitted } from '../auth/permissions.js';
import { Clock } from '../common/clock.service.js';
import { PageQuery } from '../common/pagination/page.js';
import { isMonday, lastFullWeek } from '../common/time/zoned.js';
import { REPORT_FORMATS } from '../reports/dto/weekly-report.dto.js';
import { renderReport } from '../reports/render/weekly-report.render.js';
import { WeeklyReportsService } from '../reports/weekly-reports.service.js';
import { FormFailure } from './form-recorder.service.js';
import { field, FieldErrors } from './forms.js';
import type { FormBody } from './forms.js';
import { ViewsService } from './views.service.js';
import { assertDayInPath } from './web-params.js';
import { WebController } from './web-session.guard.js';
import type { WebRequest } from './web-request.js';

/** A year of weeks a page. */
const PAGE_SIZE = 52;

/**
 * The report page is renderHtml's self-contained document, as the API serves it: its inline
 * stylesheet is allowed by its hash, and nothing else at all (no script, no request out).
 */
export function reportCsp(html: string): string {
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `style-src ${styles.join(' ') || "'none'"}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The hub's weekly reports, each report's page, and (coordinators, admins) building one. */
@WebController('reports')
@Can('hub.read')
export class ReportPagesController {
  constructor(
    private readonly reports: WeeklyReportsService,
    private readonly views: ViewsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    const [cursor, week, job] = [query.cursor, query.week, query.job].map((v) =>
      typeof v === 'string' && v ? v : undefined,
    );
    const requested = week && isMonday(week) && job ? { week, job } : undefined;
    await this.show(request, response, { status: 200 }, { cursor, requested });
  }

  /** Builds (or rebuilds) a week's report in the background, as POST /api/reports/weekly. */
  @Post()
  @Can('report.build')
  async build(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    // A form drawn for a hub the user does not act at (forged) is the 403 page, nothing queued.
    const hub = await this.views.formHub(request, body, 'report.build');
    // Empty means the last full week, as in the API.
    const values = { weekStart: field(body, 'weekStart') };
    let accepted;
    try {
      accepted = await this.reports.request(hub, values.weekStart);
    } catch (error) {
      const failure = FormFailure.from(error);
      await this.show(request, response, {
        values,
        errors: failure.errors,
        failure,
        status: failure.status,
      });
      return;
    }
    response.redirect(
      303,
      `/app/reports?${new URLSearchParams({ week: accepted.weekStart, job: accepted.jobId })}`,
    );
  }

  /**
   * One week's report: the same self-contained HTML as GET /api/reports/weekly/:weekStart, or
   * with `?format=pdf|md|csv` that file (the page links each), as a signed-in browser can open.
   */
  @Get(':weekStart')
  async report(
    @Req() request: WebRequest,
    @Res() response: Response,
    @Param('weekStart') weekStart: string,
    @Query('format') format: unknown,
  ): Promise<void> {
    // Not a day at all is "Not found"; a day that is not a Monday gets the rule's wording.
    assertDayInPath(weekStart);
    const wanted = typeof format === 'string' && format ? format : 'html';
    if (wanted === 'json' || !(REPORT_FORMATS as readonly string[]).includes(wanted)) {
      throw new BadRequestException('format must be one of html, pdf, md, csv');
    }
    const hub = await this.views.hub(request);
    const report = await this.reports.get(hub, weekStart);
    const file = await renderReport(report, wanted as 'html' | 'pdf' | 'md' | 'csv', hub.timeZone);
    // setHeader: the bytes' own type, without a charset added to a PDF's
    response.status(200).setHeader('Content-Type', file.type);
    response.setHeader('Cache-Control', 'no-store');
    if (file.attachment) {
      response.setHeader('Content-Disposition', `attachment; filename="${file.name}"`);
    }
    if (wanted === 'html') {
      response.setHeader('Content-Security-Policy', reportCsp(String(file.body)));
    }
    response.send(file.body);
  }

  private async show(
    request: WebRequest,
    response: Response,
    form: {
      values?: { weekStart?: string };
      errors?: FieldErrors;
      failure?: FormFailure;
      status: number;
    },
    list: { cursor?: string; requested?: { week: string; job: string } } = {},
  ) {
    const { cursor, requested } = list;
    const hub = await this.views.hub(request);
    const page = await this.reports.list(
      hub,
      Object.assign(new PageQuery(), { limit: PAGE_SIZE, cursor: cursor || undefined }),
    );
    const lastWeek = lastFullWeek(this.clock.now(), hub.timeZone);
    await this.views.send(
      request,
      response,
      'reports',
      {
        title: 'reports.title',
        reports: page.items,
        next: page.nextCursor
          ? `/app/reports?${new URLSearchParams({ cursor: page.nextCursor })}`
          : null,
        values: { weekStart: lastWeek, ...form.values },
        lastWeek,
        errors: form.errors ?? {},
        failure: form.failure ?? null,
        requested: requested ? await this.stateOf(requested, request.web!.user) : null,
      },
      form.status,
    );
  }

  /** The build a form just asked for: whether its report is ready yet. */
  private async stateOf(requested: { week: string; job: string }, user: Permitted) {
    try {
      const { state } = await this.reports.jobState(requested.job.slice(0, 200), user);
      return { ...requested, state };
    } catch (error) {
      if (error instanceof NotFoundException) return null;
      throw error;
    }
  }
}
