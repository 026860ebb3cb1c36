/**
 * Every queue and job of relief-hub, with the payload each job carries (ids, never entities).
 * Producers go through JobsService; processors live in their feature's worker module.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  Stats = 'stats',
  Reports = 'reports',
  Energy = 'energy',
}

export enum JobName {
  PurgeIdempotencyKeys = 'purge-idempotency-keys',
  /** Fold a batch of outbox events into the dispatch rollups. */
  ApplyOutboxEvents = 'apply-outbox-events',
  /** Recompute every rollup from the dispatch tables and swap them in. */
  RebuildStats = 'rebuild-stats',
  /** Monday 06:00 hub time: the report of the week that just ended. */
  ScheduledWeeklyReport = 'scheduled-weekly-report',
  /** A report asked for through the API (or regenerated). */
  BuildWeeklyReport = 'build-weekly-report',
  /** POST a report version to REPORT_WEBHOOK_URL. */
  DeliverWeeklyReport = 'deliver-weekly-report',
  /** Fold a batch of energy outbox events: recompute the daily rollups of the days they name. */
  RollUpEnergy = 'roll-up-energy',
}

export interface JobPayloads {
  [JobName.PurgeIdempotencyKeys]: Record<string, never>;
  [JobName.ApplyOutboxEvents]: { eventIds: string[] };
  [JobName.RebuildStats]: { requestedBy: string };
  [JobName.ScheduledWeeklyReport]: { hub: string };
  [JobName.BuildWeeklyReport]: { hub: string; weekStart: string };
  [JobName.DeliverWeeklyReport]: { reportId: string; version: number };
  [JobName.RollUpEnergy]: { eventIds: string[] };
}

export const QUEUE_OF: Record<JobName, QueueName> = {
  [JobName.PurgeIdempotencyKeys]: QueueName.Maintenance,
  [JobName.ApplyOutboxEvents]: QueueName.Stats,
  [JobName.RebuildStats]: QueueName.Stats,
  [JobName.ScheduledWeeklyReport]: QueueName.Reports,
  [JobName.BuildWeeklyReport]: QueueName.Reports,
  [JobName.DeliverWeeklyReport]: QueueName.Reports,
  [JobName.RollUpEnergy]: QueueName.Energy,
};
