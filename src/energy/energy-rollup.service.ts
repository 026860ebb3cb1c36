import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { addDays, endOfDay, startOfDay } from '../common/time/zoned.js';
import { TransactionRunner } from '../database/transaction.js';

export interface RollupOutcome {
  systems: number;
  days: number;
}

/**
 * Folds readings into daily rollups (EnergyDay), for the days marked pending. Each day is
 * recomputed whole from its readings and replaced, never incremented, so running twice (BullMQ
 * delivers at least once) changes nothing the second time.
 */
@Injectable()
export class EnergyRollupService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  /** The pending days of one system, or of every system that has some. */
  async rollUp(systemId?: number): Promise<RollupOutcome> {
    const systemIds =
      systemId !== undefined
        ? [systemId]
        : (
            await this.dataSource.query<{ system_id: number }[]>(
              'SELECT DISTINCT system_id FROM energy_pending_day ORDER BY system_id',
            )
          ).map((row) => row.system_id);
    let days = 0;
    for (const id of systemIds) {
      days += await this.transactions.run((manager) => this.rollUpSystem(manager, id));
    }
    return { systems: systemIds.length, days };
  }

  private async rollUpSystem(manager: EntityManager, systemId: number): Promise<number> {
    // Readings of the system wait while it runs (they take the same lock), so every reading
    // committed before the pending marks were read is in the figures, and none after is lost.
    const [system] = await manager.query<{ time_zone: string }[]>(
      `SELECT h.time_zone FROM pv_system s JOIN hub h ON h.id = s.hub_id
        WHERE s.id = $1 FOR NO KEY UPDATE OF s`,
      [systemId],
    );
    if (!system) return 0;
    const pending = (
      await manager.query<{ day: string }[]>(
        'SELECT day::text AS day FROM energy_pending_day WHERE system_id = $1 ORDER BY day',
        [systemId],
      )
    ).map((row) => row.day);
    if (pending.length === 0) return 0;

    const timeZone = system.time_zone;
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
    await manager.query(
      'DELETE FROM energy_pending_day WHERE system_id = $1 AND day = ANY($2::date[])',
      [systemId, pending],
    );
    return pending.length;
  }
}
