import { escapeHtml } from './escape.js';

export interface Bar {
  label: string;
  value: number;
}

/** The drawing's own units (its viewBox): room around the plot and the size of its text. */
export interface ChartSize {
  width: number;
  height: number;
  pad: { top: number; right: number; bottom: number; left: number };
  fontSize: number;
}

/** Shown at its own size in a report page or an e-mail. */
export const REPORT_CHART: ChartSize = {
  width: 640,
  height: 240,
  pad: { top: 28, right: 12, bottom: 44, left: 56 },
  fontSize: 10,
};

/** Scaled to the width of a web app page: larger text, so the axes stay legible on a tablet. */
export const PAGE_CHART: ChartSize = {
  width: 720,
  height: 300,
  pad: { top: 16, right: 0, bottom: 36, left: 56 },
  fontSize: 15,
};

export interface BarChartOptions {
  size?: ChartSize;
  /** Draws the title above the plot; a page whose heading says it already leaves it out. */
  caption?: boolean;
  /** A number as the reader writes it, with at most `digits` decimals (English by default). */
  num?: (value: number, digits: number) => string;
  /** Decimals of a bar's value in its tooltip. */
  digits?: number;
  /** The text under a bar; by default its label without the year ("2024-05-20" -> "05-20"). */
  tick?: (label: string) => string;
}

const english = (value: number, digits: number) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits });

/**
 * Where the bars and the value lines go, in whole units of the drawing: bars on a baseline,
 * scaled to a round ceiling (so the axis reads 0, half and the ceiling).
 */
export function barLayout(values: number[], size: ChartSize) {
  const { width, height, pad } = size;
  const plotHeight = height - pad.top - pad.bottom;
  const baseline = pad.top + plotHeight;
  const ceiling = niceCeiling(Math.max(...values, 0)) || 1;
  const step = (width - pad.left - pad.right) / Math.max(values.length, 1);
  const bars = values.map((value, i) => {
    const h = Math.round((Math.max(value, 0) / ceiling) * plotHeight);
    return {
      x: Math.round(pad.left + i * step + step * 0.15),
      y: baseline - h,
      width: Math.max(2, Math.round(step * 0.7)),
      height: h,
      center: Math.round(pad.left + i * step + step / 2),
    };
  });
  const ticks = [0, 0.5, 1].map((f) => ({
    value: ceiling * f,
    y: Math.round(baseline - plotHeight * f),
  }));
  return { baseline, bars, ticks };
}

/**
 * A self-contained SVG bar chart (no script, no external font or stylesheet), for the report
 * pages and the web app alike: one <rect class="bar"> per bar, carrying its label and value as
 * data attributes so tests and readers can check it, with its figure as a tooltip.
 */
export function barChart(
  bars: Bar[],
  title: string,
  unit: string,
  options: BarChartOptions = {},
): string {
  const size = options.size ?? REPORT_CHART;
  const { width, height, pad, fontSize } = size;
  const num = options.num ?? english;
  const tick = options.tick ?? ((label: string) => label.slice(5));
  const e = escapeHtml;
  const layout = barLayout(
    bars.map((b) => b.value),
    size,
  );

  const grid = layout.ticks
    .map(
      (t) =>
        `<line x1="${pad.left}" x2="${width - pad.right}" y1="${t.y}" y2="${t.y}" stroke="#d0d7de"/>` +
        `<text x="${pad.left - 6}" y="${t.y + Math.round(fontSize * 0.3)}" text-anchor="end">${e(num(t.value, 1))}</text>`,
    )
    .join('');
  const rects = bars
    .map((bar, i) => {
      const g = layout.bars[i];
      return (
        `<rect class="bar" data-label="${e(bar.label)}" data-value="${bar.value}" ` +
        `x="${g.x}" y="${g.y}" width="${g.width}" height="${g.height}" fill="#0072bc">` +
        `<title>${e(bar.label)}: ${e(num(bar.value, options.digits ?? 1))} ${e(unit)}</title></rect>`
      );
    })
    .join('');
  const labels = bars
    .map(
      (bar, i) =>
        `<text x="${layout.bars[i].center}" y="${layout.baseline + Math.round(fontSize * 1.5)}" text-anchor="middle">${e(tick(bar.label))}</text>`,
    )
    .join('');
  const caption =
    options.caption === false
      ? ''
      : `<text x="${pad.left}" y="16" font-size="${Math.round(fontSize * 1.2)}" font-weight="bold">${e(title)} (${e(unit)})</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="${e(title)}" font-family="sans-serif" font-size="${fontSize}" fill="#333">` +
    `<title>${e(title)}</title>` +
    caption +
    grid +
    rects +
    labels +
    `<line x1="${pad.left}" x2="${width - pad.right}" y1="${layout.baseline}" y2="${layout.baseline}" stroke="#444"/>` +
    `</svg>`
  );
}

/** 1, 2 or 5 times a power of ten, at least `value` (so the axis reads in round numbers). */
export function niceCeiling(value: number): number {
  if (value <= 0) return 0;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}
