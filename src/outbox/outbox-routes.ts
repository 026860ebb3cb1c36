import { ADVISORY_LOCK } from '../database/advisory-locks.js';
import { JobName, JobPayloads } from '../jobs/jobs.constants.js';
import { OutboxEventType } from './outbox-event.entity.js';

/** The jobs that fold outbox events: each carries the ids of the events it folds. */
export type OutboxJobName = {
  [N in JobName]: JobPayloads[N] extends { eventIds: string[] } ? N : never;
}[JobName];

export interface OutboxRoute {
  /** The job the relay puts these events on (in batches); it deletes them as it folds them. */
  job: OutboxJobName;
  /**
   * An advisory lock the relay takes shared before it publishes these events: while another
   * holds it exclusively (a statistics rebuild, which folds them itself), they wait.
   */
  gate?: number;
}

/** Where each event type goes: the one place that says which job folds which events. */
export const OUTBOX_ROUTES: Record<OutboxEventType, OutboxRoute> = {
  [OutboxEventType.DispatchRecorded]: {
    job: JobName.ApplyOutboxEvents,
    gate: ADVISORY_LOCK.rollups,
  },
  [OutboxEventType.DispatchCancelled]: {
    job: JobName.ApplyOutboxEvents,
    gate: ADVISORY_LOCK.rollups,
  },
  [OutboxEventType.DispatchesImported]: {
    job: JobName.ApplyOutboxEvents,
    gate: ADVISORY_LOCK.rollups,
  },
  [OutboxEventType.EnergyReadingsRecorded]: { job: JobName.RollUpEnergy },
};

/** The event types a job folds. */
export function eventTypesFor(job: OutboxJobName): OutboxEventType[] {
  return (Object.keys(OUTBOX_ROUTES) as OutboxEventType[]).filter(
    (type) => OUTBOX_ROUTES[type].job === job,
  );
}
