import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { roundDecimal } from '../common/decimal.js';
import { csvCell, spreadsheetCell } from '../common/spreadsheet/cell.js';
import { toZonedIso } from '../common/time/zoned.js';
import { Hub } from '../hubs/hub.entity.js';
import { IMPORT_COLUMNS, IMPORT_OPTIONAL_COLUMNS } from './dispatch-import.service.js';
import { DispatchRegisterService, RegisterFilter } from './dispatch-register.service.js';

/** The import's columns, then what the register adds. */
export const EXPORT_COLUMNS = [
  ...IMPORT_COLUMNS,
  ...IMPORT_OPTIONAL_COLUMNS,
  'status',
  'unit_weight_kg',
  'weight_kg',
  'volume_m3',
  'co2e_kg',
  'emission_method',
] as const;

type ExportRow = (string | number | null)[];

/** The dispatch register as a file: one row per line. */
@Injectable()
export class DispatchExportService {
  constructor(private readonly register: DispatchRegisterService) {}

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
        ];
      }
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
