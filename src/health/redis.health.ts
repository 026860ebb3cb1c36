import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { JobsService } from '../jobs/jobs.service.js';

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms),
    ),
  ]);

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly jobs: JobsService,
  ) {}

  async ping(key: string) {
    const indicator = this.health.check(key);
    try {
      await this.jobs.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }

  /** Jobs waiting, delayed, running and failed per queue: a growing backlog means workers lag. */
  async backlog(key: string) {
    const indicator = this.health.check(key);
    try {
      const counts = await withTimeout(
        Promise.all(
          this.jobs
            .allQueues()
            .map(async (queue) => [
              queue.name,
              await queue.getJobCounts('waiting', 'delayed', 'active', 'failed'),
            ]),
        ),
        1500,
      );
      return indicator.up(Object.fromEntries(counts));
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
