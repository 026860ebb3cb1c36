import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { JobName, QueueName } from './jobs.constants.js';

/** Housekeeping jobs: idempotent, so a job BullMQ delivers twice does no harm. */
@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(private readonly idempotency: IdempotencyService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name as JobName) {
      case JobName.PurgeIdempotencyKeys: {
        const purged = await this.idempotency.purgeExpired();
        if (purged) this.logger.log(`Purged ${purged} expired idempotency records`);
        return { purged };
      }
      default:
        throw new Error(`Unknown job ${job.name} on ${QueueName.Maintenance}`);
    }
  }
}
