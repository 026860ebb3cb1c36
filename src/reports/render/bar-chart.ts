import { escapeHtml } from './escape.js';

export interface Bar {
  label: string;
  value: number;
}

/**
 * A small self-contained SVG bar chart (no script, no external font): one <rect class="bar">
 * per bar, carrying its label and value as data attributes so tests and readers can check it.
 */
export function barChart(bars: Bar[], title: string, unit: string): string {
  const width = 640;
  const height = 240;
  const pad = { top: 28, right: 12, bottom: 44, left: 56 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = Math.max(...bars.map((b) => b.value), 0);
  const top = max > 0 ? niceCeiling(max) : 1;
  const slot = bars.length ? plotW / bars.length : plotW;
  const barW = Math.max(2, slot * 0.7);
  const y = (value: number) => pad.top + plotH - (value / top) * plotH;
  const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

  const rects = bars
    .map((bar, i) => {
      const x = pad.left + i * slot + (slot - barW) / 2;
      const h = Math.max(0, pad.top + plotH - y(bar.value));
      return (
        `<rect class="bar" data-label="${escapeHtml(bar.label)}" data-value="${bar.value}" ` +
        `x="${x.toFixed(1)}" y="${(pad.top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" ` +
        `height="${h.toFixed(1)}" fill="#0072bc"><title>${escapeHtml(bar.label)}: ${fmt(bar.value)} ${escapeHtml(unit)}</title></rect>`
      );
    })
    .join('');
  const labels = bars
    .map((bar, i) => {
      const x = pad.left + i * slot + slot / 2;
      return `<text x="${x.toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle" font-size="10">${escapeHtml(bar.label.slice(5))}</text>`;
    })
    .join('');
  const ticks = [0, 0.5, 1]
    .map((f) => {
      const value = top * f;
      return (
        `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#ddd"/>` +
        `<text x="${pad.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end" font-size="10">${fmt(value)}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="${escapeHtml(title)}" font-family="sans-serif">` +
    `<title>${escapeHtml(title)}</title>` +
    `<text x="${pad.left}" y="16" font-size="12" font-weight="bold">${escapeHtml(title)} (${escapeHtml(unit)})</text>` +
    ticks +
    rects +
    labels +
    `</svg>`
  );
}

/** 1, 2 or 5 times a power of ten, at or above the value. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((n) => n >= value) ?? value;
}
