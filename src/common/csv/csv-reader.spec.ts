import { UnprocessableEntityException } from '@nestjs/common';
import { ProblemListBody, refuseProblems } from '../errors/problem-list.js';
import { CSV_SLICE, CsvLayout, readCsv } from './csv-reader.js';

type Column = 'code' | 'start' | 'amount' | 'note' | 'colour';

const anyOrder: CsvLayout<Column> = {
  required: ['code', 'start', 'amount'],
  optional: ['note', 'colour'],
  order: 'any',
  unknown: 'refuse',
  maxRows: 10,
  outcome: 'Nothing was stored',
};
const fixed: CsvLayout<Column> = { ...anyOrder, order: 'fixed' };

/** The 422 body a call refuses with. */
async function refusal(call: () => unknown): Promise<ProblemListBody> {
  try {
    await call();
  } catch (error) {
    if (error instanceof UnprocessableEntityException) {
      return error.getResponse() as ProblemListBody;
    }
    throw error;
  }
  throw new Error('expected a 422');
}

describe('readCsv', () => {
  it('reads a fixed-order file that has every optional column (it once never returned)', async () => {
    const csv = ['code,start,amount,note,colour', 'A,2024-05-31,1,n,red'].join('\n');
    expect((await readCsv(csv, fixed)).rows).toEqual([
      { row: 2, values: { code: 'A', start: '2024-05-31', amount: '1', note: 'n', colour: 'red' } },
    ]);
  });

  it('numbers rows as a spreadsheet shows them: blank rows count, a quoted newline does not', async () => {
    const csv = [
      'code,start,amount',
      'A,2024-05-31,1', // row 2
      '', // row 3
      'B,"a start',
      'over two lines",2', // row 4
      ',,', // row 5: blank, as spreadsheets export it
      'C,2024-06-01,3', // row 6
      'D,2024-06-02', // row 7: a field short
      '',
    ].join('\n');
    const { rows, problems } = await readCsv(csv, anyOrder);
    expect(rows).toEqual([
      { row: 2, values: { code: 'A', start: '2024-05-31', amount: '1', note: '', colour: '' } },
      {
        row: 4,
        values: { code: 'B', start: 'a start\nover two lines', amount: '2', note: '', colour: '' },
      },
      { row: 6, values: { code: 'C', start: '2024-06-01', amount: '3', note: '', colour: '' } },
    ]);
    expect(problems).toEqual([{ row: 7, message: 'has 2 fields; the header has 3' }]);
  });

  it('takes a byte-order mark, CRLF line ends, spaces around fields and any case', async () => {
    const csv = '\uFEFFCode , Start,AMOUNT\r\n A ,2024-05-31, 1\r\n\r\nB,2024-06-01,2\r\n';
    expect((await readCsv(csv, anyOrder)).rows).toEqual([
      { row: 2, values: { code: 'A', start: '2024-05-31', amount: '1', note: '', colour: '' } },
      { row: 4, values: { code: 'B', start: '2024-06-01', amount: '2', note: '', colour: '' } },
    ]);
  });

  it('reads columns in any order, optional ones left out or empty', async () => {
    const { rows } = await readCsv(
      'note,amount,code,start\nhello,5,X,2024-05-31\n,6,Y,2024-06-01',
      anyOrder,
    );
    expect(rows.map((r) => r.values)).toEqual([
      { code: 'X', start: '2024-05-31', amount: '5', note: 'hello', colour: '' },
      { code: 'Y', start: '2024-06-01', amount: '6', note: '', colour: '' },
    ]);
  });

  it('refuses a header missing a required column, naming it', async () => {
    expect(await refusal(() => readCsv('code,amount\nA,1\n', anyOrder))).toEqual({
      message: 'Nothing was stored: row 1: column start is missing',
      errors: [{ row: 1, column: 'start', message: 'column start is missing' }],
      errorCount: 1,
    });
  });

  it('refuses an unknown or repeated column, or leaves an unknown one unread', async () => {
    expect(
      await refusal(() => readCsv('code,start,amount,Size,code\nA,B,1,XL,A\n', anyOrder)),
    ).toEqual({
      message: expect.stringMatching(/^Nothing was stored: row 1: unknown column "Size"/),
      errors: [
        {
          row: 1,
          column: 'Size',
          message: 'unknown column "Size"; the columns are code,start,amount,note,colour',
        },
        { row: 1, column: 'code', message: 'column code appears twice' },
      ],
      errorCount: 2,
    });
    const { rows } = await readCsv('size,code,start,amount\nXL,A,B,1\n', {
      ...anyOrder,
      unknown: 'ignore',
    });
    expect(rows).toEqual([
      { row: 2, values: { code: 'A', start: 'B', amount: '1', note: '', colour: '' } },
    ]);
  });

  it('takes a fixed-order header with the first optional columns, and nothing else', async () => {
    expect((await readCsv('code,start,amount,note\nA,B,1,n\n', fixed)).rows[0].values).toEqual({
      code: 'A',
      start: 'B',
      amount: '1',
      note: 'n',
      colour: '',
    });
    const expected = 'expected code,start,amount optionally followed by note,colour';
    for (const header of ['start,code,amount', 'code,start,amount,colour', 'code,start']) {
      expect((await refusal(() => readCsv(`${header}\nA,B,1\n`, fixed))).errors).toEqual([
        { row: 1, message: `${expected}; got ${header}` },
      ]);
    }
    expect(
      (await readCsv('code,start,amount,size\nA,B,1,XL\n', { ...fixed, unknown: 'ignore' })).rows,
    ).toHaveLength(1);
  });

  it('refuses an empty file, broken quoting and too many rows, naming the row', async () => {
    expect((await refusal(() => readCsv('', anyOrder))).errors).toEqual([
      {
        row: 1,
        message: 'the CSV is empty: it needs a header row (code,start,amount,note,colour)',
      },
    ]);
    expect((await refusal(() => readCsv('\r\n\r\n', anyOrder))).errors[0].row).toBe(1);
    expect(
      await refusal(() => readCsv('code,start,amount\nA,B,1\nB,"open,2\nC,D,3\n', anyOrder)),
    ).toEqual({
      message: expect.stringMatching(
        /^Nothing was stored: row 3: the CSV cannot be read: Quote Not Closed/,
      ),
      errors: [{ row: 3, message: expect.stringMatching(/^the CSV cannot be read: Quote Not/) }],
      errorCount: 1,
    });
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `C${i},S,${i}`);
    expect(
      (await readCsv(['code,start,amount', ...rows(10), '', ''].join('\n'), anyOrder)).rows,
    ).toHaveLength(10);
    expect(
      (await refusal(() => readCsv(['code,start,amount', '', ...rows(12)].join('\n'), anyOrder)))
        .errors,
    ).toEqual([{ row: 13, message: 'a CSV may hold at most 10 rows; this one has 12: split it' }]);
  });

  it('parses a large file a slice at a time, serving the event loop between slices', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `C${i},S${i},${i}`);
    // An emoji (two UTF-16 units) across the first slice's end: each half alone is no text.
    const head = 'code,start,amount\n';
    const pad = 'x'.repeat(CSV_SLICE - head.length - 'E,'.length - 1);
    const csv = `${head}E,${pad}\u{1F69A},1\n${rows.join('\n')}\n`;
    expect(csv.length / CSV_SLICE).toBeGreaterThan(8);
    let turns = 0;
    let reading = true;
    const count = () => {
      turns += 1;
      if (reading) setImmediate(count);
    };
    setImmediate(count);
    const { rows: read, problems } = await readCsv(csv, { ...anyOrder, maxRows: 100_000 });
    reading = false;
    // A parse in one synchronous pass resolves before any of these turns comes.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(csv.length / CSV_SLICE));
    expect(problems).toEqual([]);
    expect(read).toHaveLength(30_001);
    expect(read[0].values.start).toBe(`${pad}\u{1F69A}`);
    expect(read[30_000]).toEqual({
      row: 30_002,
      values: { code: 'C29999', start: 'S29999', amount: '29999', note: '', colour: '' },
    });
  });

  it('lists the first 100 problems of a refusal and counts them all', async () => {
    const header = ['code', 'start', 'amount', ...Array.from({ length: 150 }, (_, i) => `x${i}`)];
    const body = await refusal(() => readCsv(`${header.join(',')}\n`, anyOrder));
    expect(body.errors).toHaveLength(100);
    expect(body.errorCount).toBe(150);
    expect(body.errors[99]).toMatchObject({ row: 1, column: 'x99' });
    expect(body.message).toMatch(
      /^Nothing was stored: row 1: unknown column "x0".*\(and 149 more problems\)$/,
    );
  });
});

describe('refuseProblems', () => {
  it('sorts by row or index and names the first problem', async () => {
    expect(
      await refusal(() =>
        refuseProblems('No reading was stored', [
          { row: 9, message: 'late' },
          { row: 2, column: 'end', message: 'end must be after start' },
        ]),
      ),
    ).toEqual({
      message: 'No reading was stored: row 2: end must be after start (and 1 more problem)',
      errors: [
        { row: 2, column: 'end', message: 'end must be after start' },
        { row: 9, message: 'late' },
      ],
      errorCount: 2,
    });
    expect(
      (
        await refusal(() =>
          refuseProblems('No reading was stored', [{ index: 3, message: 'x' }], {
            list: 'readings',
          }),
        )
      ).message,
    ).toBe('No reading was stored: readings.3: x');
  });
});
