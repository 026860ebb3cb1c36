import { Injectable } from '@nestjs/common';
import { JobSchedule, JobScheduleSource, ScheduleSource } from './job-schedule.js';
import { JobName } from './jobs.constants.js';

/** Housekeeping on the hour: expired idempotency records. */
@Injectable()
@ScheduleSource()
export class MaintenanceScheduler implements JobScheduleSource {
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
