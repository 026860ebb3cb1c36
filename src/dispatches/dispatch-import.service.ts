import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { User } from '../auth/user.entity.js';
import { ItemSnapshot } from '../catalogue/item-snapshot.js';
import { ItemsService } from '../catalogue/items.service.js';
import { Clock } from '../common/clock.service.js';
import { CsvLayout, CsvRow, readCsv } from '../common/csv/csv-reader.js';
import { microToString, toMicro } from '../common/decimal.js';
import { MAX_LISTED_PROBLEMS, Problem, refuseProblems } from '../common/errors/problem-list.js';
import { isValidDay, localToInstant } from '../common/time/zoned.js';
import { nextTurn, ROWS_PER_TURN } from '../common/turns.js';
import { isInFuture } from '../common/validation/time.js';
import { currentManager, TransactionRunner } from '../database/transaction.js';
import { Hub } from '../hubs/hub.entity.js';
import { OutboxEventType } from '../outbox/outbox-event.entity.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { MAX_LINES, MAX_QUANTITY } from '../stock/dto/line.dto.js';
import { insertDispatches, NewDispatch } from './dispatch.writer.js';
import { ConfigService } from '@nestjs/config';
import { tonnageKg } from '../common/dispatch-rules.js';
import { Environment } from '../config/environment.js';
import { RoutesService } from '../transport/routes.service.js';
import { emissionColumns, emissionFactors } from './dispatch-emissions.js';

export const IMPORT_COLUMNS = [
  'waybill_no',
  'dispatched_at',
  'destination',
  'truck_plate',
  'sku',
  'quantity',
  'cargo_weight_kg',
] as const;
export const IMPORT_OPTIONAL_COLUMNS = [
  'emergency',
  'carrier',
  'driver_name',
  'distance_km',
  'fuel_litres',
] as const;
/** Optional columns of free text (the others are numbers). */
const TEXT_COLUMNS = ['emergency', 'carrier', 'driver_name'] as const;
/** A distance or a fuel figure: up to 3 decimals, more than 0. */
const MEASURE = /^\d{1,6}(\.\d{1,3})?$/;
export const MAX_IMPORT_ROWS = 100_000;
type ImportColumn = (typeof IMPORT_COLUMNS)[number] | (typeof IMPORT_OPTIONAL_COLUMNS)[number];

/** Nothing of a refused import is stored: every 422 of the import says so. */
const OUTCOME = 'Nothing was imported';

const LAYOUT: CsvLayout<ImportColumn> = {
  required: IMPORT_COLUMNS,
  optional: IMPORT_OPTIONAL_COLUMNS,
  order: 'fixed',
  unknown: 'refuse',
  maxRows: MAX_IMPORT_ROWS,
  outcome: OUTCOME,
};

/** The columns that describe the truck, which every row of a waybill repeats. */
const DISPATCH_COLUMNS = [
  'dispatched_at',
  'destination',
  'truck_plate',
  'cargo_weight_kg',
  'emergency',
  'carrier',
  'driver_name',
  'distance_km',
  'fuel_litres',
] as const;

export interface ImportResult {
  dispatches: number;
  lines: number;
  skipped: number;
}

type Row = CsvRow<ImportColumn>;

interface ImportedDispatch {
  id: string;
  waybillNo: string;
  first: Row;
  dispatchedAt: Date;
  destinationId: number;
  lines: { item: ItemSnapshot; quantity: number; row: number }[];
}

const INSTANT =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Historical dispatches, recorded before relief-hub existed: all rows or none. They count in
 * statistics but take no stock; waybills the hub already has are skipped.
 */
@Injectable()
export class DispatchImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly routes: RoutesService,
    private readonly config: ConfigService<Environment, true>,
    private readonly catalogue: ItemsService,
  ) {}

  async import(csv: string, hub: Hub, user: User): Promise<ImportResult> {
    const read = await readCsv(csv, LAYOUT);
    // one after the other: inside the request's transaction they share one connection
    // the items the file names; an unknown SKU is reported on its row below
    const items = await this.catalogue.find([...new Set(read.rows.map((row) => row.values.sku))]);
    const destinations = await this.destinations();
    const now = this.clock.now();
    const waybills = new Map<string, ImportedDispatch>();
    // A file of garbage has problems on each of 100,000 rows: keep the first ones the 422 can
    // list (rows come in order, and so do the reader's problems) and count the rest.
    const problems: Problem[] = [];
    let count = read.problems.length;
    const fail = (row: Row, message: string, column?: ImportColumn) => {
      count += 1;
      if (problems.length >= MAX_LISTED_PROBLEMS) return;
      problems.push(column ? { row: row.row, column, message } : { row: row.row, message });
    };

    for (const [i, row] of read.rows.entries()) {
      if (i % ROWS_PER_TURN === ROWS_PER_TURN - 1) await nextTurn();
      const { values } = row;
      const dispatchedAt = this.checkRow(row, hub, items, destinations, now, fail);
      if (!dispatchedAt) continue;
      const existing = waybills.get(values.waybill_no);
      if (!existing) {
        waybills.set(values.waybill_no, {
          id: randomUUID(),
          waybillNo: values.waybill_no,
          first: row,
          dispatchedAt,
          destinationId: destinations.get(values.destination)!,
          lines: [
            { item: items.get(values.sku)!, quantity: Number(values.quantity), row: row.row },
          ],
        });
        continue;
      }
      const first = existing.first.values;
      for (const column of DISPATCH_COLUMNS) {
        if (values[column] !== first[column]) {
          fail(
            row,
            `${column} "${values[column]}" differs from "${first[column]}" on row ${existing.first.row} of waybill ${values.waybill_no}`,
            column,
          );
        }
      }
      const twice = existing.lines.find((line) => line.item.sku === values.sku);
      if (twice) {
        fail(
          row,
          `SKU ${values.sku} is already on row ${twice.row} of waybill ${values.waybill_no}`,
          'sku',
        );
      } else if (existing.lines.length >= MAX_LINES) {
        fail(row, `waybill ${values.waybill_no} has more than ${MAX_LINES} lines`);
      } else
        existing.lines.push({
          item: items.get(values.sku)!,
          quantity: Number(values.quantity),
          row: row.row,
        });
    }
    if (count > 0) {
      const listed = [...read.problems.slice(0, MAX_LISTED_PROBLEMS), ...problems];
      refuseProblems(OUTCOME, listed, { count });
    }
    return this.store([...waybills.values()], hub, user);
  }

  /** Reports each problem of a row's own cells; returns when it was dispatched if there are none. */
  private checkRow(
    row: Row,
    hub: Hub,
    items: Map<string, ItemSnapshot>,
    destinations: Map<string, number>,
    now: Date,
    fail: (row: Row, message: string, column: ImportColumn) => void,
  ): Date | null {
    const { values } = row;
    let ok = true;
    const problem = (column: ImportColumn, message: string) => {
      ok = false;
      fail(row, message, column);
    };
    if (!CODE.test(values.waybill_no))
      problem('waybill_no', `waybill_no "${values.waybill_no}" is not a waybill number`);
    const at = this.instant(values.dispatched_at, hub);
    if (!at) {
      problem(
        'dispatched_at',
        `dispatched_at "${values.dispatched_at}" is not an ISO 8601 date and time`,
      );
    } else if (isInFuture(at, now)) problem('dispatched_at', 'dispatched_at is in the future');
    if (!destinations.has(values.destination))
      problem('destination', `unknown destination "${values.destination}"`);
    if (!values.truck_plate) problem('truck_plate', 'truck_plate is empty');
    else if (values.truck_plate.length > 32)
      problem('truck_plate', 'truck_plate is longer than 32 characters');
    if (!items.has(values.sku)) problem('sku', `unknown SKU "${values.sku}"`);
    if (
      !/^\d+$/.test(values.quantity) ||
      Number(values.quantity) < 1 ||
      Number(values.quantity) > MAX_QUANTITY
    ) {
      problem(
        'quantity',
        `quantity "${values.quantity}" is not a whole number from 1 to ${MAX_QUANTITY.toLocaleString('en-US')}`,
      );
    }
    if (
      values.cargo_weight_kg &&
      (!/^\d{1,6}(\.\d{1,3})?$/.test(values.cargo_weight_kg) || Number(values.cargo_weight_kg) <= 0)
    ) {
      problem(
        'cargo_weight_kg',
        `cargo_weight_kg "${values.cargo_weight_kg}" is not a weight in kg (up to 3 decimals)`,
      );
    }
    for (const column of TEXT_COLUMNS) {
      if (values[column].length > 200) problem(column, `${column} is longer than 200 characters`);
    }
    const measures = [
      ['distance_km', 'a distance in km', 50_000],
      ['fuel_litres', 'a volume of fuel in litres', 1_000_000],
    ] as const;
    for (const [column, what, max] of measures) {
      const text = values[column];
      if (text && (!MEASURE.test(text) || Number(text) <= 0 || Number(text) > max)) {
        problem(
          column,
          `${column} "${text}" is not ${what} (more than 0, up to ${max.toLocaleString('en-US')}, up to 3 decimals)`,
        );
      }
    }
    return ok ? at : null;
  }

  /** ISO 8601; without an offset, hub time (see localToInstant for daylight saving). */
  private instant(text: string, hub: Hub): Date | null {
    const m = INSTANT.exec(text);
    if (!m || !isValidDay(m[1])) return null;
    const [, day, hh = '00', mm = '00', ss = '00', fraction = '', offset] = m;
    if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
    if (offset) {
      const date = new Date(
        `${day}T${hh}:${mm}:${ss}${fraction}${offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset}`,
      );
      return Number.isNaN(date.getTime()) ? null : date;
    }
    return localToInstant(`${day}T${hh}:${mm}:${ss}${fraction}`, hub.timeZone);
  }

  private async store(dispatches: ImportedDispatch[], hub: Hub, user: User): Promise<ImportResult> {
    const importId = randomUUID();
    const factors = emissionFactors(this.config);
    return this.transactions.run(async (manager) => {
      const weight = (d: ImportedDispatch, unit: (item: ItemSnapshot) => string) =>
        microToString(
          d.lines.reduce((sum, l) => sum + BigInt(l.quantity) * toMicro(unit(l.item)), 0n),
        );
      // A row without distance_km takes the hub's route as it is now, as a live dispatch does.
      const routes = await this.routes.distances(
        manager,
        hub.id,
        dispatches.filter((d) => !d.first.values.distance_km).map((d) => d.destinationId),
      );
      const emissions = (d: ImportedDispatch) =>
        emissionColumns(
          tonnageKg({
            cargoWeightKg: d.first.values.cargo_weight_kg || null,
            linesWeightKg: weight(d, (item) => item.unitWeightKg),
          }),
          {
            distanceKm: d.first.values.distance_km || null,
            fuelLitres: d.first.values.fuel_litres || null,
          },
          routes.get(d.destinationId),
          factors,
        );
      const row = (d: ImportedDispatch): NewDispatch => ({
        id: d.id,
        hubId: hub.id,
        waybillNo: d.waybillNo,
        destinationId: d.destinationId,
        dispatchedAt: d.dispatchedAt,
        truckPlate: d.first.values.truck_plate,
        trailerPlate: null,
        driverName: d.first.values.driver_name || null,
        driverPhone: null,
        carrier: d.first.values.carrier || null,
        consignee: null,
        emergency: d.first.values.emergency || null,
        cargoWeightKg: d.first.values.cargo_weight_kg || null,
        linesWeightKg: weight(d, (item) => item.unitWeightKg),
        volumeM3: weight(d, (item) => item.unitVolumeM3),
        historical: true,
        importId,
        recordedById: user.id,
        ...emissions(d),
        lines: d.lines.map((l) => ({
          itemId: l.item.id,
          quantity: l.quantity,
          unitWeightKg: l.item.unitWeightKg,
          unitVolumeM3: l.item.unitVolumeM3,
        })),
      });
      // Waybills the hub already holds, from an earlier or a concurrent import, are skipped.
      // A statement per ROWS_PER_TURN lines, in the one transaction: building and sending 100,000
      // lines in one held the event loop for a second.
      const stored = new Set<string>();
      for (let from = 0; from < dispatches.length;) {
        const batch: NewDispatch[] = [];
        let lines = 0;
        while (from < dispatches.length && (lines < ROWS_PER_TURN || batch.length === 0)) {
          lines += dispatches[from].lines.length;
          batch.push(row(dispatches[from++]));
        }
        for (const id of (await insertDispatches(manager, batch)).keys()) stored.add(id);
      }
      const lines = dispatches
        .filter((d) => stored.has(d.id))
        .reduce((sum, d) => sum + d.lines.length, 0);
      if (stored.size) {
        await this.outbox.record(manager, OutboxEventType.DispatchesImported, hub.id, { importId });
      }
      return {
        dispatches: stored.size,
        lines,
        skipped: dispatches.length - stored.size,
      };
    });
  }

  private async destinations(): Promise<Map<string, number>> {
    const rows: { id: number; code: string }[] = await currentManager(
      this.dataSource.manager,
    ).query('SELECT id, code FROM destination');
    return new Map(rows.map((row) => [row.code, row.id]));
  }
}
