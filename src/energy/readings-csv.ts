import { BadRequestException } from '@nestjs/common';
import { CsvError, parse } from 'csv-parse/sync';
import { microToString, toMicro } from '../common/decimal.js';
import { CODE_MAX_LENGTH, CODE_PATTERN } from '../common/validation/codes.js';
import { isInstant } from '../common/validation/time.js';
import {
  MAX_IRRADIATION_KWH_M2,
  MAX_KWH,
  MAX_READINGS,
  problem,
  ReadingInput,
  ReadingProblem,
  ReceivedReadings,
  rejectReadings,
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

const DECIMAL = /^-?\d+(\.\d+)?$/;
const blank = (fields: string[]) => fields.every((field) => field === '');

/**
 * Readings from a CSV body, as a spreadsheet exports them: a header row naming the columns (in
 * any order; optional ones may be left out or empty), then a reading a row. Rows are numbered
 * as a spreadsheet shows them, the header being row 1; blank rows are skipped. A file that
 * cannot be read as readings at all (bad header, broken quoting) is refused here; the problems
 * of single rows are handed on, so that the service reports them with its own, all at once.
 */
export function parseReadingsCsv(text: string): ReceivedReadings {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      relax_column_count: true,
      skip_empty_lines: false,
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    return rejectReadings([
      { row: Number(error.lines), message: `the CSV cannot be read: ${error.message}` },
    ]);
  }
  const [header = [], ...rows] = records;
  if (blank(header)) {
    throw new BadRequestException(
      `The CSV is empty: it needs a header row (${Object.keys(COLUMNS).join(',')}) and readings`,
    );
  }
  const columns = readHeader(header);
  const readings = rows
    .map((fields, i) => ({ fields, row: i + 2 }))
    .filter(({ fields }) => !blank(fields));
  if (readings.length === 0) throw new BadRequestException('The CSV has no readings');
  if (readings.length > MAX_READINGS) {
    throw new BadRequestException(
      `At most ${MAX_READINGS} readings per request; the CSV has ${readings.length}`,
    );
  }

  const problems: ReadingProblem[] = [];
  const parsed = readings.map(({ fields, row }) => {
    const source = { row };
    if (fields.length !== header.length) {
      problems.push(
        problem(source, `has ${fields.length} fields; the header has ${header.length}`),
      );
      return undefined;
    }
    const value = (column: Column) => {
      const at = columns.get(column);
      return at === undefined ? '' : fields[at];
    };
    const before = problems.length;
    const system = value('system');
    if (system === '') problems.push(problem(source, 'system is missing'));
    else if (!CODE_PATTERN.test(system) || system.length > CODE_MAX_LENGTH) {
      problems.push(problem(source, `system "${system.slice(0, 70)}" is not a system code`));
    }
    for (const column of ['start', 'end'] as const) {
      const time = value(column);
      if (time === '') problems.push(problem(source, `${column} is missing`));
      else if (!isInstant(time)) {
        problems.push(
          problem(
            source,
            `${column} "${time.slice(0, 40)}" must be an ISO 8601 date-time with an offset, e.g. 2024-05-31T14:00:00+05:00`,
          ),
        );
      }
    }
    const amounts = Object.fromEntries(
      AMOUNTS.map((column) => {
        const { amount, message } = readAmount(column, value(column));
        if (message) problems.push(problem(source, message));
        return [COLUMNS[column], amount];
      }),
    );
    if (problems.length > before) return undefined;
    return {
      source,
      system,
      start: value('start'),
      end: value('end'),
      ...amounts,
    } as ReadingInput;
  });
  return {
    readings: parsed.filter((reading): reading is ReadingInput => reading !== undefined),
    problems,
  };
}

/** Column positions by name; an unknown, repeated or missing required column is a row-1 problem. */
function readHeader(header: string[]): Map<Column, number> {
  const columns = new Map<Column, number>();
  const problems: ReadingProblem[] = [];
  header.forEach((raw, i) => {
    const name = raw.toLowerCase();
    if (!(name in COLUMNS)) {
      problems.push(
        problem(
          { row: 1 },
          `unknown column "${raw.slice(0, 40)}"; the columns are ${Object.keys(COLUMNS).join(',')}`,
        ),
      );
    } else if (columns.has(name as Column)) {
      problems.push(problem({ row: 1 }, `column ${name} appears twice`));
    } else {
      columns.set(name as Column, i);
    }
  });
  for (const column of REQUIRED) {
    if (!columns.has(column)) problems.push(problem({ row: 1 }, `column ${column} is missing`));
  }
  if (problems.length > 0) rejectReadings(problems);
  return columns;
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
