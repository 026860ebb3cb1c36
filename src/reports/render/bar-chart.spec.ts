import { barChart, barLayout, niceCeiling, PAGE_CHART } from './bar-chart.js';

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

  it('scales a weekly chart to a round ceiling', () => {
    expect([0, 0.4, 1, 7, 120, 250, 999].map(niceCeiling)).toEqual([0, 0.5, 1, 10, 200, 500, 1000]);
    const chart = barLayout([60, 0, 100], PAGE_CHART);
    expect(chart.bars.map((b) => b.height)).toEqual([149, 0, 248]);
    expect(chart.bars.every((b) => b.y + b.height === chart.baseline)).toBe(true);
    // Nothing to draw: a plain 0-1 axis, not three lines all reading 0.
    expect(barLayout([0, 0], PAGE_CHART).ticks.map((t) => t.value)).toEqual([0, 0.5, 1]);
  });

  it("writes the reader's numbers and day labels, and leaves the caption to the page", () => {
    const svg = barChart([{ label: '2024-05-20', value: 1234.5678 }], 'Tonnes per week', 't', {
      size: PAGE_CHART,
      caption: false,
      num: (value, digits) =>
        value.toLocaleString('ru-RU', { maximumFractionDigits: digits }).replace(/\s/g, ' '),
      digits: 3,
      tick: (label) => label.slice(5).replace('-', '.'),
    });
    expect(svg).toContain('viewBox="0 0 720 300"');
    expect(svg).toContain('<title>2024-05-20: 1 234,568 t</title>');
    expect(svg).toContain('>05.20</text>');
    expect(svg).not.toContain('font-weight="bold"');
  });
});
