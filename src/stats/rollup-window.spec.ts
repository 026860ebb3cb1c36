import { rollupWindow } from './rollup-window.js';

describe('rollupWindow', () => {
  it('reads whole months before the month of asOf, and its days', () => {
    expect(rollupWindow(null, '2024-05-17')).toEqual({
      months: { from: null, until: '2024-05-01' },
      days: [['2024-05-01', '2024-05-17']],
    });
  });

  it('takes the month of asOf whole on its last day, also across a year', () => {
    expect(rollupWindow(null, '2024-02-29')).toEqual({
      months: { from: null, until: '2024-03-01' },
      days: [],
    });
    expect(rollupWindow('2023-12-01', '2023-12-31')).toEqual({
      months: { from: '2023-12-01', until: '2024-01-01' },
      days: [],
    });
  });

  it('reads the days of a partial first month, then whole months, then the last days', () => {
    expect(rollupWindow('2022-06-15', '2023-01-10')).toEqual({
      months: { from: '2022-07-01', until: '2023-01-01' },
      days: [
        ['2022-06-15', '2022-06-30'],
        ['2023-01-01', '2023-01-10'],
      ],
    });
  });

  it('reads days only when no whole month fits', () => {
    expect(rollupWindow('2024-05-02', '2024-05-31')).toEqual({
      months: null,
      days: [['2024-05-02', '2024-05-31']],
    });
    expect(rollupWindow('2024-05-20', '2024-06-10')).toEqual({
      months: null,
      days: [['2024-05-20', '2024-06-10']],
    });
    expect(rollupWindow('2024-05-07', '2024-05-07')).toEqual({
      months: null,
      days: [['2024-05-07', '2024-05-07']],
    });
  });
});
