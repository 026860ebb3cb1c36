import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { roundDecimal } from '../common/decimal.js';
import { csvCell, spreadsheetCell } from '../common/spreadsheet/cell.js';
import { endOfDay, startOfDay, toZonedIso } from '../common/time/zoned.js';
import { Hub } from '../hubs/hub.entity.js';
import { IMPORT_COLUMNS, IMPORT_OPTIONAL_COLUMNS } from './dispatch-import.service.js';

/** The import's columns, then what the register adds. */
export const EXPORT_COLUMNS = [
  ...IMPORT_COLUMNS,
  ...IMPORT_OPTIONAL_COLUMNS,
  'status',
  'unit_weight_kg',
  'weight_kg',
  'volume_m3',
] as const;

export interface ExportFilter {
  from?: string;
  to?: string;
  destinationId?: number;
}

type ExportRow = (string | number | null)[];

interface LineRow {
  id: string;
  dispatched_at: Date;
  line_no: number;
  waybill_no: string;
  destination: string;
  truck_plate: string;
  sku: string;
  quantity: string;
  cargo_weight_kg: string | null;
  emergency: string | null;
  carrier: string | null;
  driver_name: string | null;
  status: string;
  unit_weight_kg: string;
  weight_kg: string;
  volume_m3: string;
}

const BATCH = 2000;

/**
 * The dispatch register, one row per line, cancelled dispatches left out. Read in keyset
 * batches and written as they come, so a year of dispatches is never held in memory.
 */
@Injectable()
export class DispatchExportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async *rows(hub: Hub, filter: ExportFilter): AsyncGenerator<ExportRow> {
    let after: LineRow | undefined;
    const from = filter.from ? startOfDay(filter.from, hub.timeZone) : null;
    const to = filter.to ? endOfDay(filter.to, hub.timeZone) : null;
    for (;;) {
      const batch: LineRow[] = await this.dataSource.query(
        `SELECT d.id, d.dispatched_at, l.line_no, d.waybill_no, dest.code AS destination, d.truck_plate,
                i.sku, l.quantity::text, d.cargo_weight_kg::text, d.emergency, d.carrier, d.driver_name,
                d.status, l.unit_weight_kg::text, l.weight_kg::text, l.volume_m3::text
           FROM dispatch d
           JOIN dispatch_line l ON l.dispatch_id = d.id
           JOIN destination dest ON dest.id = d.destination_id
           JOIN item i ON i.id = l.item_id
          WHERE d.hub_id = $1 AND d.status <> 'CANCELLED'
            AND ($2::timestamptz IS NULL OR d.dispatched_at >= $2)
            AND ($3::timestamptz IS NULL OR d.dispatched_at < $3)
            AND ($4::int IS NULL OR d.destination_id = $4)
            AND ($5::timestamptz IS NULL OR (d.dispatched_at, d.id, l.line_no) > ($5, $6::uuid, $7::int))
          ORDER BY d.dispatched_at, d.id, l.line_no
          LIMIT ${BATCH}`,
        [
          hub.id,
          from,
          to,
          filter.destinationId ?? null,
          after?.dispatched_at ?? null,
          after?.id ?? null,
          after?.line_no ?? null,
        ],
      );
      for (const r of batch) {
        yield [
          r.waybill_no,
          toZonedIso(r.dispatched_at, hub.timeZone),
          r.destination,
          r.truck_plate,
          r.sku,
          Number(r.quantity),
          r.cargo_weight_kg === null ? null : roundDecimal(r.cargo_weight_kg),
          r.emergency,
          r.carrier,
          r.driver_name,
          r.status,
          Number(r.unit_weight_kg),
          roundDecimal(r.weight_kg),
          roundDecimal(r.volume_m3),
        ];
      }
      if (batch.length < BATCH) return;
      after = batch[batch.length - 1];
    }
  }

  async writeCsv(rows: AsyncIterable<ExportRow>, response: Response): Promise<void> {
    await pipeline(
      Readable.from(rows),
      stringify({
        header: true,
        columns: [...EXPORT_COLUMNS],
        cast: { string: csvCell, number: (n) => String(n) },
      }),
      response,
    );
  }

  async writeXlsx(rows: AsyncIterable<ExportRow>, response: Response): Promise<void> {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: response, useStyles: false });
    const sheet = workbook.addWorksheet('Dispatches');
    sheet.addRow([...EXPORT_COLUMNS]).commit();
    for await (const row of rows) sheet.addRow(row.map(spreadsheetCell)).commit();
    sheet.commit();
    await workbook.commit();
  }
}
