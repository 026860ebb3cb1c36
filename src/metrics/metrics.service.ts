import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock.service.js';
import { JobsService } from '../jobs/jobs.service.js';
import { OutboxEventType } from '../outbox/outbox-event.entity.js';
import { OUTBOX_ROUTES } from '../outbox/outbox-routes.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { WeeklyReportsService } from '../reports/weekly-reports.service.js';
import { registry, useMetricsSource } from './metrics.registry.js';
import { reportOverdue } from './weekly-report-due.js';

const QUEUE_STATES = ['waiting', 'active', 'failed', 'delayed'] as const;

/**
 * Feeds the gauges of metrics.registry.ts from this app's services. Each is computed on scrape:
 * one grouped query on the outbox (which holds only pending events), one on the newest report
 * per hub (the unique index on hub and week), and BullMQ's job counts per queue.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly outbox: OutboxService,
    private readonly jobs: JobsService,
    private readonly reports: WeeklyReportsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    useMetricsSource({
      outbox: () => this.outbox.backlog(),
      foldOf: (type) => OUTBOX_ROUTES[type as OutboxEventType].job,
      folds: () => [...new Set(Object.values(OUTBOX_ROUTES).map((route) => route.job))],
      queues: () =>
        Promise.all(
          this.jobs.allQueues().map(async (queue) => ({
            queue: queue.name,
            counts: await queue.getJobCounts(...QUEUE_STATES),
          })),
        ),
      weeklyReports: async () => {
        const now = this.clock.now();
        return (await this.reports.latestPerHub()).map((hub) => ({
          hub: hub.hub,
          generatedAt: hub.generatedAt,
          overdue: reportOverdue(hub, now),
        }));
      },
    });
  }

  onModuleDestroy(): void {
    useMetricsSource(undefined);
  }

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return registry.metrics();
  }

  contentType(): string {
    return registry.contentType;
  }
}
