import { toMicro } from '../common/decimal.js';
import { PeriodTotals, periodKpis } from './energy-kpis.js';

const basis = {
  capacityKwp: toMicro(700),
  emissionFactorKgPerKwh: toMicro(0.558),
  expectedSpecificYieldKwhPerKwpYear: toMicro(1414),
};

const day = (overrides: Partial<PeriodTotals> = {}): PeriodTotals => ({
  days: 1,
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
      expectedKwh: 2711.781, // 700 x 1,414 / 365
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
      underperforming: true,
    });
  });

  it('flags generation more than 20 % below the expectation, exactly at the edge', () => {
    // 80 % of 2,711.780822 kWh is 2,169.424658 kWh
    expect(periodKpis(day({ generatedKwh: toMicro('2169.424657') }), basis).underperforming).toBe(
      true,
    );
    expect(periodKpis(day({ generatedKwh: toMicro('2169.424658') }), basis).underperforming).toBe(
      false,
    );
    expect(periodKpis(day({ generatedKwh: toMicro('1355.89') }), basis).underperforming).toBe(true);
  });

  it('sums the expectation over the days and hours of a period', () => {
    const week = periodKpis(
      day({ days: 7, durationMs: 7 * 24 * 3_600_000, generatedKwh: toMicro('21000') }),
      basis,
    );
    expect(week.expectedKwh).toBe(18982.466); // 700 x 1,414 x 7 / 365 = 18,982.4657...
    expect(week.capacityFactor).toBe(0.1786); // 21,000 / (700 x 168)
  });
});
