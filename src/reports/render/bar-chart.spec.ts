import { barChart } from './bar-chart.js';

describe('barChart', () => {
  it('draws one bar per value, heights in proportion', () => {
    const svg = barChart(
      [
        { label: '2024-05-20', value: 10 },
        { label: '2024-05-27', value: 20 },
        { label: '2024-06-03', value: 0 },
      ],
      'Tonnes per week',
      't',
    );
    const bars = [
      ...svg.matchAll(
        /<rect class="bar" data-label="([^"]+)" data-value="([^"]+)"[^>]* height="([^"]+)"/g,
      ),
    ];
    expect(bars.map((b) => [b[1], Number(b[2])])).toEqual([
      ['2024-05-20', 10],
      ['2024-05-27', 20],
      ['2024-06-03', 0],
    ]);
    const heights = bars.map((b) => Number(b[3]));
    expect(heights[1]).toBeCloseTo(heights[0] * 2, 0);
    expect(heights[2]).toBe(0);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script/);
  });

  it('escapes text', () => {
    expect(barChart([{ label: '<b>', value: 1 }], 'A & B', 't')).toContain('A &amp; B');
  });
});
