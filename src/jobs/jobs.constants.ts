/**
 * Every queue and job of relief-hub, with the payload each job carries (ids, never entities).
 * Producers go through JobsService; processors live in their feature's worker module.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  Stats = 'stats',
}

export enum JobName {
  PurgeIdempotencyKeys = 'purge-idempotency-keys',
  /** Fold a batch of outbox events into the dispatch rollups. */
  ApplyOutboxEvents = 'apply-outbox-events',
  /** Recompute every rollup from the dispatch tables and swap them in. */
  RebuildStats = 'rebuild-stats',
}

export interface JobPayloads {
  [JobName.PurgeIdempotencyKeys]: Record<string, never>;
  [JobName.ApplyOutboxEvents]: { eventIds: string[] };
  [JobName.RebuildStats]: { requestedBy: string };
}

export const QUEUE_OF: Record<JobName, QueueName> = {
  [JobName.PurgeIdempotencyKeys]: QueueName.Maintenance,
  [JobName.ApplyOutboxEvents]: QueueName.Stats,
  [JobName.RebuildStats]: QueueName.Stats,
};

export type JobOf<N extends JobName> = { name: N; data: JobPayloads[N] };
