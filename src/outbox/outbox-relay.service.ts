import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Environment } from '../config/environment.js';
import { JobsService } from '../jobs/jobs.service.js';
import { OutboxEventType } from './outbox-event.entity.js';
import { OUTBOX_ROUTES, OutboxJobName } from './outbox-routes.js';

const BATCH = 500;

/**
 * Moves committed outbox events onto their queues, in batches: each event type to the job
 * OUTBOX_ROUTES names. Redis down means the events wait in PostgreSQL (late, never lost); an
 * event still pending long after it was queued is queued again, and the processors'
 * exactly-once folds make the repeat harmless. Any number of relays may run: rows are claimed
 * with FOR UPDATE SKIP LOCKED.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private failing = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for a tick under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Publishes one batch; returns how many events it queued. */
  async publishBatch(): Promise<number> {
    const republishAfterMs = this.config.get('OUTBOX_REPUBLISH_AFTER_MS', { infer: true });
    return this.dataSource.transaction(async (manager) => {
      const types = await this.openTypes(manager);
      if (types.length === 0) return 0;
      const rows: { id: string; type: OutboxEventType }[] = await manager.query(
        `SELECT id, type FROM outbox_event
          WHERE type = ANY($3::outbox_event_type[])
            AND (published_at IS NULL OR published_at < now() - $1::int * interval '1 millisecond')
          ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [republishAfterMs, BATCH, types],
      );
      if (rows.length === 0) return 0;
      const byJob = new Map<OutboxJobName, string[]>();
      for (const { id, type } of rows) {
        const { job } = OUTBOX_ROUTES[type];
        if (!byJob.has(job)) byJob.set(job, []);
        byJob.get(job)!.push(id);
      }
      for (const [job, eventIds] of byJob) {
        await this.jobs.enqueue(
          job,
          { eventIds },
          { jobId: `outbox-${eventIds[0]}-${eventIds.length}-${Date.now()}` },
        );
      }
      await manager.query(
        'UPDATE outbox_event SET published_at = now() WHERE id = ANY($1::bigint[])',
        [rows.map((row) => row.id)],
      );
      return rows.length;
    });
  }

  /**
   * The event types this transaction may publish: those without a gate, and those whose gate
   * it took shared. A closed gate holds back only its own events (a statistics rebuild does not
   * delay the energy rollups).
   */
  private async openTypes(manager: EntityManager): Promise<OutboxEventType[]> {
    const open = new Map<number, boolean>();
    for (const { gate } of Object.values(OUTBOX_ROUTES)) {
      if (gate === undefined || open.has(gate)) continue;
      const [{ locked }] = await manager.query(
        'SELECT pg_try_advisory_xact_lock_shared($1) AS locked',
        [gate],
      );
      open.set(gate, locked);
    }
    return (Object.keys(OUTBOX_ROUTES) as OutboxEventType[]).filter((type) => {
      const { gate } = OUTBOX_ROUTES[type];
      return gate === undefined || open.get(gate);
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    const pollMs = this.config.get('OUTBOX_POLL_MS', { infer: true });
    try {
      const published = await this.publishBatch();
      if (this.failing) this.logger.log('Outbox relay is publishing again');
      this.failing = false;
      this.schedule(published === BATCH ? 0 : pollMs);
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(
          `Outbox relay cannot publish (events wait in the database): ${(error as Error).message}`,
        );
      }
      this.failing = true;
      this.schedule(Math.max(pollMs, 1000));
    }
  }
}
