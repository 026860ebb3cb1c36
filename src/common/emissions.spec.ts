import { roundDecimal } from './decimal.js';
import { dispatchEmissions, divideRounded } from './emissions.js';

const factors = { dieselCo2eKgPerL: 3.17, roadCo2eKgPerTkm: 0.081 };

describe('dispatchEmissions', () => {
  it('a 20 t truck over 251 km at 0.081 kg/tkm is 5,020 tkm and 406.62 kg CO2e', () => {
    expect(
      dispatchEmissions({ tonnageKg: '20000', distanceKm: '251', fuelLitres: null }, factors),
    ).toEqual({
      distanceKm: '251.000000',
      tonneKm: '5020.000000',
      co2eKg: '406.620000',
      method: 'default',
    });
  });

  it('600 L of diesel at 3.17 kg/L is 1,902 kg CO2e, whatever the tonnage', () => {
    expect(
      dispatchEmissions({ tonnageKg: '20000', distanceKm: '251', fuelLitres: '600' }, factors),
    ).toEqual({
      distanceKm: '251.000000',
      tonneKm: '5020.000000',
      co2eKg: '1902.000000',
      method: 'fuel',
    });
  });

  it('is exact where floats drift, and rounds once, half away from zero', () => {
    // 0.1 t x 0.3 km = 0.03 tkm (a float product gives 0.030000000000000002)
    const tiny = dispatchEmissions(
      { tonnageKg: '100', distanceKm: '0.3', fuelLitres: null },
      factors,
    )!;
    expect(tiny.tonneKm).toBe('0.030000');
    // 0.03 x 0.081 = 0.00243 kg
    expect(tiny.co2eKg).toBe('0.002430');
    // 12,345.678 kg x 1,000.5 km = 12,351.850839 tkm exactly; x 0.081 = 1000.4999179... kg
    const odd = dispatchEmissions(
      { tonnageKg: '12345.678', distanceKm: '1000.5', fuelLitres: null },
      factors,
    )!;
    expect(odd.tonneKm).toBe('12351.850839');
    expect(odd.co2eKg).toBe('1000.499918');
    expect(roundDecimal(odd.co2eKg, 3)).toBe(1000.5);
  });

  it('is null without a distance, fuel or not', () => {
    expect(
      dispatchEmissions({ tonnageKg: '1', distanceKm: null, fuelLitres: null }, factors),
    ).toBeNull();
    expect(
      dispatchEmissions({ tonnageKg: '1', distanceKm: null, fuelLitres: '10' }, factors),
    ).toBeNull();
  });

  it('takes configured factors as decimal strings too', () => {
    const e = dispatchEmissions(
      { tonnageKg: '10000', distanceKm: '90', fuelLitres: null },
      { dieselCo2eKgPerL: '2.67', roadCo2eKgPerTkm: '0.06' },
    )!;
    expect(e).toMatchObject({ tonneKm: '900.000000', co2eKg: '54.000000' });
  });
});

describe('divideRounded', () => {
  it('rounds halves away from zero', () => {
    expect(divideRounded(5n, 2n)).toBe(3n);
    expect(divideRounded(-5n, 2n)).toBe(-3n);
    expect(divideRounded(4n, 3n)).toBe(1n);
  });
});
