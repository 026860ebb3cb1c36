import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Can, CurrentUser } from '../auth/auth.decorators.js';
import { User } from '../auth/user.entity.js';
import { HubsService } from '../hubs/hubs.service.js';
import { HubPageQuery } from '../hubs/dto/hub-query.dto.js';
import {
  ReportJobState,
  RequestWeeklyReportDto,
  WeeklyReportAccepted,
  WeeklyReportQuery,
  WeeklyReportResponse,
  WeeklyReportSummary,
} from './dto/weekly-report.dto.js';
import { renderReport } from './render/weekly-report.render.js';
import { WeeklyReportsService } from './weekly-reports.service.js';
import { ApiErrors, ApiPage, ApiReturns } from '../common/openapi/api-responses.js';

@ApiErrors(401, 429)
@ApiTags('reports')
@ApiBearerAuth()
@Can('hub.read')
@Controller('reports/weekly')
export class ReportsController {
  constructor(
    private readonly reports: WeeklyReportsService,
    private readonly hubs: HubsService,
  ) {}

  /** The hub's weekly reports, newest week first. */
  @ApiPage(WeeklyReportSummary, 'A page of weekly reports')
  @ApiErrors(400, 422)
  @Get()
  async list(@Query() query: HubPageQuery, @CurrentUser() user: User) {
    return this.reports.list(await this.hubs.resolveFor(user, 'hub.read', query.hub), query);
  }

  /** Builds (or rebuilds) a week's report in the background: 202, then it appears. */
  @ApiErrors(400, 403, 422, 503)
  @Post()
  @HttpCode(202)
  @Can('report.build')
  async request(
    @Body() dto: RequestWeeklyReportDto,
    @CurrentUser() user: User,
  ): Promise<WeeklyReportAccepted> {
    return this.reports.request(
      await this.hubs.resolveFor(user, 'report.build', dto.hub),
      dto.weekStart,
    );
  }

  /** The state of a report job: waiting, active, completed or failed. */
  @ApiReturns("The job's state", { 'application/json': ReportJobState })
  @ApiErrors(404)
  @Get('jobs/:jobId')
  jobState(@Param('jobId') jobId: string, @CurrentUser() user: User) {
    return this.reports.jobState(jobId, user);
  }

  /** One week (weekStart a Monday): JSON, or ?format=md|csv|html|pdf. */
  @ApiReturns(
    'The report: JSON, or as `format` asks, Markdown, CSV (a row per dispatch), a self-contained HTML page or an A4 PDF (a download)',
    {
      'application/json': WeeklyReportResponse,
      'text/markdown': 'text',
      'text/csv': 'text',
      'text/html': 'text',
      'application/pdf': 'binary',
    },
  )
  @ApiErrors(400, 404, 422)
  @Get(':weekStart')
  @ApiProduces('application/json', 'text/markdown', 'text/csv', 'text/html', 'application/pdf')
  async get(
    @Param('weekStart') weekStart: string,
    @Query() query: WeeklyReportQuery,
    @CurrentUser() user: User,
    @Res({ passthrough: true }) response: Response,
  ) {
    const hub = await this.hubs.resolveFor(user, 'hub.read', query.hub);
    const report = await this.reports.get(hub, weekStart);
    const format = query.format ?? 'json';
    if (format === 'json') return report;
    const file = await renderReport(report, format, hub.timeZone);
    const disposition = file.attachment ? `attachment; filename="${file.name}"` : undefined;
    if (typeof file.body !== 'string') {
      // Bytes as they are (a text body would be given a charset).
      return new StreamableFile(file.body, { type: file.type, disposition });
    }
    response.type(file.type);
    if (disposition) response.setHeader('Content-Disposition', disposition);
    return file.body;
  }
}
