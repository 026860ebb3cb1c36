import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { QueueUnavailableError } from '../common/errors/queue-unavailable.error.js';
import { JobSchedule } from './job-schedule.js';
import { JobName, JobPayloads, QUEUE_OF, QueueName } from './jobs.constants.js';

/** Retries with backoff, and finished jobs kept long enough to inspect but not forever. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

const PRODUCER_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The one way jobs get onto a queue. */
@Injectable()
export class JobsService {
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
    @InjectQueue(QueueName.Stats) stats: Queue,
    @InjectQueue(QueueName.Reports) reports: Queue,
    @InjectQueue(QueueName.Energy) energy: Queue,
  ) {
    this.queues = {
      [QueueName.Maintenance]: maintenance,
      [QueueName.Stats]: stats,
      [QueueName.Reports]: reports,
      [QueueName.Energy]: energy,
    };
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  allQueues(): Queue[] {
    return Object.values(this.queues);
  }

  /** Resolves once Redis answers a PING; rejects after `ms` (per step) while it does not. */
  async ping(ms = 1500): Promise<void> {
    // BullMQ's backend client proxies the ioredis instance, which has every Redis command.
    const client = (await withTimeout(
      this.queue(QueueName.Maintenance).getBackend().client,
      ms,
      'Redis did not connect',
    )) as unknown as { ping(): Promise<string> };
    await withTimeout(client.ping(), ms, 'Redis did not answer PING');
  }

  /** Adds a job; rejects after a few seconds rather than hang while Redis is unreachable. */
  enqueue<N extends JobName>(name: N, data: JobPayloads[N], options: JobsOptions = {}) {
    return withTimeout(
      this.queue(QUEUE_OF[name]).add(name, data, { ...DEFAULT_JOB_OPTIONS, ...options }),
      PRODUCER_TIMEOUT_MS,
      `Redis did not take job ${name}`,
    );
  }

  /**
   * Registers (or updates) a repeating job under its id; idempotent, so every process may call it
   * and one scheduler results.
   */
  schedule({ id, job, pattern, tz, data }: JobSchedule) {
    return withTimeout(
      this.queue(QUEUE_OF[job]).upsertJobScheduler(
        id,
        { pattern, tz },
        { name: job, data, opts: DEFAULT_JOB_OPTIONS },
      ),
      PRODUCER_TIMEOUT_MS,
      `Redis did not take scheduler ${id}`,
    );
  }

  /** The ids of the schedulers registered on a queue. */
  async schedulerIds(queue: QueueName): Promise<string[]> {
    const schedulers = await withTimeout(
      this.queue(queue).getJobSchedulers(),
      PRODUCER_TIMEOUT_MS,
      `Redis did not list the schedulers of ${queue}`,
    );
    return schedulers.map((scheduler) => scheduler.key);
  }

  unschedule(queue: QueueName, id: string) {
    return withTimeout(
      this.queue(queue).removeJobScheduler(id),
      PRODUCER_TIMEOUT_MS,
      `Redis did not remove scheduler ${id}`,
    );
  }
}
