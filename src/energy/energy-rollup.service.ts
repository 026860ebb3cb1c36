import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { addDays, endOfDay, startOfDay } from '../common/time/zoned.js';
import { TransactionRunner } from '../database/transaction.js';
import { JobName } from '../jobs/jobs.constants.js';
import { OutboxEventType } from '../outbox/outbox-event.entity.js';
import { eventTypesFor } from '../outbox/outbox-routes.js';
import { OutboxService } from '../outbox/outbox.service.js';

/** The outbox events the energy rollups fold: readings stored. */
export const ENERGY_EVENTS = eventTypesFor(JobName.RollUpEnergy) as [
  OutboxEventType.EnergyReadingsRecorded,
];

export interface RollupOutcome {
  /** Events folded (0 when another delivery of the job folded them already). */
  applied: number;
  systems: number;
  days: number;
}

/**
 * Folds readings into daily rollups (EnergyDay), for the days named by outbox events. Each day
 * is recomputed whole from its readings and replaced, never incremented, and the events are
 * deleted in the same transaction, so a job delivered twice changes nothing the second time.
 */
@Injectable()
export class EnergyRollupService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly outbox: OutboxService,
  ) {}

  /** The days these events name, of every system they name, in one transaction. */
  applyEvents(eventIds: string[]): Promise<RollupOutcome> {
    return this.transactions.run(async (manager) => {
      const events = await this.outbox.take(manager, eventIds, ENERGY_EVENTS);
      const daysBySystem = new Map<number, Set<string>>();
      for (const { payload } of events) {
        const days = daysBySystem.get(payload.systemId) ?? new Set<string>();
        payload.days.forEach((day) => days.add(day));
        daysBySystem.set(payload.systemId, days);
      }
      const systemIds = [...daysBySystem.keys()].sort((a, b) => a - b);
      // Readings of these systems wait while this runs (they take the same lock, in the same
      // order), so every reading committed before the lock is in the figures, and one committed
      // after it has an event of its own that a later job folds.
      const systems = await manager.query<{ id: number; time_zone: string }[]>(
        `SELECT s.id, h.time_zone FROM pv_system s JOIN hub h ON h.id = s.hub_id
          WHERE s.id = ANY($1::int[]) ORDER BY s.id FOR NO KEY UPDATE OF s`,
        [systemIds],
      );
      let days = 0;
      for (const system of systems) {
        const pending = [...daysBySystem.get(system.id)!].sort();
        await this.rollUpDays(manager, system.id, system.time_zone, pending);
        days += pending.length;
      }
      return { applied: events.length, systems: systems.length, days };
    });
  }

  private async rollUpDays(
    manager: EntityManager,
    systemId: number,
    timeZone: string,
    pending: string[],
  ): Promise<void> {
    // A day either side: the bounds only narrow the index scan; the day test is exact.
    const from = startOfDay(addDays(pending[0], -1), timeZone);
    const to = endOfDay(addDays(pending[pending.length - 1], 1), timeZone);
    await manager.query('DELETE FROM energy_day WHERE system_id = $1 AND day = ANY($2::date[])', [
      systemId,
      pending,
    ]);
    await manager.query(
      `INSERT INTO energy_day (system_id, day, readings, readings_with_consumption,
              readings_with_grid_import, readings_with_export, readings_with_irradiation,
              generated_kwh, consumed_kwh, grid_import_kwh, exported_kwh, irradiation_kwh_m2,
              computed_at)
       SELECT r.system_id, d.day, count(*), count(r.consumed_kwh), count(r.grid_import_kwh),
              count(r.exported_kwh), count(r.irradiation_kwh_m2), sum(r.generated_kwh),
              COALESCE(sum(r.consumed_kwh), 0), COALESCE(sum(r.grid_import_kwh), 0),
              COALESCE(sum(r.exported_kwh), 0), COALESCE(sum(r.irradiation_kwh_m2), 0), now()
         FROM energy_reading r
        CROSS JOIN LATERAL (SELECT (r.starts_at AT TIME ZONE $2)::date AS day) d
        WHERE r.system_id = $1 AND r.starts_at >= $4 AND r.starts_at < $5
          AND d.day = ANY($3::date[])
        GROUP BY r.system_id, d.day`,
      [systemId, timeZone, pending, from, to],
    );
  }
}
