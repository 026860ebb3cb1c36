import { DiscoveryService } from '@nestjs/core';
import { JobName, JobPayloads } from './jobs.constants.js';

/** A repeating job: `job` with `data`, at every time `pattern` (cron) matches in `tz`. */
export type JobSchedule = {
  [N in JobName]: {
    /** Unique on its job's queue: upserting by id keeps one scheduler however many workers run. */
    id: string;
    job: N;
    pattern: string;
    /** The IANA time zone the pattern is read in. */
    tz: string;
    data: JobPayloads[N];
  };
}[JobName];

/** A feature's repeating jobs, as they should be now (hubs come and go). */
export interface JobScheduleSource {
  schedules(): JobSchedule[] | Promise<JobSchedule[]>;
}

/**
 * Marks a provider as a JobScheduleSource: the worker's JobSchedulesService finds every one and
 * registers what they list. A feature adds a repeating job by listing it, nowhere else.
 */
export const ScheduleSource = DiscoveryService.createDecorator<void>();
