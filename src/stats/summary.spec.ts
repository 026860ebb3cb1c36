import { joinAnd, longDate, pluralOf, summarySentence, withArticle } from './summary.js';

describe('summary sentence', () => {
  it('rounds the tonnes shown beside it, as the dashboard card does, not the kg cut to whole kg', () => {
    // 500,499.9996 kg: whole kg read 500.499 t (500), the figure shown 500.500 t (501 on the card)
    const sentence = (tonnes?: number) =>
      summarySentence({
        asOf: '2024-05-31',
        hubShortName: 'Termez',
        trucks: 2,
        tonnageKg: 500_499,
        tonnes,
        destinations: [{ name: 'Afghanistan', tonnageKg: 500_499 }],
        items: [],
      });
    expect(sentence()).toContain('transporting 500 metric tons');
    expect(sentence(500.5)).toContain('transporting 501 metric tons');
    expect((500.5).toLocaleString('en-GB', { maximumFractionDigits: 0 })).toBe('501');
  });

  it('writes the published Termez sentence', () => {
    const names = [
      'Afghanistan',
      'Tajikistan',
      'Kyrgyz Republic',
      'Pakistan',
      'Iran',
      'Moldova',
      'Poland',
      'Romania',
    ];
    const sentence = summarySentence({
      asOf: '2024-05-31',
      hubShortName: 'Termez',
      trucks: 721,
      tonnageKg: 7_247_400,
      destinations: names.map((name, i) => ({ name, tonnageKg: 1000 * (8 - i) })),
      items: [
        { plural: 'refugee housing units', tonnageKg: 9 },
        { plural: 'family tents', tonnageKg: 8 },
        { plural: 'blankets', tonnageKg: 7 },
      ],
    });
    expect(sentence).toBe(
      'As of 31 May 2024, 721 trucks have been dispatched from the Termez hub to Afghanistan, ' +
        'Tajikistan, the Kyrgyz Republic, Pakistan, Iran, Moldova, Poland and Romania, transporting ' +
        '7,247 metric tons of relief items, including refugee housing units, family tents and blankets.',
    );
  });

  it('handles one truck, one destination and nothing at all', () => {
    expect(
      summarySentence({
        asOf: '2021-12-15',
        hubShortName: 'Termez',
        trucks: 1,
        tonnageKg: 600,
        destinations: [{ name: 'Afghanistan', tonnageKg: 600 }],
        items: [{ plural: 'kitchen sets', tonnageKg: 600 }],
      }),
    ).toBe(
      'As of 15 December 2021, 1 truck has been dispatched from the Termez hub to Afghanistan, ' +
        'transporting 1 metric ton of relief items, including kitchen sets.',
    );
    expect(
      summarySentence({
        asOf: '2021-10-01',
        hubShortName: 'Termez',
        trucks: 0,
        tonnageKg: 0,
        destinations: [],
        items: [],
      }),
    ).toBe('As of 1 October 2021, no trucks have been dispatched from the Termez hub.');
  });

  it('says how many households the kits dispatched equip, when there are any', () => {
    const input = {
      asOf: '2026-11-30',
      hubShortName: 'Termez',
      trucks: 6,
      tonnageKg: 78_920,
      destinations: [{ name: 'Afghanistan', tonnageKg: 78_920 }],
      items: [{ plural: 'family tents', tonnageKg: 55_000 }],
    };
    expect(summarySentence({ ...input, households: 1000 })).toBe(
      'As of 30 November 2026, 6 trucks have been dispatched from the Termez hub to Afghanistan, ' +
        'transporting 79 metric tons of relief items, including family tents, enough for 1,000 households.',
    );
    expect(summarySentence({ ...input, households: 1 })).toMatch(/, enough for 1 household\.$/);
    expect(summarySentence({ ...input, households: 0 })).toMatch(/including family tents\.$/);
  });

  it('names at most eight item kinds', () => {
    const items = 'abcdefghij'.split('').map((c, i) => ({ plural: `${c}s`, tonnageKg: 10 - i }));
    const sentence = summarySentence({
      asOf: '2024-01-01',
      hubShortName: 'Termez',
      trucks: 2,
      tonnageKg: 2000,
      destinations: [{ name: 'Iran', tonnageKg: 2000 }],
      items,
    });
    expect(sentence).toMatch(/including as, bs, cs, ds, es, fs, gs and hs\.$/);
  });

  it('has the helpers English needs', () => {
    expect(longDate('2024-05-31')).toBe('31 May 2024');
    expect(withArticle('Kyrgyz Republic')).toBe('the Kyrgyz Republic');
    expect(withArticle('Iran')).toBe('Iran');
    expect(withArticle('Netherlands')).toBe('the Netherlands');
    expect(joinAnd(['a'])).toBe('a');
    expect(joinAnd(['a', 'b'])).toBe('a and b');
    expect(joinAnd(['a', 'b', 'c'])).toBe('a, b and c');
    expect(
      [
        'Blanket, high thermal, 150x200 cm',
        'Sleeping mat, 180x90 cm',
        'Kitchen set, type B (family of 5)',
        'Jerrycan, 20 L, collapsible',
        'Bucket, 14 L, with lid',
        'Plastic sheet, 4x5 m, reinforced',
        'Plastic sheeting roll, 4x50 m',
        'Family tent, self-standing, 18.5 m2',
        'Refugee Housing Unit (Better Shelter RHU 1.2)',
        'Solar lamp, portable LED',
        'Mosquito box',
        'Water supply',
      ].map(pluralOf),
    ).toEqual([
      'blankets',
      'sleeping mats',
      'kitchen sets',
      'jerrycans',
      'buckets',
      'plastic sheets',
      'plastic sheeting rolls',
      'family tents',
      'refugee housing units',
      'solar lamps',
      'mosquito boxes',
      'water supplies',
    ]);
  });
});
