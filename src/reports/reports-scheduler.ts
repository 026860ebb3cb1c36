import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Environment } from '../config/environment.js';
import { Hub } from '../hubs/hub.entity.js';
import { JobName } from '../jobs/jobs.constants.js';
import { JobsService } from '../jobs/jobs.service.js';

export const WEEKLY_REPORT_CRON = '0 6 * * 1';
export const weeklySchedulerId = (hub: Pick<Hub, 'code'>) => `weekly-report:${hub.code}`;

/**
 * Registers, per hub, the Monday 06:00 (hub time) scheduler of the weekly report. Every worker
 * does it on start and again every REPORT_SCHEDULES_SYNC_MS, so a hub added later (or a start
 * while Redis was down) gets its scheduler without a restart; upserting a scheduler by id is
 * idempotent, so one scheduler per hub results however many workers run.
 */
@Injectable()
export class ReportsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReportsScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sync();
    const every = this.config.get('REPORT_SCHEDULES_SYNC_MS', { infer: true });
    this.timer = setInterval(() => {
      this.running ??= this.sync().finally(() => (this.running = undefined));
    }, every);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Upserts every hub's scheduler; a hub Redis refuses is logged and tried again next time. */
  async sync(): Promise<void> {
    let hubs: Hub[];
    try {
      hubs = await this.dataSource.getRepository(Hub).find();
    } catch (error) {
      this.logger.error(`Could not list the hubs to schedule: ${(error as Error).message}`);
      return;
    }
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
