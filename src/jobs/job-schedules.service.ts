import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryService } from '@nestjs/core';
import { Environment } from '../config/environment.js';
import { JobSchedule, JobScheduleSource, ScheduleSource } from './job-schedule.js';
import { QUEUE_OF, QueueName } from './jobs.constants.js';
import { JobsService } from './jobs.service.js';

/** What can go wrong in a sync, each logged once when it starts and once when it is over. */
type Failure = 'list' | 'register' | 'prune';

const RECOVERED: Record<Failure, string> = {
  list: 'Every source lists its job schedules again',
  register: 'Redis takes the job schedulers again',
  prune: 'Retired job schedulers are removed again',
};

/**
 * The one place repeating jobs are registered: asks every @ScheduleSource() provider for its
 * schedules and upserts them all, on start and again every SCHEDULES_SYNC_MS, so a Redis that lost
 * its data, a start while Redis was down or a hub added since gets its schedulers back within one
 * period, without a restart. Upserting by id is idempotent: one scheduler per id however many
 * workers run. Once every source has listed and Redis has taken everything, schedulers no source
 * lists any more (a hub gone, a job retired) are removed.
 */
@Injectable()
export class JobSchedulesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobSchedulesService.name);
  private readonly failing = new Set<Failure>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly jobs: JobsService,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  /** Starts syncing in the background: a start never waits for Redis. */
  onApplicationBootstrap(): void {
    this.kick();
    const every = this.config.get('SCHEDULES_SYNC_MS', { infer: true });
    this.timer = setInterval(() => this.kick(), every);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Upserts every source's schedules, then removes the schedulers none lists. Never throws. */
  async sync(): Promise<void> {
    const sources = this.discovery
      .getProviders({ metadataKey: ScheduleSource.KEY })
      .map((wrapper) => wrapper.instance as JobScheduleSource)
      .filter((source) => source !== undefined);
    const listed = await Promise.allSettled(sources.map(async (source) => source.schedules()));
    const wanted = listed.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
    const unlisted = listed.flatMap((result, i) =>
      result.status === 'rejected' ? [`${sources[i].constructor.name}: ${message(result)}`] : [],
    );
    this.outcome(
      'list',
      unlisted.length === 0,
      () => `Could not list the job schedules of ${unlisted.join('; ')}; trying again later`,
    );

    const registered = await Promise.allSettled(wanted.map((s) => this.jobs.schedule(s)));
    const refused = registered.filter((result) => result.status === 'rejected');
    this.outcome(
      'register',
      refused.length === 0,
      () =>
        `Could not register ${refused.length} of ${wanted.length} job schedulers ` +
        `(Redis down?): ${message(refused[0])}; trying again later`,
    );

    if (unlisted.length === 0 && refused.length === 0) await this.prune(wanted);
  }

  private kick(): void {
    this.running ??= this.sync().finally(() => (this.running = undefined));
  }

  private async prune(wanted: JobSchedule[]): Promise<void> {
    try {
      for (const queue of Object.values(QueueName)) {
        const keep = new Set(wanted.filter((s) => QUEUE_OF[s.job] === queue).map((s) => s.id));
        for (const id of await this.jobs.schedulerIds(queue)) {
          if (keep.has(id)) continue;
          await this.jobs.unschedule(queue, id);
          this.logger.log(`Removed the job scheduler ${id} (${queue}): no feature lists it`);
        }
      }
      this.outcome('prune', true, () => '');
    } catch (error) {
      this.outcome(
        'prune',
        false,
        () => `Could not remove retired job schedulers: ${(error as Error).message}`,
      );
    }
  }

  /** Logs a failure when it starts, and once when it is over, not at every sync in between. */
  private outcome(failure: Failure, ok: boolean, describe: () => string): void {
    if (ok) {
      if (this.failing.delete(failure)) this.logger.log(RECOVERED[failure]);
      return;
    }
    if (!this.failing.has(failure)) this.logger.error(describe());
    this.failing.add(failure);
  }
}

function message(result: PromiseSettledResult<unknown>): string {
  return result.status === 'rejected' ? (result.reason as Error).message : '';
}
