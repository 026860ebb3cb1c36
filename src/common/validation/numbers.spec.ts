import { hasAtMostDecimals } from './numbers.js';

describe('hasAtMostDecimals', () => {
  it.each([
    [0.000001, 6],
    [1.123456, 6],
    [999999.999999, 6],
    [999999999.999999, 6],
    [12.5, 3],
    [100000, 0],
  ])('%p has at most %p decimals', (value, places) => {
    expect(hasAtMostDecimals(value, places)).toBe(true);
  });

  it.each([
    [1e-7, 6],
    [5e-7, 6],
    [1.5e-7, 6],
    [1.1234567, 6],
    [0.1 + 0.2, 6],
    [0.0005, 3],
    [Infinity, 6],
    [NaN, 6],
  ])('%p has more than %p decimals (or is no decimal)', (value, places) => {
    expect(hasAtMostDecimals(value, places)).toBe(false);
  });
});
