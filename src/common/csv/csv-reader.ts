import { CsvError, parse } from 'csv-parse';
import { Problem, refuseProblems } from '../errors/problem-list.js';
import { nextTurn, ROWS_PER_TURN } from '../turns.js';

/** What a caller's CSV holds: its columns, how the header may list them, how many rows. */
export interface CsvLayout<C extends string> {
  /** Columns every file names in its header. */
  required: readonly C[];
  /** Columns a file may name or leave out; their cells may be empty. */
  optional?: readonly C[];
  /**
   * 'fixed': the required columns in this order, then the optional ones in theirs (the first
   * few of them, or none). 'any': any order.
   */
  order: 'fixed' | 'any';
  /** A column the layout does not name: a row-1 problem, or left unread. */
  unknown: 'refuse' | 'ignore';
  /** Data rows a file may hold (blank rows not counted). */
  maxRows: number;
  /** What the 422 says when the file is refused: "Nothing was imported". */
  outcome: string;
}

/** A data row: its number as a spreadsheet shows it, and every column of the layout ('' when left out). */
export interface CsvRow<C extends string> {
  row: number;
  values: Record<C, string>;
}

export interface CsvContent<C extends string> {
  /** The rows whose fields match the header, in file order. */
  rows: CsvRow<C>[];
  /** The rows that do not: the caller reports them with its own, all at once. */
  problems: Problem[];
}

const isBlank = (fields: string[]) => fields.every((field) => field === '');

/**
 * Characters handed to the parser at a time. Parsing a 20 MB import in one call held the event
 * loop for over a second (issue 13: /api/health stalled 1.9 s); a slice of this size takes about
 * a millisecond, and every other request is served between two slices.
 */
export const CSV_SLICE = 64 * 1024;

/**
 * Every line of the text as a record, blank ones too, so that a record's index is its row
 * number - 1; the text is fed to csv-parse's stream a slice at a time, with a turn of the event
 * loop between slices.
 */
async function parseInTurns(text: string): Promise<string[][]> {
  const parser = parse({ bom: true, trim: true, relax_column_count: true });
  const records: string[][] = [];
  let failure: unknown;
  parser.on('data', (record: string[]) => records.push(record));
  parser.on('error', (error) => (failure ??= error));
  const ended = new Promise<void>((resolve) => parser.on('close', resolve));
  for (let at = 0; at < text.length && failure === undefined;) {
    let end = Math.min(at + CSV_SLICE, text.length);
    // Never between the two halves of a surrogate pair: each slice is encoded on its own.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    parser.write(text.slice(at, end));
    at = end;
    await nextTurn();
  }
  parser.end();
  await ended;
  if (failure !== undefined) throw failure;
  return records;
}

/**
 * Reads a CSV as a spreadsheet exports it: a header row naming the columns (any case), then a
 * record a row. A byte-order mark and CRLF line ends are fine, fields are trimmed, and blank rows
 * (empty, or only commas) are skipped. Rows are numbered as a spreadsheet shows them, the header
 * being row 1: blank rows count, and a quoted field spanning lines is still one row.
 *
 * A file that cannot be read as this layout at all (broken quoting, no header, a header that
 * does not fit, more than `maxRows`) is refused at once with a problem-list 422; a row with the
 * wrong number of fields is handed back as a problem, so that the caller reports it together
 * with its own checks of the other rows.
 */
export async function readCsv<C extends string>(
  text: string,
  layout: CsvLayout<C>,
): Promise<CsvContent<C>> {
  let records: string[][];
  try {
    records = await parseInTurns(text);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // The records read before the one that broke, the header included.
    const row = Number(error.records ?? 0) + 1;
    return refuseProblems(layout.outcome, [
      { row, message: `the CSV cannot be read: ${error.message}` },
    ]);
  }
  const headerAt = records.findIndex((fields) => !isBlank(fields));
  if (headerAt === -1) {
    refuseProblems(layout.outcome, [
      {
        row: 1,
        message: `the CSV is empty: it needs a header row (${[...layout.required, ...(layout.optional ?? [])].join(',')})`,
      },
    ]);
  }
  const header = records[headerAt];
  const positions = readHeader(header, headerAt + 1, layout);

  let count = 0;
  const rows: CsvRow<C>[] = [];
  const problems: Problem[] = [];
  for (let i = headerAt + 1; i < records.length; i += 1) {
    if ((i - headerAt) % ROWS_PER_TURN === 0) await nextTurn();
    const fields = records[i];
    if (isBlank(fields)) continue;
    count += 1;
    if (count > layout.maxRows) {
      const total = records.slice(i).filter((f) => !isBlank(f)).length + layout.maxRows;
      refuseProblems(layout.outcome, [
        {
          row: i + 1,
          message: `a CSV may hold at most ${layout.maxRows.toLocaleString('en-US')} rows; this one has ${total.toLocaleString('en-US')}: split it`,
        },
      ]);
    }
    if (fields.length !== header.length) {
      problems.push({
        row: i + 1,
        message: `has ${fields.length} field${fields.length === 1 ? '' : 's'}; the header has ${header.length}`,
      });
      continue;
    }
    const values = {} as Record<C, string>;
    for (const [column, at] of positions) values[column] = at === undefined ? '' : fields[at];
    rows.push({ row: i + 1, values });
  }
  return { rows, problems };
}

/** Where each column of the layout is in the header (undefined: left out); refuses a bad header. */
function readHeader<C extends string>(
  header: string[],
  row: number,
  layout: CsvLayout<C>,
): [C, number | undefined][] {
  const optional = layout.optional ?? [];
  const known = [...layout.required, ...optional];
  const names = header.map((name) => name.toLowerCase());
  const found = new Map<C, number>();
  const problems: Problem[] = [];

  if (layout.order === 'fixed') {
    let at = 0;
    while (at < layout.required.length && names[at] === layout.required[at]) {
      found.set(layout.required[at], at);
      at += 1;
    }
    while (
      at >= layout.required.length &&
      at < layout.required.length + optional.length &&
      names[at] === optional[at - layout.required.length]
    ) {
      found.set(optional[at - layout.required.length], at);
      at += 1;
    }
    const rest = names.length > at && layout.unknown === 'refuse';
    if (found.size < layout.required.length || rest) {
      const followed = optional.length ? ` optionally followed by ${optional.join(',')}` : '';
      problems.push({
        row,
        message: `expected ${layout.required.join(',')}${followed}; got ${names.join(',')}`,
      });
    }
  } else {
    names.forEach((name, at) => {
      if (!(known as string[]).includes(name)) {
        if (layout.unknown === 'refuse') {
          problems.push({
            row,
            column: header[at].slice(0, 40),
            message: `unknown column "${header[at].slice(0, 40)}"; the columns are ${known.join(',')}`,
          });
        }
      } else if (found.has(name as C)) {
        problems.push({ row, column: name, message: `column ${name} appears twice` });
      } else {
        found.set(name as C, at);
      }
    });
    for (const column of layout.required) {
      if (!found.has(column)) {
        problems.push({ row, column, message: `column ${column} is missing` });
      }
    }
  }
  if (problems.length > 0) refuseProblems(layout.outcome, problems);
  return known.map((column) => [column, found.get(column)]);
}
