import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { User } from '../auth/user.entity.js';
import { Clock } from '../common/clock.service.js';
import { localDay } from '../common/time/zoned.js';
import { runStatement } from '../database/run-statement.js';
import { TransactionRunner } from '../database/transaction.js';
import { HubsService } from '../hubs/hubs.service.js';
import { OutboxEventType } from '../outbox/outbox-event.entity.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { ReadingsResponse, SystemReadingsResponse } from './dto/readings.dto.js';
import { PvSystemsService, PvSystemWithHub } from './pv-systems.service.js';
import {
  checkReadings,
  MAX_READING_HOURS,
  problem,
  ReadingInput,
  ReadingProblem,
  ReceivedReadings,
  rejectReadings,
} from './reading-rules.js';

@Injectable()
export class ReadingsService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly systems: PvSystemsService,
    private readonly hubs: HubsService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores readings, all or none: a reading with the `(system, start)` of a stored one replaces
   * it (meters re-send). In the same transaction, an outbox event per system names the days
   * they fall on; the relay queues the rollup once it has committed (late while Redis is down,
   * never lost).
   */
  async record(received: ReceivedReadings, user: User): Promise<ReadingsResponse> {
    const { readings } = received;
    const systems = await this.systems.byCodes([...new Set(readings.map((r) => r.system))]);
    // Each system names its hub: recording its readings is writing that hub's data (403 first).
    for (const code of new Set([...systems.values()].map((system) => system.hub.code))) {
      await this.hubs.resolveFor(user, 'energy.record', code);
    }
    const unknown = readings.filter((reading) => !systems.has(reading.system));
    if (unknown.length > 0 && unknown.every((reading) => 'index' in reading.source)) {
      // JSON names its system once: one message says it.
      throw new UnprocessableEntityException(`Unknown PV system ${unknown[0].system}`);
    }
    const problems: ReadingProblem[] = [
      ...received.problems,
      ...unknown.map((reading) => problem(reading.source, `unknown PV system ${reading.system}`)),
      ...checkReadings(readings, this.clock.now()),
    ];
    if (problems.length > 0) rejectReadings(problems);

    const bySystem = [...systems.values()].sort((a, b) => a.id - b.id);
    const stored = await this.transactions.run(async (manager) => {
      // Serialises writers and the rollup of a system, so no rollup misses a committed reading.
      await manager.query(
        'SELECT id FROM pv_system WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE',
        [bySystem.map((s) => s.id)],
      );
      const column = <K extends keyof ReadingInput>(key: K) => readings.map((r) => r[key]);
      const systemIds = readings.map((r) => systems.get(r.system)!.id);
      const starts = readings.map((r) => new Date(r.start).toISOString());
      const ends = readings.map((r) => new Date(r.end).toISOString());
      const { rows } = await runStatement<{ system_id: number; inserted: boolean }>(
        manager,
        `INSERT INTO energy_reading (system_id, starts_at, ends_at, generated_kwh, consumed_kwh,
                grid_import_kwh, exported_kwh, irradiation_kwh_m2, recorded_by_id, recorded_at)
         SELECT v.*, $9::uuid, now()
           FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[], $4::numeric[],
                       $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[])
             AS v(system_id, starts_at, ends_at, generated_kwh, consumed_kwh, grid_import_kwh,
                  exported_kwh, irradiation_kwh_m2)
         ON CONFLICT (system_id, starts_at) DO UPDATE
            SET ends_at = EXCLUDED.ends_at, generated_kwh = EXCLUDED.generated_kwh,
                consumed_kwh = EXCLUDED.consumed_kwh, grid_import_kwh = EXCLUDED.grid_import_kwh,
                exported_kwh = EXCLUDED.exported_kwh,
                irradiation_kwh_m2 = EXCLUDED.irradiation_kwh_m2,
                recorded_by_id = EXCLUDED.recorded_by_id, recorded_at = EXCLUDED.recorded_at
         RETURNING system_id, (xmax = 0) AS inserted`,
        [
          systemIds,
          starts,
          ends,
          column('generatedKwh'),
          column('consumedKwh'),
          column('gridImportKwh'),
          column('exportedKwh'),
          column('irradiationKwhM2'),
          user.id,
        ],
      );
      await this.refuseOverlapsWithStored(manager, readings, systemIds, starts, ends);
      await this.recordTouchedDays(manager, systemIds, starts);
      return rows;
    });

    const summaries = bySystem.map((system) => this.summary(system, readings, stored));
    const total = (key: 'received' | 'inserted' | 'replaced') =>
      summaries.reduce((sum, s) => sum + s[key], 0);
    return {
      received: total('received'),
      inserted: total('inserted'),
      replaced: total('replaced'),
      systems: summaries,
    };
  }

  /**
   * 422 for readings that overlap a stored reading of their system with another start (one
   * with the same start has just been replaced): energy would be counted twice. Runs after the
   * upsert, in its transaction, with the systems locked, so a concurrent request cannot slip an
   * overlap in; a reading covers at most MAX_READING_HOURS, which bounds the search.
   */
  private async refuseOverlapsWithStored(
    manager: EntityManager,
    readings: ReadingInput[],
    systemIds: number[],
    starts: string[],
    ends: string[],
  ): Promise<void> {
    const { rows } = await runStatement<{ i: number; starts_at: Date; ends_at: Date }>(
      manager,
      `SELECT v.i::int, r.starts_at, r.ends_at
         FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[])
                WITH ORDINALITY AS v(system_id, starts_at, ends_at, i)
         JOIN energy_reading r
           ON r.system_id = v.system_id
          AND r.starts_at > v.starts_at - make_interval(hours => $4)
          AND r.starts_at < v.ends_at AND r.ends_at > v.starts_at
          AND r.starts_at <> v.starts_at
        ORDER BY v.i, r.starts_at`,
      [systemIds, starts, ends, MAX_READING_HOURS],
    );
    if (rows.length === 0) return;
    rejectReadings(
      rows.map((row) =>
        problem(
          readings[row.i - 1].source,
          `overlaps the stored reading ${row.starts_at.toISOString()} to ${row.ends_at.toISOString()}`,
        ),
      ),
    );
  }

  /**
   * One outbox event per system, naming the hub days its readings fall on: the day a reading
   * counts on is taken as the rollup takes it, `(starts_at AT TIME ZONE hub zone)::date`.
   */
  private async recordTouchedDays(
    manager: EntityManager,
    systemIds: number[],
    starts: string[],
  ): Promise<void> {
    const { rows } = await runStatement<{ system_id: number; hub_id: number; days: string[] }>(
      manager,
      `SELECT v.system_id, s.hub_id,
              array_agg(DISTINCT (v.starts_at AT TIME ZONE h.time_zone)::date::text
                        ORDER BY (v.starts_at AT TIME ZONE h.time_zone)::date::text) AS days
         FROM unnest($1::int[], $2::timestamptz[]) AS v(system_id, starts_at)
         JOIN pv_system s ON s.id = v.system_id
         JOIN hub h ON h.id = s.hub_id
        GROUP BY v.system_id, s.hub_id
        ORDER BY v.system_id`,
      [systemIds, starts],
    );
    for (const row of rows) {
      await this.outbox.record(manager, OutboxEventType.EnergyReadingsRecorded, row.hub_id, {
        systemId: row.system_id,
        days: row.days,
      });
    }
  }

  private summary(
    system: PvSystemWithHub,
    readings: ReadingInput[],
    stored: { system_id: number; inserted: boolean }[],
  ): SystemReadingsResponse {
    const mine = stored.filter((row) => row.system_id === system.id);
    const starts = readings
      .filter((r) => r.system === system.code)
      .map((r) => new Date(r.start).getTime());
    const day = (ms: number) => localDay(new Date(ms), system.hub.timeZone);
    const inserted = mine.filter((row) => row.inserted).length;
    return {
      system: system.code,
      received: mine.length,
      inserted,
      replaced: mine.length - inserted,
      from: day(starts.reduce((a, b) => Math.min(a, b))),
      to: day(starts.reduce((a, b) => Math.max(a, b))),
    };
  }
}
