import { UnprocessableEntityException } from '@nestjs/common';
import { parseReadingsCsv } from './readings-csv.js';

const HEADER =
  'system,start,end,generated_kwh,consumed_kwh,grid_import_kwh,exported_kwh,irradiation_kwh_m2';

/** The problems of a file that cannot be read at all (422 at once). */
async function refusal(csv: string) {
  try {
    await parseReadingsCsv(csv);
  } catch (error) {
    if (error instanceof UnprocessableEntityException) {
      return (error.getResponse() as { errors: unknown[] }).errors;
    }
    throw error;
  }
  throw new Error('expected a 422');
}

describe('parseReadingsCsv', () => {
  it('reads the documented columns, optional ones empty or left out', async () => {
    const csv = `\uFEFF${HEADER}\r\nTMZ-PV-1,2024-05-31T10:00:00+05:00,2024-05-31T11:00:00+05:00,410.5,120,,290.25,0.71\r\n\r\nTMZ-PV-1,2024-05-31T11:00:00+05:00,2024-05-31T12:00:00+05:00,400,,,,\r\n`;
    expect((await parseReadingsCsv(csv)).problems).toEqual([]);
    expect((await parseReadingsCsv(csv)).readings).toEqual([
      {
        source: { row: 2 },
        system: 'TMZ-PV-1',
        start: '2024-05-31T10:00:00+05:00',
        end: '2024-05-31T11:00:00+05:00',
        generatedKwh: '410.500000',
        consumedKwh: '120.000000',
        gridImportKwh: null,
        exportedKwh: '290.250000',
        irradiationKwhM2: '0.710000',
      },
      {
        source: { row: 4 },
        system: 'TMZ-PV-1',
        start: '2024-05-31T11:00:00+05:00',
        end: '2024-05-31T12:00:00+05:00',
        generatedKwh: '400.000000',
        consumedKwh: null,
        gridImportKwh: null,
        exportedKwh: null,
        irradiationKwhM2: null,
      },
    ]);
    const short = await parseReadingsCsv(
      'generated_kwh,end,start,system\n5,2024-05-31T11:00:00Z,2024-05-31T10:00:00Z,PV-2\n',
    );
    expect(short.readings[0]).toMatchObject({
      system: 'PV-2',
      generatedKwh: '5.000000',
      consumedKwh: null,
    });
  });

  it('numbers bad rows as a spreadsheet does and names every problem', async () => {
    const csv = [
      HEADER,
      'TMZ-PV-1,2024-05-31T10:00:00+05:00,2024-05-31T11:00:00+05:00,10,,,,',
      'TMZ-PV-1,2024-05-31T11:00:00+05:00,2024-05-31T12:00:00+05:00,-3,,,,',
      '',
      'TMZ-PV-1,2024-05-31 12:00,2024-05-31T13:00:00+05:00,abc,,,,',
      'TMZ-PV-1,2024-05-31T13:00:00+05:00',
      ',2024-05-31T14:00:00+05:00,2024-05-31T15:00:00+05:00,,1.1234567,,,',
    ].join('\n');
    const { readings, problems } = await parseReadingsCsv(csv);
    expect(readings.map((r) => r.source)).toEqual([{ row: 2 }]);
    expect(problems).toEqual([
      { row: 3, column: 'generated_kwh', message: 'generated_kwh must not be negative (got -3)' },
      {
        row: 5,
        column: 'start',
        message:
          'start "2024-05-31 12:00" must be an ISO 8601 date-time with an offset, e.g. 2024-05-31T14:00:00+05:00',
      },
      {
        row: 5,
        column: 'generated_kwh',
        message: 'generated_kwh "abc" must be a number like 12.5',
      },
      { row: 6, message: 'has 2 fields; the header has 8' },
      { row: 7, column: 'system', message: 'system is missing' },
      { row: 7, column: 'generated_kwh', message: 'generated_kwh is missing' },
      {
        row: 7,
        column: 'consumed_kwh',
        message: 'consumed_kwh has more than 6 decimals (got 1.1234567)',
      },
    ]);
  });

  it('checks the header', async () => {
    expect(await refusal('system,start,generated_kwh,colour\nx,y,1,red\n')).toEqual([
      {
        row: 1,
        column: 'colour',
        message: `unknown column "colour"; the columns are ${HEADER}`,
      },
      { row: 1, column: 'end', message: 'column end is missing' },
    ]);
    expect(await refusal('')).toEqual([
      { row: 1, message: `the CSV is empty: it needs a header row (${HEADER})` },
    ]);
    await expect(parseReadingsCsv(`${HEADER}\n\n`)).rejects.toThrow('The CSV has no readings');
    expect(await refusal('system,start\n"unclosed,1\n')).toEqual([
      { row: 2, message: expect.stringMatching(/^the CSV cannot be read: Quote Not Closed/) },
    ]);
  });

  it('takes at most 10,000 readings', async () => {
    const row = 'P,2024-05-31T10:00:00Z,2024-05-31T11:00:00Z,1';
    const csv = `system,start,end,generated_kwh\n${Array(10_001).fill(row).join('\n')}`;
    expect(await refusal(csv)).toEqual([
      { row: 10_002, message: 'a CSV may hold at most 10,000 rows; this one has 10,001: split it' },
    ]);
  });
});
