import { Logger, LoggerService } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryService } from '@nestjs/core';
import { Environment } from '../config/environment.js';
import { JobSchedule, JobScheduleSource } from './job-schedule.js';
import { JobSchedulesService } from './job-schedules.service.js';
import { JobName, QueueName } from './jobs.constants.js';
import { JobsService } from './jobs.service.js';

const purge: JobSchedule = {
  id: 'purge-idempotency-keys',
  job: JobName.PurgeIdempotencyKeys,
  pattern: '17 * * * *',
  tz: 'UTC',
  data: {},
};
const weekly = (hub: string): JobSchedule => ({
  id: `weekly-report:${hub}`,
  job: JobName.ScheduledWeeklyReport,
  pattern: '0 6 * * 1',
  tz: 'Asia/Tashkent',
  data: { hub },
});

/** A Redis of schedulers by queue, that can be made to refuse everything. */
class FakeJobs {
  readonly registered = new Map<QueueName, Set<string>>();
  down = false;
  /** A Redis that never answers. */
  hang = false;

  private async answer() {
    if (this.hang) await new Promise(() => undefined);
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
  }
  private on(queue: QueueName) {
    if (!this.registered.has(queue)) this.registered.set(queue, new Set());
    return this.registered.get(queue)!;
  }
  async schedule(schedule: JobSchedule) {
    await this.answer();
    const queue = schedule.job === JobName.PurgeIdempotencyKeys ? 'maintenance' : 'reports';
    this.on(queue as QueueName).add(schedule.id);
  }
  async schedulerIds(queue: QueueName) {
    await this.answer();
    return [...this.on(queue)];
  }
  async unschedule(queue: QueueName, id: string) {
    await this.answer();
    this.on(queue).delete(id);
  }
  ids() {
    return Object.fromEntries(
      [...this.registered]
        .filter(([, ids]) => ids.size > 0)
        .map(([q, ids]) => [q, [...ids].sort()]),
    );
  }
}

function registry(sources: JobScheduleSource[], jobs: FakeJobs) {
  const discovery = {
    getProviders: () => sources.map((instance) => ({ instance })),
  } as unknown as DiscoveryService;
  const config = { get: () => 60_000 } as unknown as ConfigService<Environment, true>;
  return new JobSchedulesService(discovery, jobs as unknown as JobsService, config);
}

describe('JobSchedulesService', () => {
  let logs: string[];
  beforeAll(() => {
    const capture = (level: string) => (message: unknown) => logs.push(`${level}: ${message}`);
    const logger: LoggerService = {
      log: capture('log'),
      error: capture('error'),
      warn: capture('warn'),
    };
    Logger.overrideLogger(logger);
  });
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));
  beforeEach(() => (logs = []));

  it('registers what every source lists and removes what none lists any more', async () => {
    const jobs = new FakeJobs();
    jobs.registered.set(QueueName.Energy, new Set([JobName.RollUpEnergy]));
    jobs.registered.set(QueueName.Reports, new Set(['weekly-report:OLD']));
    const hubs = ['TMZ', 'DXB'];
    await registry(
      [{ schedules: () => [purge] }, { schedules: async () => hubs.map(weekly) }],
      jobs,
    ).sync();
    expect(jobs.ids()).toEqual({
      maintenance: ['purge-idempotency-keys'],
      reports: ['weekly-report:DXB', 'weekly-report:TMZ'],
    });
    expect(logs).toEqual([
      'log: Removed the job scheduler weekly-report:OLD (reports): no feature lists it',
      'log: Removed the job scheduler roll-up-energy (energy): no feature lists it',
    ]);
  });

  it('registers the others when a source cannot list, and removes nothing then', async () => {
    const jobs = new FakeJobs();
    jobs.registered.set(QueueName.Reports, new Set(['weekly-report:TMZ']));
    let database = false;
    class WeeklyReportScheduler implements JobScheduleSource {
      async schedules() {
        if (!database) throw new Error('the database is down');
        return [weekly('TMZ')];
      }
    }
    const schedules = registry([{ schedules: () => [purge] }, new WeeklyReportScheduler()], jobs);
    await schedules.sync();
    await schedules.sync();
    expect(jobs.ids()).toEqual({
      maintenance: ['purge-idempotency-keys'],
      reports: ['weekly-report:TMZ'],
    });
    database = true;
    await schedules.sync();
    expect(logs).toEqual([
      'error: Could not list the job schedules of WeeklyReportScheduler: the database is down; trying again later',
      'log: Every source lists its job schedules again',
    ]);
  });

  it('logs a Redis that refuses once, however many schedulers and syncs, and once it is back', async () => {
    const jobs = new FakeJobs();
    jobs.down = true;
    const schedules = registry([{ schedules: () => [purge, weekly('TMZ'), weekly('DXB')] }], jobs);
    await schedules.sync();
    await schedules.sync();
    expect(logs).toEqual([
      'error: Could not register 3 of 3 job schedulers (Redis down?): connect ECONNREFUSED 127.0.0.1:6379; trying again later',
    ]);
    jobs.down = false;
    await schedules.sync();
    expect(jobs.ids()).toEqual({
      maintenance: ['purge-idempotency-keys'],
      reports: ['weekly-report:DXB', 'weekly-report:TMZ'],
    });
    expect(logs.slice(1)).toEqual(['log: Redis takes the job schedulers again']);
  });

  it('starts without waiting for Redis', async () => {
    const jobs = new FakeJobs();
    jobs.hang = true;
    const schedules = registry([{ schedules: () => [purge] }], jobs);
    expect(schedules.onApplicationBootstrap()).toBeUndefined();
    expect(logs).toEqual([]);
    // Clears the timer at once; the sync that hangs goes with the fake.
    void schedules.onApplicationShutdown();
  });
});
