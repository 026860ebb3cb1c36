import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Hub } from '../hubs/hub.entity.js';
import { JobName } from '../jobs/jobs.constants.js';
import { JobsService } from '../jobs/jobs.service.js';

export const WEEKLY_REPORT_CRON = '0 6 * * 1';
export const weeklySchedulerId = (hub: Pick<Hub, 'code'>) => `weekly-report:${hub.code}`;

/**
 * Registers, per hub, the Monday 06:00 (hub time) scheduler of the weekly report. Every worker
 * does it on start; upserting a scheduler by id is idempotent, so one scheduler per hub results.
 * A hub added later gets its scheduler at the next worker start.
 */
@Injectable()
export class ReportsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReportsScheduler.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const hubs = await this.dataSource.getRepository(Hub).find();
    for (const hub of hubs) {
      try {
        await this.jobs.schedule(
          JobName.ScheduledWeeklyReport,
          WEEKLY_REPORT_CRON,
          hub.timeZone,
          { hub: hub.code },
          weeklySchedulerId(hub),
        );
      } catch (error) {
        this.logger.error(
          `Could not register the weekly report of ${hub.code} (Redis down?): ${(error as Error).message}`,
        );
      }
    }
  }
}
