import {
  daysBetween,
  defaultFrom,
  EnergyInterval,
  periodEndOf,
  periodsCovering,
  periodStartOf,
} from './report-periods.js';

describe('report periods', () => {
  it('starts weeks on Monday and months on the 1st', () => {
    // 2024-06-02 was a Sunday, 2024-05-27 a Monday
    expect(periodStartOf('2024-06-02', EnergyInterval.Week)).toBe('2024-05-27');
    expect(periodStartOf('2024-05-27', EnergyInterval.Week)).toBe('2024-05-27');
    expect(periodStartOf('2024-05-28', EnergyInterval.Week)).toBe('2024-05-27');
    expect(periodStartOf('2024-02-29', EnergyInterval.Month)).toBe('2024-02-01');
    expect(periodStartOf('2024-02-29', EnergyInterval.Day)).toBe('2024-02-29');
    expect(periodEndOf('2024-02-01', EnergyInterval.Month)).toBe('2024-02-29');
    expect(periodEndOf('2023-12-01', EnergyInterval.Month)).toBe('2023-12-31');
    expect(periodEndOf('2024-12-30', EnergyInterval.Week)).toBe('2025-01-05');
  });

  it('covers from..to with whole periods', () => {
    expect(periodsCovering('2024-05-29', '2024-06-04', EnergyInterval.Week)).toEqual([
      { start: '2024-05-27', end: '2024-06-02' },
      { start: '2024-06-03', end: '2024-06-09' },
    ]);
    expect(periodsCovering('2024-05-31', '2024-06-01', EnergyInterval.Month)).toEqual([
      { start: '2024-05-01', end: '2024-05-31' },
      { start: '2024-06-01', end: '2024-06-30' },
    ]);
    expect(periodsCovering('2024-05-31', '2024-06-01', EnergyInterval.Day)).toHaveLength(2);
  });

  it('reaches back 30 days, 12 weeks or 12 months by default', () => {
    expect(defaultFrom('2024-06-30', EnergyInterval.Day)).toBe('2024-06-01');
    expect(daysBetween('2024-06-01', '2024-06-30')).toBe(29);
    expect(
      periodsCovering(
        defaultFrom('2024-06-05', EnergyInterval.Week),
        '2024-06-05',
        EnergyInterval.Week,
      ),
    ).toHaveLength(12);
    expect(defaultFrom('2024-06-05', EnergyInterval.Month)).toBe('2023-07-01');
  });
});
