import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.service.js';
import { DomainError } from '../common/errors/domain.error.js';
import { Page, PageQuery, paginate } from '../common/pagination/page.js';
import { isMonday, lastFullWeek } from '../common/time/zoned.js';
import type { Permitted } from '../auth/permissions.js';
import { Hub } from '../hubs/hub.entity.js';
import { HubsService } from '../hubs/hubs.service.js';
import { JobName, JobPayloads, QueueName } from '../jobs/jobs.constants.js';
import { JobsService } from '../jobs/jobs.service.js';
import {
  WeeklyReportAccepted,
  WeeklyReportResponse,
  WeeklyReportSummary,
} from './dto/weekly-report.dto.js';
import { DeliveryStatus, WeeklyReport } from './weekly-report.entity.js';

export function toResponse(report: WeeklyReport, withDelivery = true): WeeklyReportResponse {
  return {
    ...report.content,
    generatedAt: report.generatedAt.toISOString(),
    version: report.version,
    ...(withDelivery && report.deliveryStatus !== DeliveryStatus.NotConfigured
      ? {
          delivery: {
            status: report.deliveryStatus,
            attempts: report.deliveryAttempts,
            deliveredAt: report.deliveredAt?.toISOString() ?? null,
            lastError: report.lastDeliveryError,
          },
        }
      : {}),
  };
}

export interface LatestWeeklyReport {
  hub: string;
  timeZone: string;
  hubCreatedAt: Date;
  weekStart: string | null;
  generatedAt: Date | null;
}

@Injectable()
export class WeeklyReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly hubs: HubsService,
    private readonly clock: Clock,
  ) {}

  async list(hub: Hub, page: PageQuery): Promise<Page<WeeklyReportSummary>> {
    const qb = this.dataSource
      .getRepository(WeeklyReport)
      .createQueryBuilder('r')
      .where('r.hubId = :hubId', { hubId: hub.id });
    const result = await paginate(qb, page, ['r.weekStart'], 'DESC', (r) => [r.weekStart]);
    return {
      items: result.items.map((r) => ({
        hub: hub.code,
        weekStart: r.weekStart,
        weekEnd: r.weekEnd,
        trucks: r.trucks,
        tonnes: r.tonnes,
        generatedAt: r.generatedAt.toISOString(),
      })),
      nextCursor: result.nextCursor,
    };
  }

  async get(hub: Hub, weekStart: string): Promise<WeeklyReportResponse> {
    this.assertMonday(weekStart);
    const report = await this.dataSource
      .getRepository(WeeklyReport)
      .findOneBy({ hubId: hub.id, weekStart });
    if (!report)
      throw new NotFoundException(`No weekly report for ${hub.code} week of ${weekStart}`);
    return toResponse(report);
  }

  /** Queues the build of a week that has ended (the last full week by default). */
  async request(hub: Hub, weekStart?: string): Promise<WeeklyReportAccepted> {
    const last = lastFullWeek(this.clock.now(), hub.timeZone);
    const week = weekStart ?? last;
    this.assertMonday(week);
    if (week > last) {
      throw new DomainError(
        'week.notEnded',
        `The week of ${week} has not ended yet at ${hub.code}`,
        { field: 'weekStart' },
      );
    }
    const job = await this.jobs.enqueue(
      JobName.BuildWeeklyReport,
      { hub: hub.code, weekStart: week },
      // Every request builds: a regeneration must never be taken for a job already done.
      { jobId: `weekly-${hub.code}-${week}-${randomUUID()}` },
    );
    return {
      jobId: job.id!,
      hub: hub.code,
      weekStart: week,
      jobUrl: `/api/reports/weekly/jobs/${job.id}`,
      reportUrl: `/api/reports/weekly/${week}?hub=${hub.code}`,
    };
  }

  /** A report job's state; 404 as for an unknown job to a user who does not act at its hub. */
  async jobState(
    jobId: string,
    user: Permitted,
  ): Promise<{ jobId: string; state: string; failedReason?: string }> {
    const job = await this.jobs.queue(QueueName.Reports).getJob(jobId);
    if (!job || job.name !== JobName.BuildWeeklyReport)
      throw new NotFoundException(`No report job ${jobId}`);
    const { hub } = job.data as JobPayloads[JobName.BuildWeeklyReport];
    this.hubs.assertFoundAt(user, 'hub.read', hub, `No report job ${jobId}`);
    const state = await job.getState();
    return { jobId, state, ...(state === 'failed' ? { failedReason: job.failedReason } : {}) };
  }

  /** Each hub with the week and time of its newest report (null before the first), for /metrics. */
  latestPerHub(): Promise<LatestWeeklyReport[]> {
    return this.dataSource.query(
      `SELECT h.code AS hub, h.time_zone AS "timeZone", h.created_at AS "hubCreatedAt",
              r.week_start::text AS "weekStart", r.generated_at AS "generatedAt"
         FROM hub h
         LEFT JOIN LATERAL (
           SELECT week_start, generated_at FROM weekly_report
            WHERE hub_id = h.id ORDER BY week_start DESC LIMIT 1
         ) r ON true`,
    );
  }

  private assertMonday(day: string): void {
    if (!isMonday(day)) {
      throw new DomainError(
        'week.notMonday',
        `weekStart must be a Monday as YYYY-MM-DD; got ${day}`,
        { field: 'weekStart' },
      );
    }
  }
}
