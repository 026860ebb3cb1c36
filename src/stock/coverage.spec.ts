import { coverageOf, CoverageRow } from './coverage.js';

const row = (sku: string, available: number, perKit: number): CoverageRow => ({
  kit: 'HH-CRI-5',
  kitName: 'Household kit',
  householdSize: 5,
  sku,
  name: sku,
  available,
  perKit,
});

describe('coverageOf()', () => {
  it('takes the least of floor(available / per kit) over the components', () => {
    const [kit] = coverageOf([
      row('TENT', 12, 1),
      row('BLANKET', 59, 5), // 11
      row('MAT', 100, 5), // 20
      row('LAMP', 30, 1),
      row('BUCKET', 11, 1), // 11
    ]);
    expect(kit.households).toBe(11);
    expect(kit.people).toBe(55);
    // both that set 11, then the next two
    expect(kit.limitingItems.map((i) => [i.sku, i.households])).toEqual([
      ['BLANKET', 11],
      ['BUCKET', 11],
      ['TENT', 12],
      ['MAT', 20],
    ]);
  });

  it('covers 0 households when a component is at 0, or short of one kit', () => {
    expect(coverageOf([row('TENT', 0, 1), row('BLANKET', 500, 5)])[0].households).toBe(0);
    expect(coverageOf([row('TENT', 10, 1), row('BLANKET', 4, 5)])[0].households).toBe(0);
  });

  it('gives one entry per kit, by code', () => {
    const other = { ...row('TENT', 3, 1), kit: 'A-KIT', householdSize: 7 };
    const result = coverageOf([row('TENT', 9, 1), other]);
    expect(result.map((k) => [k.kit, k.households, k.people])).toEqual([
      ['A-KIT', 3, 21],
      ['HH-CRI-5', 9, 45],
    ]);
  });
});
