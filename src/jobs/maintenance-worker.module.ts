import { Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { JobName } from './jobs.constants.js';
import { JobsService } from './jobs.service.js';
import { MaintenanceProcessor } from './maintenance.processor.js';

@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceScheduler.name);

  constructor(private readonly jobs: JobsService) {}

  /** Every worker registers the same scheduler: upserting it is idempotent. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.jobs.schedule(JobName.PurgeIdempotencyKeys, '17 * * * *', 'UTC', {});
    } catch (error) {
      this.logger.error(
        `Could not register the hourly purge (Redis down?): ${(error as Error).message}`,
      );
    }
  }
}

@Module({ providers: [MaintenanceProcessor, MaintenanceScheduler] })
export class MaintenanceWorkerModule {}
