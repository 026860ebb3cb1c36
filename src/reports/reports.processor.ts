import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { Clock } from '../common/clock.service.js';
import { lastFullWeek } from '../common/time/zoned.js';
import { HubsService } from '../hubs/hubs.service.js';
import { JobName, JobPayloads, QueueName } from '../jobs/jobs.constants.js';
import { WeeklyReportBuilder } from './weekly-report-builder.service.js';
import { WeeklyReportDelivery } from './weekly-report-delivery.service.js';

@Processor(QueueName.Reports)
export class ReportsProcessor extends WorkerHost {
  constructor(
    private readonly builder: WeeklyReportBuilder,
    private readonly delivery: WeeklyReportDelivery,
    private readonly hubs: HubsService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name as JobName) {
      case JobName.ScheduledWeeklyReport: {
        const { hub: code } = job.data as JobPayloads[JobName.ScheduledWeeklyReport];
        const hub = await this.hubs.get(code);
        return this.builder.build(hub, lastFullWeek(this.clock.now(), hub.timeZone));
      }
      case JobName.BuildWeeklyReport: {
        const { hub, weekStart } = job.data as JobPayloads[JobName.BuildWeeklyReport];
        return this.builder.build(await this.hubs.get(hub), weekStart);
      }
      case JobName.DeliverWeeklyReport: {
        const { reportId, version } = job.data as JobPayloads[JobName.DeliverWeeklyReport];
        return this.delivery.deliver(reportId, version);
      }
      default:
        throw new Error(`Unknown job ${job.name} on ${QueueName.Reports}`);
    }
  }
}
