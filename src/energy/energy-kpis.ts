import { ratio, roundMicro } from '../common/decimal.js';

/** A million: amounts here are bigint millionths (src/common/decimal.ts). */
const ONE = 1_000_000n;
const MS_PER_HOUR = 3_600_000n;
const DAYS_PER_YEAR = 365n;

/** What a period's figures are computed from; amounts in millionths. */
export interface PeriodTotals {
  /** Days counted (commissioned, not in the future) and how long they last, in ms. */
  days: number;
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
}

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
  underperforming: boolean;
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
  // P x yield / 365 per day, in millionths: (P * Y / ONE) * days / 365
  const expectedScaled = p * basis.expectedSpecificYieldKwhPerKwpYear * BigInt(t.days);
  const expected = expectedScaled / (ONE * DAYS_PER_YEAR);
  // g < (1 - 20 %) of expected, compared without rounding either side
  const underperforming =
    g * 100n * ONE * DAYS_PER_YEAR < (100n - SHORTFALL_PERCENT) * expectedScaled;
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
    expectedKwh: roundMicro(expected),
    underperforming,
  };
}
