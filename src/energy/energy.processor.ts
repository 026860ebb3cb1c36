import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobName, JobPayloads, QueueName } from '../jobs/jobs.constants.js';
import { EnergyRollupService } from './energy-rollup.service.js';

/** Energy jobs: idempotent, so a job BullMQ delivers twice does no harm. */
@Processor(QueueName.Energy)
export class EnergyProcessor extends WorkerHost {
  private readonly logger = new Logger(EnergyProcessor.name);

  constructor(private readonly rollups: EnergyRollupService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name as JobName) {
      case JobName.RollUpEnergy: {
        // Jobs of the retired nightly run carry no event ids: the outbox holds what they were for.
        const { eventIds = [] } = job.data as Partial<JobPayloads[JobName.RollUpEnergy]>;
        const outcome = await this.rollups.applyEvents(eventIds);
        if (outcome.days) {
          this.logger.log(`Rolled up ${outcome.days} days of ${outcome.systems} PV systems`);
        }
        return outcome;
      }
      default:
        throw new Error(`Unknown job ${job.name} on ${QueueName.Energy}`);
    }
  }
}
