import { BadRequestException } from '@nestjs/common';
import { CsvLayout, readCsv } from '../common/csv/csv-reader.js';
import { microToString, toMicro } from '../common/decimal.js';
import { CODE_MAX_LENGTH, CODE_PATTERN } from '../common/validation/codes.js';
import { isInstant } from '../common/validation/time.js';
import {
  MAX_IRRADIATION_KWH_M2,
  MAX_KWH,
  MAX_READINGS,
  NO_READING_STORED,
  problem,
  ReadingInput,
  ReceivedReadings,
} from './reading-rules.js';

/** The CSV columns and the JSON fields they fill; the first four are required. */
const COLUMNS = {
  system: 'system',
  start: 'start',
  end: 'end',
  generated_kwh: 'generatedKwh',
  consumed_kwh: 'consumedKwh',
  grid_import_kwh: 'gridImportKwh',
  exported_kwh: 'exportedKwh',
  irradiation_kwh_m2: 'irradiationKwhM2',
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ['system', 'start', 'end', 'generated_kwh'];
const AMOUNTS: Column[] = [
  'generated_kwh',
  'consumed_kwh',
  'grid_import_kwh',
  'exported_kwh',
  'irradiation_kwh_m2',
];

const LAYOUT: CsvLayout<Column> = {
  required: REQUIRED,
  optional: (Object.keys(COLUMNS) as Column[]).filter((column) => !REQUIRED.includes(column)),
  order: 'any',
  unknown: 'refuse',
  maxRows: MAX_READINGS,
  outcome: NO_READING_STORED,
};

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Readings from a CSV body, as a spreadsheet exports them: a header row naming the columns (in
 * any order; optional ones may be left out or empty), then a reading a row (see readCsv for how
 * rows are numbered and which files are refused at once). The problems of single rows are
 * handed on, so that the service reports them with its own, all at once.
 */
export async function parseReadingsCsv(text: string): Promise<ReceivedReadings> {
  const { rows, problems } = await readCsv(text, LAYOUT);
  if (rows.length === 0 && problems.length === 0) {
    throw new BadRequestException('The CSV has no readings');
  }
  const readings: ReadingInput[] = [];
  for (const { row, values } of rows) {
    const source = { row };
    const before = problems.length;
    const system = values.system;
    if (system === '') problems.push(problem(source, 'system is missing', 'system'));
    else if (!CODE_PATTERN.test(system) || system.length > CODE_MAX_LENGTH) {
      problems.push(
        problem(source, `system "${system.slice(0, 70)}" is not a system code`, 'system'),
      );
    }
    for (const column of ['start', 'end'] as const) {
      const time = values[column];
      if (time === '') problems.push(problem(source, `${column} is missing`, column));
      else if (!isInstant(time)) {
        problems.push(
          problem(
            source,
            `${column} "${time.slice(0, 40)}" must be an ISO 8601 date-time with an offset, e.g. 2024-05-31T14:00:00+05:00`,
            column,
          ),
        );
      }
    }
    const amounts = Object.fromEntries(
      AMOUNTS.map((column) => {
        const { amount, message } = readAmount(column, values[column]);
        if (message) problems.push(problem(source, message, column));
        return [COLUMNS[column], amount];
      }),
    );
    if (problems.length > before) continue;
    readings.push({
      source,
      system,
      start: values.start,
      end: values.end,
      ...amounts,
    } as ReadingInput);
  }
  // The reader's problems (a row's number of fields) come first; list them in row order.
  return { readings, problems: problems.sort((a, b) => a.row! - b.row!) };
}

function readAmount(column: Column, text: string): { amount: string | null; message?: string } {
  if (text === '') {
    return REQUIRED.includes(column)
      ? { amount: null, message: `${column} is missing` }
      : { amount: null };
  }
  if (!DECIMAL.test(text)) {
    return { amount: null, message: `${column} "${text.slice(0, 40)}" must be a number like 12.5` };
  }
  if (text.startsWith('-') && /[1-9]/.test(text)) {
    return { amount: null, message: `${column} must not be negative (got ${text})` };
  }
  const decimals = text.split('.')[1] ?? '';
  if (decimals.replace(/0+$/, '').length > 6) {
    return { amount: null, message: `${column} has more than 6 decimals (got ${text})` };
  }
  const max = column === 'irradiation_kwh_m2' ? MAX_IRRADIATION_KWH_M2 : MAX_KWH;
  const amount = toMicro(text.replace(/^-/, ''));
  if (amount > BigInt(max) * 1_000_000n) {
    return { amount: null, message: `${column} must not be greater than ${max} (got ${text})` };
  }
  return { amount: microToString(amount) };
}
