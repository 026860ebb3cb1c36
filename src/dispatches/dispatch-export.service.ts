import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.service.js';
import { roundDecimal } from '../common/decimal.js';
import { csvCell, spreadsheetCell } from '../common/spreadsheet/cell.js';
import { localDay, toZonedIso } from '../common/time/zoned.js';
import { Hub } from '../hubs/hub.entity.js';
import { IMPORT_COLUMNS, IMPORT_OPTIONAL_COLUMNS } from './dispatch-import.service.js';
import { DispatchRegisterService, RegisterFilter } from './dispatch-register.service.js';

/** The import's columns, then what the register adds (new columns go at the end). */
export const EXPORT_COLUMNS = [
  ...IMPORT_COLUMNS,
  ...IMPORT_OPTIONAL_COLUMNS,
  'status',
  'unit_weight_kg',
  'weight_kg',
  'volume_m3',
  'co2e_kg',
  'emission_method',
  'destination_name',
  'trailer_plate',
  'consignee',
  'received_quantity',
  'damaged_quantity',
  'missing_quantity',
] as const;

type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/**
 * How the XLSX register heads and sizes each column: headers in words (the CSV keeps the
 * machine names the import reads), widths in characters.
 */
const XLSX_COLUMNS: Record<ExportColumn, { header: string; width: number }> = {
  waybill_no: { header: 'Waybill', width: 18 },
  dispatched_at: { header: 'Dispatched', width: 18 },
  destination: { header: 'Destination code', width: 12 },
  truck_plate: { header: 'Truck', width: 14 },
  sku: { header: 'SKU', width: 18 },
  quantity: { header: 'Quantity', width: 10 },
  cargo_weight_kg: { header: 'Weighbridge cargo (kg)', width: 14 },
  emergency: { header: 'Emergency', width: 18 },
  carrier: { header: 'Carrier', width: 18 },
  driver_name: { header: 'Driver', width: 18 },
  distance_km: { header: 'Distance (km)', width: 12 },
  fuel_litres: { header: 'Diesel (litres)', width: 12 },
  status: { header: 'Status', width: 12 },
  unit_weight_kg: { header: 'Unit weight (kg)', width: 12 },
  weight_kg: { header: 'Line weight (kg)', width: 13 },
  volume_m3: { header: 'Line volume (m³)', width: 13 },
  co2e_kg: { header: 'Truck CO2e (kg)', width: 13 },
  emission_method: { header: 'Emission method', width: 12 },
  destination_name: { header: 'Destination', width: 22 },
  trailer_plate: { header: 'Trailer', width: 14 },
  consignee: { header: 'Consignee', width: 22 },
  received_quantity: { header: 'Received', width: 10 },
  damaged_quantity: { header: 'Damaged', width: 10 },
  missing_quantity: { header: 'Missing', width: 10 },
};

const DATE_COLUMN = EXPORT_COLUMNS.indexOf('dispatched_at');
export const XLSX_DATE_FORMAT = 'd mmm yyyy hh:mm';

/** A row as the CSV writes it: `dispatched_at` ISO 8601 in hub time. */
type ExportRow = (string | number | null)[];

const quantity = (value: string | null) => (value === null ? null : Number(value));

/** The dispatch register as a file: one row per line. */
@Injectable()
export class DispatchExportService {
  constructor(
    private readonly register: DispatchRegisterService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** The register of a hub as a download, for the API and the web app alike. */
  async send(
    hub: Hub,
    filter: RegisterFilter,
    format: 'csv' | 'xlsx',
    response: Response,
  ): Promise<void> {
    const name = await this.fileName(hub, filter, localDay(this.clock.now(), hub.timeZone));
    const rows = this.rows(hub, filter);
    if (format === 'xlsx') {
      response.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      response.setHeader('Content-Disposition', `attachment; filename="${name}.xlsx"`);
      await this.writeXlsx(rows, response, hub);
    } else {
      response.type('text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
      await this.writeCsv(rows, response);
    }
  }

  async *rows(hub: Hub, filter: RegisterFilter): AsyncGenerator<ExportRow> {
    for await (const d of this.register.withLines(hub, filter)) {
      const dispatchedAt = toZonedIso(d.dispatchedAt, hub.timeZone);
      for (const line of d.lines) {
        yield [
          d.waybillNo,
          dispatchedAt,
          d.destination,
          d.truckPlate,
          line.sku,
          Number(line.quantity),
          d.cargoWeightKg === null ? null : roundDecimal(d.cargoWeightKg),
          d.emergency,
          d.carrier,
          d.driverName,
          d.distanceKm === null ? null : roundDecimal(d.distanceKm),
          d.fuelLitres === null ? null : roundDecimal(d.fuelLitres),
          d.status,
          Number(line.unitWeightKg),
          roundDecimal(line.weightKg),
          roundDecimal(line.volumeM3),
          // the truck's, on each of its lines (as cargo_weight_kg is)
          d.co2eKg === null ? null : roundDecimal(d.co2eKg),
          d.emissionMethod,
          d.destinationName,
          d.trailerPlate,
          d.consignee,
          quantity(line.receivedQuantity),
          quantity(line.damagedQuantity),
          quantity(line.missingQuantity),
        ];
      }
    }
  }

  /**
   * The file's name: hub and period, `dispatches-TMZ-2024-01-01-2024-05-31`. A side left open is
   * the day of the first (last) dispatch it holds, in hub time; with none, today.
   */
  async fileName(hub: Hub, filter: RegisterFilter, today: string): Promise<string> {
    let { from, to } = filter;
    if (!from || !to) {
      const [span]: { first: Date | null; last: Date | null }[] = await this.dataSource.query(
        `SELECT min(dispatched_at) AS first, max(dispatched_at) AS last FROM dispatch
          WHERE hub_id = $1 AND ($2::int IS NULL OR destination_id = $2)`,
        [hub.id, filter.destinationId ?? null],
      );
      from ??= span.first ? localDay(span.first, hub.timeZone) : today;
      to ??= span.last ? localDay(span.last, hub.timeZone) : today;
    }
    return `dispatches-${hub.code}-${from}-${to}`;
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

  /**
   * The register for a spreadsheet: a bold header in words, frozen, with filters over every
   * row; `dispatched_at` a real date-time (the hub's wall clock, as Excel keeps no zone) so it
   * sorts and filters; widths to fit. Streamed row by row, as the CSV.
   */
  async writeXlsx(rows: AsyncIterable<ExportRow>, response: Response, hub: Hub): Promise<void> {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: response, useStyles: true });
    const sheet = workbook.addWorksheet('Dispatches', {
      views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
    });
    sheet.columns = EXPORT_COLUMNS.map((key) => ({ key, width: XLSX_COLUMNS[key].width }));
    const header = sheet.addRow(
      EXPORT_COLUMNS.map((key) =>
        key === 'dispatched_at' ? `Dispatched (${hub.timeZone})` : XLSX_COLUMNS[key].header,
      ),
    );
    header.font = { bold: true };
    header.alignment = { vertical: 'top', wrapText: true };
    header.commit();
    let count = 1;
    for await (const values of rows) {
      const cells: unknown[] = values.map(spreadsheetCell);
      // The wall clock in hub time as the date-time Excel shows (its dates have no zone).
      cells[DATE_COLUMN] = new Date(`${String(values[DATE_COLUMN]).slice(0, 23)}Z`);
      const row = sheet.addRow(cells);
      row.getCell(DATE_COLUMN + 1).numFmt = XLSX_DATE_FORMAT;
      row.commit();
      count++;
    }
    sheet.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: count, column: EXPORT_COLUMNS.length },
    };
    sheet.commit();
    await workbook.commit();
  }
}
