import { Injectable } from '@nestjs/common';
import { Hub } from '../hubs/hub.entity.js';
import { HubsService } from '../hubs/hubs.service.js';
import { JobSchedule, JobScheduleSource, ScheduleSource } from '../jobs/job-schedule.js';
import { JobName } from '../jobs/jobs.constants.js';

export const WEEKLY_REPORT_CRON = '0 6 * * 1';
export const weeklySchedulerId = (hub: Pick<Hub, 'code'>) => `weekly-report:${hub.code}`;

/**
 * Per hub, the Monday 06:00 (hub time) run of the weekly report. Listed afresh at every sync of
 * the job schedules, so a hub added later gets its scheduler without a restart.
 */
@Injectable()
@ScheduleSource()
export class WeeklyReportScheduler implements JobScheduleSource {
  constructor(private readonly hubs: HubsService) {}

  async schedules(): Promise<JobSchedule[]> {
    const hubs = await this.hubs.all();
    return hubs.map((hub) => ({
      id: weeklySchedulerId(hub),
      job: JobName.ScheduledWeeklyReport,
      pattern: WEEKLY_REPORT_CRON,
      tz: hub.timeZone,
      data: { hub: hub.code },
    }));
  }
}
