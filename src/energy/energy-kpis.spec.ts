import { toMicro } from '../common/decimal.js';
import { KpiBasis, PeriodTotals, periodKpis } from './energy-kpis.js';
import { monthDays, profileMicro } from './expected-yield.js';

const basis: KpiBasis = {
  capacityKwp: toMicro(700),
  emissionFactorKgPerKwh: toMicro(0.558),
  expectedSpecificYieldKwhPerKwpYear: toMicro(1414),
  targetPerformanceRatio: toMicro(0.8),
  monthlyProfile: profileMicro(null),
};
/** A flat profile: every month 1/12 of the year's yield is not what Termez sees. */
const flat: KpiBasis = { ...basis, monthlyProfile: Array(12).fill(toMicro('0.083333')) };

const day = (overrides: Partial<PeriodTotals> = {}): PeriodTotals => ({
  days: 1,
  monthDays: monthDays('2024-05-31', '2024-05-31'),
  durationMs: 24 * 3_600_000,
  readings: 24,
  readingsWithConsumption: 24,
  readingsWithExport: 24,
  readingsWithIrradiation: 24,
  generatedKwh: toMicro('3500'),
  consumedKwh: toMicro('2000'),
  exportedKwh: toMicro('1800'),
  irradiationKwhM2: toMicro('6.25'),
  tonnesDispatched: toMicro('40'),
  ...overrides,
});

describe('periodKpis', () => {
  it('computes the IEC 61724 figures of a day', () => {
    expect(periodKpis(day(), basis)).toEqual({
      generatedKwh: 3500,
      specificYieldKwhPerKwp: 5, // 3,500 / 700
      capacityFactor: 0.2083, // 3,500 / (700 x 24)
      performanceRatio: 0.8, // 5 / 6.25
      selfConsumption: 0.4857, // (3,500 - 1,800) / 3,500
      selfSufficiency: 0.85, // 1,700 / 2,000
      co2AvoidedKg: 1953, // 3,500 x 0.558
      tonnesDispatched: 40,
      kwhPerTonneDispatched: 50, // site load 2,000 / 40 t
      expectedKwh: 3500, // every reading carried irradiation: 700 kWp x 6.25 kWh/m2 x PR 0.8
      expectedBasis: 'irradiation',
      underperforming: false,
    });
  });

  it('leaves out ratios whose inputs are incomplete, and uses generation as load without consumption', () => {
    const kpis = periodKpis(
      day({ readingsWithIrradiation: 23, readingsWithExport: 0, readingsWithConsumption: 12 }),
      basis,
    );
    expect(kpis).toMatchObject({
      performanceRatio: null,
      selfConsumption: null,
      selfSufficiency: null,
      kwhPerTonneDispatched: 87.5, // 3,500 / 40
      // a reading without irradiation: May's share of the year, 700 x 1,414 x 0.116 / 31 days
      expectedKwh: 3703.768,
      expectedBasis: 'profile',
    });
    expect(periodKpis(day({ tonnesDispatched: 0n }), basis).kwhPerTonneDispatched).toBeNull();
    const empty = periodKpis(
      day({
        readings: 0,
        readingsWithConsumption: 0,
        readingsWithExport: 0,
        readingsWithIrradiation: 0,
        generatedKwh: 0n,
        consumedKwh: 0n,
        exportedKwh: 0n,
        irradiationKwhM2: 0n,
      }),
      basis,
    );
    expect(empty).toMatchObject({
      generatedKwh: 0,
      performanceRatio: null,
      selfConsumption: null,
      selfSufficiency: null,
      // no readings is no data, never "underperforming"
      underperforming: null,
    });
  });

  it('flags generation more than 20 % below the expectation, exactly at the edge', () => {
    // 80 % of the 3,500 kWh the measured irradiation allows is 2,800 kWh
    expect(periodKpis(day({ generatedKwh: toMicro('2799.999999') }), basis).underperforming).toBe(
      true,
    );
    expect(periodKpis(day({ generatedKwh: toMicro('2800') }), basis).underperforming).toBe(false);
    // from the profile: 80 % of 3,703.767741935... is 2,963.014193548...
    const noIrradiation = { readingsWithIrradiation: 0 };
    const at = (kwh: string) =>
      periodKpis(day({ ...noIrradiation, generatedKwh: toMicro(kwh) }), basis).underperforming;
    expect(at('2963.014193')).toBe(true);
    expect(at('2963.014194')).toBe(false);
  });

  it("expects a clear November day against November's share, not a yearly average", () => {
    // 1,500 kWh on 15 Nov 2024, no irradiation measured
    const november = day({
      monthDays: monthDays('2024-11-15', '2024-11-15'),
      readingsWithIrradiation: 0,
      generatedKwh: toMicro('1500'),
    });
    // 700 kWp x 1,414 kWh/kWp x 0.048 / 30 days = 1,583.68 kWh; 80 % is 1,266.944
    expect(periodKpis(november, basis)).toMatchObject({
      expectedKwh: 1583.68,
      expectedBasis: 'profile',
      underperforming: false,
    });
    // against a flat twelfth of the year (2,749.433 kWh) the same day would read "short"
    expect(periodKpis(november, flat)).toMatchObject({
      expectedKwh: 2749.433,
      underperforming: true,
    });
  });

  it('sums the expectation over the days and hours of a period, month by month', () => {
    // Monday 25 Nov to Sunday 1 Dec 2024: six November days and one December day
    const week = periodKpis(
      day({
        days: 7,
        monthDays: monthDays('2024-11-25', '2024-12-01'),
        durationMs: 7 * 24 * 3_600_000,
        readingsWithIrradiation: 0,
        generatedKwh: toMicro('21000'),
      }),
      basis,
    );
    // 989,800 x (0.048 x 6 / 30 + 0.037 / 31) = 10,683.4541935...
    expect(week.expectedKwh).toBe(10683.454);
    expect(week.capacityFactor).toBe(0.1786); // 21,000 / (700 x 168)
  });
});

describe('monthDays', () => {
  it('splits a period by calendar month, leap years included', () => {
    expect(monthDays('2024-02-27', '2024-03-02')).toEqual([
      { month: 2, days: 3, daysInMonth: 29 },
      { month: 3, days: 2, daysInMonth: 31 },
    ]);
    expect(monthDays('2023-12-31', '2024-01-01')).toEqual([
      { month: 12, days: 1, daysInMonth: 31 },
      { month: 1, days: 1, daysInMonth: 31 },
    ]);
  });
});
