/**
 * Every queue and job of relief-hub, with the payload each job carries (ids, never entities).
 * Producers go through JobsService; processors live in their feature's worker module.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  Energy = 'energy',
}

export enum JobName {
  PurgeIdempotencyKeys = 'purge-idempotency-keys',
  RollUpEnergy = 'roll-up-energy',
}

export interface JobPayloads {
  [JobName.PurgeIdempotencyKeys]: Record<string, never>;
  /**
   * Recomputes the daily rollups of the days marked pending: of one PV system (enqueued after
   * its readings commit) or, without `systemId`, of every system (the nightly catch-up).
   */
  [JobName.RollUpEnergy]: { systemId?: number };
}

export const QUEUE_OF: Record<JobName, QueueName> = {
  [JobName.PurgeIdempotencyKeys]: QueueName.Maintenance,
  [JobName.RollUpEnergy]: QueueName.Energy,
};

export type JobOf<N extends JobName> = { name: N; data: JobPayloads[N] };
