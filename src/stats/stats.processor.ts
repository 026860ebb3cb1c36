import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobName, JobPayloads, QueueName } from '../jobs/jobs.constants.js';
import { RollupService } from './rollup.service.js';

/** One job at a time per worker: folds touch the same rollup rows, so more would only wait. */
@Processor(QueueName.Stats, { concurrency: 1 })
export class StatsProcessor extends WorkerHost {
  constructor(private readonly rollups: RollupService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name as JobName) {
      case JobName.ApplyOutboxEvents:
        return this.rollups.applyEvents(
          (job.data as JobPayloads[JobName.ApplyOutboxEvents]).eventIds,
        );
      case JobName.RebuildStats:
        return this.rollups.rebuild();
      default:
        throw new Error(`Unknown job ${job.name} on ${QueueName.Stats}`);
    }
  }
}
