import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { User } from '../auth/user.entity.js';
import { ItemSnapshot } from '../catalogue/item-snapshot.js';
import { microToString, toMicro } from '../common/decimal.js';
import { isValidDay, localToInstant } from '../common/time/zoned.js';
import { isInFuture } from '../common/validation/time.js';
import { currentManager, TransactionRunner } from '../database/transaction.js';
import { Hub } from '../hubs/hub.entity.js';
import { OutboxEventType } from '../outbox/outbox-event.entity.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { MAX_LINES, MAX_QUANTITY } from '../stock/dto/line.dto.js';
import { insertDispatches } from './dispatch.writer.js';

export const IMPORT_COLUMNS = [
  'waybill_no',
  'dispatched_at',
  'destination',
  'truck_plate',
  'sku',
  'quantity',
  'cargo_weight_kg',
] as const;
export const IMPORT_OPTIONAL_COLUMNS = ['emergency', 'carrier', 'driver_name'] as const;
export const MAX_IMPORT_ROWS = 100_000;
const MAX_REPORTED_ERRORS = 1000;

/** The columns that describe the truck, which every row of a waybill repeats. */
const DISPATCH_COLUMNS = [
  'dispatched_at',
  'destination',
  'truck_plate',
  'cargo_weight_kg',
  'emergency',
  'carrier',
  'driver_name',
] as const;

export interface RowError {
  row: number;
  message: string;
}

export interface ImportResult {
  dispatches: number;
  lines: number;
  skipped: number;
}

type Row = Record<string, string> & { row: number };

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

class ImportErrors {
  readonly list: RowError[] = [];
  add(row: number, message: string) {
    if (this.list.length < MAX_REPORTED_ERRORS) this.list.push({ row, message });
  }
  throwIfAny(total?: number) {
    if (this.list.length === 0) return;
    throw new UnprocessableEntityException({
      message: `The CSV has ${total ?? this.list.length} error${(total ?? this.list.length) === 1 ? '' : 's'}; nothing was imported`,
      errors: this.list,
    });
  }
}

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
  ) {}

  async import(csv: string, hub: Hub, user: User): Promise<ImportResult> {
    const rows = this.parse(csv);
    const errors = new ImportErrors();
    // one after the other: inside the request's transaction they share one connection
    const items = await this.catalogue();
    const destinations = await this.destinations();
    const waybills = new Map<string, ImportedDispatch>();
    let errorCount = 0;
    const fail = (row: number, message: string) => {
      errorCount += 1;
      errors.add(row, message);
    };

    for (const row of rows) {
      const problems = this.checkRow(row, hub, items, destinations);
      problems.forEach((p) => fail(row.row, p));
      if (problems.length) continue;
      const existing = waybills.get(row.waybill_no);
      if (!existing) {
        waybills.set(row.waybill_no, {
          id: randomUUID(),
          waybillNo: row.waybill_no,
          first: row,
          dispatchedAt: this.instant(row.dispatched_at, hub)!,
          destinationId: destinations.get(row.destination)!,
          lines: [{ item: items.get(row.sku)!, quantity: Number(row.quantity), row: row.row }],
        });
        continue;
      }
      for (const column of DISPATCH_COLUMNS) {
        if ((row[column] ?? '') !== (existing.first[column] ?? '')) {
          fail(
            row.row,
            `${column} "${row[column] ?? ''}" differs from "${existing.first[column] ?? ''}" on row ${existing.first.row} of waybill ${row.waybill_no}`,
          );
        }
      }
      const twice = existing.lines.find((line) => line.item.sku === row.sku);
      if (twice)
        fail(row.row, `SKU ${row.sku} is already on row ${twice.row} of waybill ${row.waybill_no}`);
      else if (existing.lines.length >= MAX_LINES) {
        fail(row.row, `waybill ${row.waybill_no} has more than ${MAX_LINES} lines`);
      } else
        existing.lines.push({
          item: items.get(row.sku)!,
          quantity: Number(row.quantity),
          row: row.row,
        });
    }
    errors.throwIfAny(errorCount);
    return this.store([...waybills.values()], hub, user);
  }

  private parse(csv: string): Row[] {
    let records: { record: string[]; info: { lines: number } }[];
    try {
      records = parse(csv, {
        bom: true,
        trim: true,
        skip_empty_lines: true,
        relax_column_count: true,
        info: true,
      }) as unknown as { record: string[]; info: { lines: number } }[];
    } catch (error) {
      const line = (error as { lines?: number }).lines ?? 1;
      throw new UnprocessableEntityException({
        message: 'The CSV cannot be read',
        errors: [{ row: line, message: (error as Error).message }],
      });
    }
    if (records.length === 0) {
      throw new UnprocessableEntityException({
        message: 'The CSV is empty',
        errors: [{ row: 1, message: 'no header' }],
      });
    }
    const header = records[0].record.map((h) => h.toLowerCase());
    const optional = header.slice(IMPORT_COLUMNS.length);
    if (
      header.slice(0, IMPORT_COLUMNS.length).join(',') !== IMPORT_COLUMNS.join(',') ||
      optional.join(',') !== IMPORT_OPTIONAL_COLUMNS.slice(0, optional.length).join(',')
    ) {
      throw new UnprocessableEntityException({
        message: 'The header is not the import header',
        errors: [
          {
            row: 1,
            message: `expected ${IMPORT_COLUMNS.join(',')} optionally followed by ${IMPORT_OPTIONAL_COLUMNS.join(',')}; got ${header.join(',')}`,
          },
        ],
      });
    }
    const data = records.slice(1);
    if (data.length > MAX_IMPORT_ROWS) {
      throw new UnprocessableEntityException({
        message: `At most ${MAX_IMPORT_ROWS.toLocaleString('en-US')} rows per import; split the file`,
        errors: [{ row: MAX_IMPORT_ROWS + 2, message: 'too many rows' }],
      });
    }
    const errors = new ImportErrors();
    const rows = data.map(({ record, info }) => {
      if (record.length !== header.length) {
        errors.add(info.lines, `has ${record.length} columns; the header has ${header.length}`);
      }
      const row = Object.fromEntries(header.map((h, i) => [h, record[i] ?? ''])) as Row;
      row.row = info.lines;
      return row;
    });
    errors.throwIfAny();
    return rows;
  }

  private checkRow(
    row: Row,
    hub: Hub,
    items: Map<string, ItemSnapshot>,
    destinations: Map<string, number>,
  ): string[] {
    const problems: string[] = [];
    if (!CODE.test(row.waybill_no))
      problems.push(`waybill_no "${row.waybill_no}" is not a waybill number`);
    const at = this.instant(row.dispatched_at, hub);
    if (!at) problems.push(`dispatched_at "${row.dispatched_at}" is not an ISO 8601 date and time`);
    else if (isInFuture(at, new Date())) problems.push('dispatched_at is in the future');
    if (!destinations.has(row.destination))
      problems.push(`unknown destination "${row.destination}"`);
    if (!row.truck_plate) problems.push('truck_plate is empty');
    else if (row.truck_plate.length > 32) problems.push('truck_plate is longer than 32 characters');
    if (!items.has(row.sku)) problems.push(`unknown SKU "${row.sku}"`);
    if (
      !/^\d+$/.test(row.quantity) ||
      Number(row.quantity) < 1 ||
      Number(row.quantity) > MAX_QUANTITY
    ) {
      problems.push(
        `quantity "${row.quantity}" is not a whole number from 1 to ${MAX_QUANTITY.toLocaleString('en-US')}`,
      );
    }
    if (
      row.cargo_weight_kg &&
      (!/^\d{1,6}(\.\d{1,3})?$/.test(row.cargo_weight_kg) || Number(row.cargo_weight_kg) <= 0)
    ) {
      problems.push(
        `cargo_weight_kg "${row.cargo_weight_kg}" is not a weight in kg (up to 3 decimals)`,
      );
    }
    for (const column of IMPORT_OPTIONAL_COLUMNS) {
      if ((row[column] ?? '').length > 200)
        problems.push(`${column} is longer than 200 characters`);
    }
    return problems;
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
    return this.transactions.run(async (manager) => {
      const weight = (d: ImportedDispatch, unit: (item: ItemSnapshot) => string) =>
        microToString(
          d.lines.reduce((sum, l) => sum + BigInt(l.quantity) * toMicro(unit(l.item)), 0n),
        );
      // Waybills the hub already holds, from an earlier or a concurrent import, are skipped.
      const stored = await insertDispatches(
        manager,
        dispatches.map((d) => ({
          id: d.id,
          hubId: hub.id,
          waybillNo: d.waybillNo,
          destinationId: d.destinationId,
          dispatchedAt: d.dispatchedAt,
          truckPlate: d.first.truck_plate,
          trailerPlate: null,
          driverName: d.first.driver_name || null,
          driverPhone: null,
          carrier: d.first.carrier || null,
          consignee: null,
          emergency: d.first.emergency || null,
          cargoWeightKg: d.first.cargo_weight_kg || null,
          linesWeightKg: weight(d, (item) => item.unitWeightKg),
          volumeM3: weight(d, (item) => item.unitVolumeM3),
          historical: true,
          importId,
          recordedById: user.id,
          lines: d.lines.map((l) => ({
            itemId: l.item.id,
            quantity: l.quantity,
            unitWeightKg: l.item.unitWeightKg,
            unitVolumeM3: l.item.unitVolumeM3,
          })),
        })),
      );
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

  private async catalogue(): Promise<Map<string, ItemSnapshot>> {
    const rows: ItemSnapshot[] = await currentManager(this.dataSource.manager).query(
      `SELECT id, sku, name, unit, unit_weight_kg::text AS "unitWeightKg", unit_volume_m3::text AS "unitVolumeM3" FROM item`,
    );
    return new Map(rows.map((row) => [row.sku, row]));
  }

  private async destinations(): Promise<Map<string, number>> {
    const rows: { id: number; code: string }[] = await currentManager(
      this.dataSource.manager,
    ).query('SELECT id, code FROM destination');
    return new Map(rows.map((row) => [row.code, row.id]));
  }
}
