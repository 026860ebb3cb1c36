import { Injectable, Module } from '@nestjs/common';
import { JobSchedule, JobScheduleSource, ScheduleSource } from './job-schedule.js';
import { JobName } from './jobs.constants.js';
import { MaintenanceProcessor } from './maintenance.processor.js';

/** Housekeeping on the hour: expired idempotency records. */
@Injectable()
@ScheduleSource()
export class MaintenanceSchedules implements JobScheduleSource {
  schedules(): JobSchedule[] {
    return [
      {
        id: JobName.PurgeIdempotencyKeys,
        job: JobName.PurgeIdempotencyKeys,
        pattern: '17 * * * *',
        tz: 'UTC',
        data: {},
      },
    ];
  }
}

@Module({ providers: [MaintenanceProcessor, MaintenanceSchedules] })
export class MaintenanceWorkerModule {}
