import { microToString, ratio, roundDecimal, roundMicro, toMicro } from './decimal.js';

describe('decimal', () => {
  it('parses strings and numbers exactly', () => {
    expect(toMicro('1.5')).toBe(1_500_000n);
    expect(toMicro(0.0117)).toBe(11_700n);
    expect(toMicro('161')).toBe(161_000_000n);
    expect(toMicro('-0.000001')).toBe(-1n);
    expect(toMicro('2.500000')).toBe(2_500_000n);
    expect(() => toMicro('1.0000001')).toThrow(/decimals/);
    expect(() => toMicro('abc')).toThrow();
  });

  it('sums without float drift', () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004
    expect(microToString(toMicro(0.1) + toMicro(0.2))).toBe('0.300000');
    expect(microToString(40n * toMicro('1.5') + 2n * toMicro('161'))).toBe('382.000000');
  });

  it('rounds half away from zero at the third decimal', () => {
    expect(roundDecimal('0.4685')).toBe(0.469);
    expect(roundDecimal('0.468499')).toBe(0.468);
    expect(roundDecimal('1.0005')).toBe(1.001);
    expect(roundMicro(-1_000_500n)).toBe(-1.001);
    expect(roundDecimal('7247.4999', 0)).toBe(7247);
  });

  it('divides into ratios', () => {
    expect(ratio(toMicro(382), toMicro(22000))).toBe(0.017);
    expect(ratio(toMicro(11000), toMicro(22000))).toBe(0.5);
    expect(ratio(1n, 0n)).toBe(0);
  });
});
