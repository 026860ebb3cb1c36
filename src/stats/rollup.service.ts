import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { dispatchNotCancelledSql, dispatchTonnageKgSql } from '../common/dispatch-rules.js';
import { ADVISORY_LOCK } from '../database/advisory-locks.js';
import { runStatement } from '../database/run-statement.js';
import { retryOnConflict } from '../database/transaction.js';
import { JobName } from '../jobs/jobs.constants.js';
import { OutboxEventType } from '../outbox/outbox-event.entity.js';
import { eventTypesFor } from '../outbox/outbox-routes.js';
import { OutboxService, PendingEvent } from '../outbox/outbox.service.js';

/** The outbox events the statistics fold: dispatches recorded, cancelled, imported. */
export const DISPATCH_EVENTS = eventTypesFor(JobName.ApplyOutboxEvents);

const CATCH_UP_BATCH = 500;

/** The day of a dispatch in its hub's time zone. */
const DAY = `(d.dispatched_at AT TIME ZONE h.time_zone)::date`;
const EMERGENCY = `COALESCE(d.emergency, '')`;
const TONNAGE = dispatchTonnageKgSql('d');
const NOT_CANCELLED = dispatchNotCancelledSql('d');

/**
 * Each dispatch's own emissions (computed once when it was recorded, src/common/emissions.ts),
 * summed like its tonnage: a rebuild adds up the same stored figures the folds did.
 */
const EMISSION_COLUMNS = 'tonne_km, co2e_kg, fuel_trucks, default_trucks';
const EMISSION_SUMS = (sign = '') =>
  [
    `${sign}COALESCE(sum(d.tonne_km), 0)`,
    `${sign}COALESCE(sum(d.co2e_kg), 0)`,
    `${sign}count(*) FILTER (WHERE d.emission_method = 'fuel')`,
    `${sign}count(*) FILTER (WHERE d.emission_method = 'default')`,
  ].join(', ');

/** The two grains the rollups are kept at: days, and calendar months (hub time). */
const GRAINS = [
  {
    trucks: 'dispatch_rollup',
    items: 'dispatch_item_rollup',
    period: 'day',
    of: DAY,
    next: '1 day',
    // the item rollup's own key columns besides hub, period, emergency and item
    itemsBy: ['destination_id'],
  },
  {
    trucks: 'dispatch_month_rollup',
    items: 'dispatch_item_month_rollup',
    period: 'month',
    of: `date_trunc('month', d.dispatched_at AT TIME ZONE h.time_zone)::date`,
    next: '1 month',
    itemsBy: [],
  },
] as const;

/** "1, 2, ..., n": the first n output columns. */
const groupBy = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(', ');

/**
 * The dispatches by id ($1) or by import ($2), each once, and below each one's lines, looked up by
 * index one id at a time (LATERAL; LIMIT and OFFSET keep PostgreSQL from turning it back into a
 * join of its choosing). As plain joins, the plan the workers prepared while the tables were small
 * and never analysed (autovacuum off, or before its first ANALYZE) hashed each batch against a
 * scan of the whole of `dispatch` and `dispatch_line`, and kept doing so as they grew: in 65 s of
 * load from an empty database, 1,300-1,800 scans reading 13-20 million rows, and a batch's folds
 * took 17-26 ms of PostgreSQL's time where they now take 7 ms.
 */
const TARGETS = `
  targets AS (
    SELECT d.* FROM (SELECT DISTINCT id FROM unnest($1::uuid[]) AS u(id)) t
      CROSS JOIN LATERAL (SELECT * FROM dispatch WHERE id = t.id LIMIT 1) d
    UNION ALL
    SELECT d.* FROM (SELECT DISTINCT id FROM unnest($2::uuid[]) AS u(id)) i
      CROSS JOIN LATERAL (SELECT * FROM dispatch WHERE import_id = i.id OFFSET 0) d
  )`;

/** Each target's lines, by the index on (dispatch_id, item_id) (see TARGETS). */
const TARGET_LINES = `CROSS JOIN LATERAL (
      SELECT item_id, quantity, weight_kg, volume_m3 FROM dispatch_line WHERE dispatch_id = d.id
      OFFSET 0
    ) l`;

/** What a batch of events adds to (sign 1) or takes from (sign -1) every rollup. */
export const FOLD = GRAINS.flatMap((g) => [
  `WITH ${TARGETS}
  INSERT INTO ${g.trucks} AS r
    (hub_id, ${g.period}, destination_id, emergency, trucks, tonnage_kg, volume_m3,
     ${EMISSION_COLUMNS}, first_dispatch_at, last_dispatch_at, households)
  SELECT d.hub_id, ${g.of}, d.destination_id, ${EMERGENCY},
         $3::int * count(*), $3::int * sum(${TONNAGE}), $3::int * sum(d.volume_m3),
         ${EMISSION_SUMS('$3::int * ')}, min(d.dispatched_at), max(d.dispatched_at),
         $3::int * sum(d.households)
    FROM targets d JOIN hub h ON h.id = d.hub_id
   GROUP BY 1, 2, 3, 4
   ORDER BY 1, 2, 3, 4
  ON CONFLICT (hub_id, ${g.period}, destination_id, emergency) DO UPDATE SET
    trucks = r.trucks + EXCLUDED.trucks,
    tonnage_kg = r.tonnage_kg + EXCLUDED.tonnage_kg,
    volume_m3 = r.volume_m3 + EXCLUDED.volume_m3,
    tonne_km = r.tonne_km + EXCLUDED.tonne_km,
    co2e_kg = r.co2e_kg + EXCLUDED.co2e_kg,
    fuel_trucks = r.fuel_trucks + EXCLUDED.fuel_trucks,
    default_trucks = r.default_trucks + EXCLUDED.default_trucks,
    households = r.households + EXCLUDED.households,
    first_dispatch_at = CASE WHEN EXCLUDED.trucks > 0
      THEN LEAST(r.first_dispatch_at, EXCLUDED.first_dispatch_at) ELSE r.first_dispatch_at END,
    last_dispatch_at = CASE WHEN EXCLUDED.trucks > 0
      THEN GREATEST(r.last_dispatch_at, EXCLUDED.last_dispatch_at) ELSE r.last_dispatch_at END`,
  `WITH ${TARGETS}
  INSERT INTO ${g.items} AS r
    (hub_id, ${g.period}, ${g.itemsBy.map((c) => `${c}, `).join('')}emergency, item_id,
     quantity, weight_kg, volume_m3)
  SELECT d.hub_id, ${g.of}, ${g.itemsBy.map((c) => `d.${c}, `).join('')}${EMERGENCY}, l.item_id,
         $3::int * sum(l.quantity), $3::int * sum(l.weight_kg), $3::int * sum(l.volume_m3)
    FROM targets d JOIN hub h ON h.id = d.hub_id
    ${TARGET_LINES}
   GROUP BY ${groupBy(4 + g.itemsBy.length)}
   ORDER BY ${groupBy(4 + g.itemsBy.length)}
  ON CONFLICT (hub_id, ${g.period}, ${g.itemsBy.map((c) => `${c}, `).join('')}emergency, item_id)
  DO UPDATE SET
    quantity = r.quantity + EXCLUDED.quantity,
    weight_kg = r.weight_kg + EXCLUDED.weight_kg,
    volume_m3 = r.volume_m3 + EXCLUDED.volume_m3`,
]);

/** The rollup groups of the cancelled dispatches ($1), at one grain. */
const cancelledGroups = (g: (typeof GRAINS)[number]) => `
  groups AS (
    SELECT DISTINCT d.hub_id, ${g.of} AS period, d.destination_id, ${EMERGENCY} AS emergency
      FROM dispatch d JOIN hub h ON h.id = d.hub_id
     WHERE d.id = ANY($1::uuid[])
  )`;

/** After taking trucks out: first/last dispatch times again from what is left; empty rows go. */
const TIDY_AFTER_CANCEL = GRAINS.flatMap((g) => [
  `WITH ${cancelledGroups(g)},
   remaining AS (
     SELECT g.hub_id, g.period, g.destination_id, g.emergency,
            min(d.dispatched_at) AS first_at, max(d.dispatched_at) AS last_at
       FROM groups g JOIN hub h ON h.id = g.hub_id
       LEFT JOIN dispatch d
         ON d.hub_id = g.hub_id AND d.destination_id = g.destination_id
        AND ${EMERGENCY} = g.emergency AND ${NOT_CANCELLED}
        AND d.dispatched_at >= (g.period::timestamp AT TIME ZONE h.time_zone)
        AND d.dispatched_at < ((g.period + interval '${g.next}')::timestamp AT TIME ZONE h.time_zone)
      GROUP BY 1, 2, 3, 4
   )
   UPDATE ${g.trucks} r
      SET first_dispatch_at = x.first_at, last_dispatch_at = x.last_at
     FROM remaining x
    WHERE r.hub_id = x.hub_id AND r.${g.period} = x.period
      AND r.destination_id = x.destination_id AND r.emergency = x.emergency`,
  `WITH ${cancelledGroups(g)}
   DELETE FROM ${g.trucks} r USING groups g
    WHERE r.hub_id = g.hub_id AND r.${g.period} = g.period AND r.destination_id = g.destination_id
      AND r.emergency = g.emergency AND r.trucks = 0`,
  `WITH ${cancelledGroups(g)}
   DELETE FROM ${g.items} r USING groups g
    WHERE r.hub_id = g.hub_id AND r.${g.period} = g.period
      ${g.itemsBy.map((c) => `AND r.${c} = g.${c}`).join(' ')}
      AND r.emergency = g.emergency AND r.quantity = 0`,
]);

const REBUILD = [
  ...GRAINS.flatMap((g) => [`DELETE FROM ${g.trucks}`, `DELETE FROM ${g.items}`]),
  `INSERT INTO dispatch_rollup
     (hub_id, day, destination_id, emergency, trucks, tonnage_kg, volume_m3,
      ${EMISSION_COLUMNS}, first_dispatch_at, last_dispatch_at, households)
   SELECT d.hub_id, ${DAY}, d.destination_id, ${EMERGENCY}, count(*),
          sum(${TONNAGE}), sum(d.volume_m3), ${EMISSION_SUMS()},
          min(d.dispatched_at), max(d.dispatched_at), sum(d.households)
     FROM dispatch d JOIN hub h ON h.id = d.hub_id
    WHERE ${NOT_CANCELLED}
    GROUP BY 1, 2, 3, 4`,
  `INSERT INTO dispatch_item_rollup
     (hub_id, day, destination_id, emergency, item_id, quantity, weight_kg, volume_m3)
   SELECT d.hub_id, ${DAY}, d.destination_id, ${EMERGENCY}, l.item_id,
          sum(l.quantity), sum(l.weight_kg), sum(l.volume_m3)
     FROM dispatch d JOIN hub h ON h.id = d.hub_id JOIN dispatch_line l ON l.dispatch_id = d.id
    WHERE ${NOT_CANCELLED}
    GROUP BY 1, 2, 3, 4, 5`,
  // The months from the days just built: the same sums, without reading the dispatches again.
  `INSERT INTO dispatch_month_rollup
     (hub_id, month, destination_id, emergency, trucks, tonnage_kg, volume_m3,
      ${EMISSION_COLUMNS}, first_dispatch_at, last_dispatch_at, households)
   SELECT hub_id, date_trunc('month', day)::date, destination_id, emergency, sum(trucks),
          sum(tonnage_kg), sum(volume_m3), sum(tonne_km), sum(co2e_kg), sum(fuel_trucks),
          sum(default_trucks), min(first_dispatch_at), max(last_dispatch_at), sum(households)
     FROM dispatch_rollup
    GROUP BY 1, 2, 3, 4`,
  `INSERT INTO dispatch_item_month_rollup
     (hub_id, month, emergency, item_id, quantity, weight_kg, volume_m3)
   SELECT hub_id, date_trunc('month', day)::date, emergency, item_id,
          sum(quantity), sum(weight_kg), sum(volume_m3)
     FROM dispatch_item_rollup
    GROUP BY 1, 2, 3, 4`,
];

/** Every row is new: give the planner their statistics now rather than when autovacuum runs. */
const ANALYZE = `ANALYZE ${GRAINS.flatMap((g) => [g.trucks, g.items]).join(', ')}`;

/** Writes the dispatch rollups: incrementally from outbox events, or whole. */
@Injectable()
export class RollupService {
  private readonly logger = new Logger(RollupService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Folds these events in, exactly once: an event is deleted from the outbox in the same
   * transaction that folds it, so one delivered again finds nothing to do.
   */
  applyEvents(eventIds: string[]): Promise<{ applied: number }> {
    return retryOnConflict(
      () =>
        this.dataSource.transaction(async (manager) => {
          await manager.query('SELECT pg_advisory_xact_lock_shared($1)', [ADVISORY_LOCK.rollups]);
          const rows = await this.outbox.take(manager, eventIds, DISPATCH_EVENTS);
          const payloads = <T extends OutboxEventType>(type: T) =>
            rows.filter((e): e is PendingEvent<T> => e.type === type).map((e) => e.payload);
          const recorded = payloads(OutboxEventType.DispatchRecorded).map((p) => p.dispatchId);
          const imported = payloads(OutboxEventType.DispatchesImported).map((p) => p.importId);
          const cancelled = payloads(OutboxEventType.DispatchCancelled).map((p) => p.dispatchId);
          if (recorded.length || imported.length) await this.fold(manager, recorded, imported, 1);
          if (cancelled.length) {
            await this.fold(manager, cancelled, [], -1);
            // Planned for each run, not prepared: their generic plans, made on an empty database,
            // scan the whole of `dispatch` and the rollups, and cancellations are too rare for
            // planning to cost anything.
            for (const sql of TIDY_AFTER_CANCEL) await manager.query(sql, [cancelled]);
          }
          return { applied: rows.length };
        }),
      this.logger,
    );
  }

  /**
   * Recomputes every rollup from the dispatch tables in one REPEATABLE READ snapshot and swaps
   * the result in on commit: readers see the old figures or the new, never a half-built state.
   */
  async rebuild(): Promise<{ dispatchRollups: number; itemRollups: number }> {
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      // Held on its own connection before the snapshot is taken, so the snapshot already
      // includes every fold that finished and none can start until the swap is committed.
      await lock.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK.rollups]);
      return await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
        for (const sql of REBUILD) await manager.query(sql);
        // Every event this snapshot can see is now part of the figures.
        await this.outbox.discard(manager, DISPATCH_EVENTS);
        await manager.query(ANALYZE);
        const [counts] = await manager.query(
          `SELECT (SELECT count(*) FROM dispatch_rollup)::int AS "dispatchRollups",
                  (SELECT count(*) FROM dispatch_item_rollup)::int AS "itemRollups"`,
        );
        return counts;
      });
    } finally {
      await lock
        .query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK.rollups])
        .catch(() => undefined);
      await lock.release();
    }
  }

  /**
   * Folds the hub's pending events now rather than when the relay gets to them, so that what is
   * read next (a weekly report) counts every dispatch committed before this call.
   */
  async catchUp(hubId: number): Promise<void> {
    for (;;) {
      const pending = await this.outbox.pendingEvents(hubId, DISPATCH_EVENTS, CATCH_UP_BATCH);
      if (pending.length === 0) return;
      await this.applyEvents(pending.map((event) => event.id));
      if (pending.length < CATCH_UP_BATCH) return;
    }
  }

  private async fold(
    manager: EntityManager,
    dispatchIds: string[],
    importIds: string[],
    sign: 1 | -1,
  ) {
    // Prepared (runStatement): planning each of these took PostgreSQL 0.7-1 ms, as long as
    // folding a batch of a dozen dispatches. Their lookups are by index whatever the plan (see
    // TARGETS), so a generic plan made while the tables were small stays good as they grow.
    for (const sql of FOLD) await runStatement(manager, sql, [dispatchIds, importIds, sign]);
  }
}
