import { ratio, roundMicro } from '../common/decimal.js';
import { divideRounded } from '../common/emissions.js';
import { MonthDays } from './expected-yield.js';

/** A million: amounts here are bigint millionths (src/common/decimal.ts). */
const ONE = 1_000_000n;
const MS_PER_HOUR = 3_600_000n;
/** A multiple of every month's length (28, 29, 30, 31), so a month's share per day is exact. */
const MONTH_LENGTHS_LCM = 377_580n;

/** What a period's figures are computed from; amounts in millionths. */
export interface PeriodTotals {
  /** Days counted (commissioned, not in the future) and how long they last, in ms. */
  days: number;
  /** The same days by calendar month, for the monthly profile of the expected yield. */
  monthDays: MonthDays[];
  durationMs: number;
  readings: number;
  readingsWithConsumption: number;
  readingsWithExport: number;
  readingsWithIrradiation: number;
  generatedKwh: bigint;
  consumedKwh: bigint;
  exportedKwh: bigint;
  irradiationKwhM2: bigint;
  tonnesDispatched: bigint;
}

/** The plant and the site facts the KPIs need, in millionths. */
export interface KpiBasis {
  capacityKwp: bigint;
  emissionFactorKgPerKwh: bigint;
  expectedSpecificYieldKwhPerKwpYear: bigint;
  /** The system's target performance ratio (IEC 61724), e.g. 0.8. */
  targetPerformanceRatio: bigint;
  /** 12 shares of the year's yield, January first, summing to 1. */
  monthlyProfile: bigint[];
}

/** What `expectedKwh` was computed from. */
export type ExpectedBasis = 'irradiation' | 'profile';

export interface PeriodKpis {
  generatedKwh: number;
  specificYieldKwhPerKwp: number;
  capacityFactor: number;
  performanceRatio: number | null;
  selfConsumption: number | null;
  selfSufficiency: number | null;
  co2AvoidedKg: number;
  tonnesDispatched: number;
  kwhPerTonneDispatched: number | null;
  expectedKwh: number;
  /**
   * `irradiation`: capacity x the irradiation measured on the array x the target performance
   * ratio (every reading of the period carried irradiation); `profile`: the yearly specific yield
   * spread by the monthly profile over the counted days.
   */
  expectedBasis: ExpectedBasis;
  /** More than 20 % short of `expectedKwh`; null when the period has no readings (no data). */
  underperforming: boolean | null;
}

/**
 * What the plant should have made in the period, as a fraction (numerator / denominator, in
 * millionths of a kWh) so that the comparison with generation is exact.
 */
export function expectedYield(
  t: PeriodTotals,
  basis: KpiBasis,
): { numerator: bigint; denominator: bigint; basis: ExpectedBasis } {
  const p = basis.capacityKwp;
  if (t.readings > 0 && t.readingsWithIrradiation === t.readings) {
    // P (kWp) x H (kWh/m2 = hours at 1 kW/m2) x PR
    return {
      numerator: p * t.irradiationKwhM2 * basis.targetPerformanceRatio,
      denominator: ONE * ONE,
      basis: 'irradiation',
    };
  }
  // P x Y x (the month's share / its days), summed over the counted days
  let numerator = 0n;
  for (const m of t.monthDays) {
    numerator +=
      p *
      basis.expectedSpecificYieldKwhPerKwpYear *
      basis.monthlyProfile[m.month - 1] *
      BigInt(m.days) *
      (MONTH_LENGTHS_LCM / BigInt(m.daysInMonth));
  }
  return { numerator, denominator: ONE * ONE * MONTH_LENGTHS_LCM, basis: 'profile' };
}

/** Generation more than this far below the expectation flags a period (dust on the panels). */
const SHORTFALL_PERCENT = 20n;

/**
 * The IEC 61724 figures of one period (FACTS.md), exact: every sum is a bigint and each figure
 * is rounded once, half away from zero: kWh, kWh/kWp, kWh/t, t and kg to 3 decimals, ratios
 * to 4. A ratio whose inputs are incomplete (a reading without the field it needs) is null,
 * as is one that would divide by zero.
 */
export function periodKpis(t: PeriodTotals, basis: KpiBasis): PeriodKpis {
  const g = t.generatedKwh;
  const p = basis.capacityKwp;
  const every = (count: number) => t.readings > 0 && count === t.readings;
  const usedOnSite = g - t.exportedKwh;
  const expected = expectedYield(t, basis);
  // g < (1 - 20 %) of expected, compared without rounding either side; no readings: no data
  const underperforming =
    t.readings === 0
      ? null
      : g * 100n * expected.denominator < (100n - SHORTFALL_PERCENT) * expected.numerator;
  const siteLoad = every(t.readingsWithConsumption) ? t.consumedKwh : g;

  return {
    generatedKwh: roundMicro(g),
    specificYieldKwhPerKwp: ratio(g, p, 3),
    capacityFactor: ratio(g * MS_PER_HOUR, p * BigInt(t.durationMs), 4),
    performanceRatio:
      every(t.readingsWithIrradiation) && t.irradiationKwhM2 > 0n
        ? ratio(g * ONE, p * t.irradiationKwhM2, 4)
        : null,
    selfConsumption: every(t.readingsWithExport) && g > 0n ? ratio(usedOnSite, g, 4) : null,
    selfSufficiency:
      every(t.readingsWithExport) && every(t.readingsWithConsumption) && t.consumedKwh > 0n
        ? ratio(usedOnSite, t.consumedKwh, 4)
        : null,
    co2AvoidedKg: roundMicro((g * basis.emissionFactorKgPerKwh) / ONE),
    tonnesDispatched: roundMicro(t.tonnesDispatched),
    kwhPerTonneDispatched: t.tonnesDispatched > 0n ? ratio(siteLoad, t.tonnesDispatched, 3) : null,
    expectedKwh: roundMicro(divideRounded(expected.numerator, expected.denominator)),
    expectedBasis: expected.basis,
    underperforming,
  };
}
