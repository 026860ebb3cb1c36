import { checkReadings, ReadingInput } from './reading-rules.js';

const reading = (index: number, start: string, end: string, system = 'PV-1'): ReadingInput => ({
  source: { index },
  system,
  start,
  end,
  generatedKwh: '1.000000',
  consumedKwh: null,
  gridImportKwh: null,
  exportedKwh: null,
  irradiationKwhM2: null,
});

const now = new Date('2024-06-01T00:00:00Z');

describe('checkReadings', () => {
  it('accepts back-to-back intervals of several systems', () => {
    expect(
      checkReadings(
        [
          reading(0, '2024-05-31T10:00:00+05:00', '2024-05-31T11:00:00+05:00'),
          reading(1, '2024-05-31T11:00:00+05:00', '2024-05-31T12:00:00+05:00'),
          reading(2, '2024-05-31T10:00:00+05:00', '2024-05-31T11:00:00+05:00', 'PV-2'),
        ],
        now,
      ),
    ).toEqual([]);
  });

  it('names each reading that breaks a rule', () => {
    expect(
      checkReadings(
        [
          reading(0, '2024-05-31T10:00:00+05:00', '2024-05-31T09:00:00+05:00'),
          reading(1, '2024-05-31T10:00:00+05:00', '2024-05-31T10:00:00+05:00'),
          reading(2, '2024-05-29T00:00:00+05:00', '2024-05-30T02:00:00+05:00'),
          reading(3, '2024-05-31T12:00:00+05:00', '2024-06-01T06:00:00+05:00'),
          reading(4, '2024-05-31T13:00:00+05:00', '2024-05-31T14:00:00+05:00'),
          reading(5, '2024-05-31T20:00:00+05:00', '2024-05-31T21:00:00+05:00'),
          reading(6, '2024-05-31T20:00:00+05:00', '2024-05-31T21:00:00+05:00'),
        ],
        now,
      ),
    ).toEqual([
      { index: 0, message: 'end must be after start' },
      { index: 1, message: 'end must be after start' },
      { index: 1, message: 'PV-1 has another reading with this start (readings.0)' },
      { index: 2, message: 'a reading may cover at most 25 hours' },
      { index: 3, message: 'end is in the future' },
      { index: 4, message: 'overlaps the reading of readings.3' },
      { index: 5, message: 'overlaps the reading of readings.3' },
      { index: 6, message: 'PV-1 has another reading with this start (readings.5)' },
    ]);
  });
});
