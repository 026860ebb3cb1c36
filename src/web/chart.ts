import { PeriodStats } from '../stats/dto/stats.dto.js';

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  tonnes: number;
  periodStart: string;
}

/** Geometry of a bar chart of tonnes per period, drawn as SVG by the template. */
export function barChart(periods: PeriodStats[], width = 720, height = 300) {
  const top = 16;
  const bottom = 36;
  const left = 56;
  const plotHeight = height - top - bottom;
  const max = Math.max(...periods.map((p) => p.tonnes), 0);
  const ceiling = niceCeiling(max);
  const step = (width - left) / Math.max(periods.length, 1);
  const bars: Bar[] = periods.map((p, i) => {
    const h = ceiling === 0 ? 0 : (p.tonnes / ceiling) * plotHeight;
    return {
      x: Math.round(left + i * step + step * 0.15),
      y: Math.round(top + plotHeight - h),
      width: Math.max(1, Math.round(step * 0.7)),
      height: Math.round(h),
      label: p.periodStart.slice(5).replace('-', '.'),
      tonnes: p.tonnes,
      periodStart: p.periodStart,
    };
  });
  const ticks = [0, 0.5, 1].map((f) => ({
    value: ceiling * f,
    y: Math.round(top + plotHeight - plotHeight * f),
  }));
  return { width, height, left, baseline: top + plotHeight, bars, ticks };
}

/** 1, 2 or 5 times a power of ten, at least `value` (so the axis reads in round numbers). */
export function niceCeiling(value: number): number {
  if (value <= 0) return 0;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}
