import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../config/environment.js';
import { JobsService } from './jobs.service.js';

/** How often, while Redis is down, we ask whether it answers again. */
const RECHECK_MS = 1000;

/**
 * Says when Redis goes away and when it is back, once each, with how long it was down. Every
 * queue and worker gets an `error` listener: without one BullMQ prints each failed reconnection
 * as a raw stack trace (about ten a second while Redis is unreachable).
 */
@Injectable()
export class RedisStateService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private downSince?: number;
  private recheck?: NodeJS.Timeout;

  constructor(
    private readonly jobs: JobsService,
    private readonly discovery: DiscoveryService,
    private readonly config: ConfigService<Environment, true>,
  ) {
    // At once: a queue's first connection fails before the application has finished starting.
    for (const queue of jobs.allQueues()) queue.on('error', (error) => this.failed(error));
  }

  /** Workers exist once their module has started. */
  onApplicationBootstrap(): void {
    const workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker)
      .filter((worker) => worker !== undefined);
    for (const worker of workers) worker.on('error', (error) => this.failed(error));
  }

  onApplicationShutdown(): void {
    clearInterval(this.recheck);
  }

  private failed(error: Error & { code?: string }): void {
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    this.logger.warn(
      `Redis is unreachable at ${this.address()} (${error.code ?? error.message}): jobs wait, ` +
        'recorded changes stay in the outbox until it is back',
    );
    this.recheck = setInterval(() => void this.checkBack(), RECHECK_MS);
    this.recheck.unref();
  }

  private async checkBack(): Promise<void> {
    try {
      await this.jobs.ping();
    } catch {
      return;
    }
    if (this.downSince === undefined) return;
    const seconds = ((Date.now() - this.downSince) / 1000).toFixed(1);
    this.downSince = undefined;
    clearInterval(this.recheck);
    this.logger.log(`Redis at ${this.address()} answers again, after ${seconds} s down`);
  }

  private address(): string {
    const url = new URL(this.config.get('REDIS_URL', { infer: true }));
    return `${url.hostname}:${url.port || 6379}`;
  }
}
