/**
 * Every queue and job of relief-hub, with the payload each job carries (ids, never entities).
 * Producers go through JobsService; processors live in their feature's worker module.
 */
export enum QueueName {
  Maintenance = 'maintenance',
}

export enum JobName {
  PurgeIdempotencyKeys = 'purge-idempotency-keys',
}

export interface JobPayloads {
  [JobName.PurgeIdempotencyKeys]: Record<string, never>;
}

export const QUEUE_OF: Record<JobName, QueueName> = {
  [JobName.PurgeIdempotencyKeys]: QueueName.Maintenance,
};

export type JobOf<N extends JobName> = { name: N; data: JobPayloads[N] };
