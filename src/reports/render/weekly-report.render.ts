import { stringify } from 'csv-stringify/sync';
import { csvCell } from '../../common/spreadsheet/cell.js';
import { WeeklyReportResponse } from '../dto/weekly-report.dto.js';
import { barChart } from './bar-chart.js';
import { renderPdf } from './weekly-report.pdf.js';
import { escapeHtml, escapeMarkdown } from './escape.js';
import {
  ReportBlock,
  ReportContext,
  reportDocument,
  ReportTable,
  shortDay,
} from './report-document.js';

/**
 * One row per dispatch of the week, for a spreadsheet: exact figures (as the JSON), the time
 * with its offset, the destination's code and name.
 */
export function renderCsv(report: WeeklyReportResponse): string {
  const names = new Map(report.destinations.map((d) => [d.code, d.name]));
  return stringify(
    report.dispatches.map((d) => [
      d.waybillNo,
      d.dispatchedAt,
      d.destination,
      names.get(d.destination) ?? d.destination,
      d.truckPlate,
      d.tonnes,
      d.distanceKm ?? null,
      d.co2eKg ?? null,
    ]),
    {
      header: true,
      columns: [
        'waybill_no',
        'dispatched_at',
        'destination',
        'destination_name',
        'truck_plate',
        'tonnes',
        'distance_km',
        'co2e_kg',
      ],
      cast: { string: csvCell },
    },
  );
}

/** Where the HTML page leads: the app's pages for this week (relative, as the app serves it). */
export interface ReportLinks {
  /** Back to the app: the reports page. */
  app: string;
  /** The other formats of this week, by label ("PDF", "Markdown", "CSV"). */
  downloads: { label: string; href: string }[];
}

/** The links a report page carries: the web app's, which a signed-in browser can open. */
export function appLinks(report: { hub: string; weekStart: string }): ReportLinks {
  const week = `/app/reports/${report.weekStart}`;
  return {
    app: '/app/reports',
    downloads: [
      { label: 'Download PDF', href: `${week}?format=pdf` },
      { label: 'Markdown', href: `${week}?format=md` },
      { label: 'CSV', href: `${week}?format=csv` },
    ],
  };
}

export function renderMarkdown(report: WeeklyReportResponse, context: ReportContext): string {
  const doc = reportDocument(report, context);
  const md = escapeMarkdown;
  const table = (t: ReportTable) =>
    t.rows.length === 0
      ? md(t.empty)
      : [
          `| ${t.columns.map((c) => md(c.head)).join(' | ')} |`,
          `| ${t.columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`,
          ...t.rows.map((r) => `| ${r.map(md).join(' | ')} |`),
        ].join('\n');
  const block = (b: ReportBlock) =>
    b.kind === 'text' ? md(b.text) : table(b.kind === 'chart' ? b.table : b.table);
  return [
    `# ${md(doc.title)}`,
    '',
    `${md(doc.period)}.`,
    '',
    `**${md(doc.headline)}**`,
    '',
    `> ${md(doc.summary)}`,
    '',
    ...doc.sections.flatMap((s) => [
      `## ${md(s.title)}`,
      '',
      ...s.blocks.flatMap((b) => [block(b), '']),
    ]),
    `_${md(doc.generated)}._`,
    '',
  ].join('\n');
}

/**
 * A self-contained page: inline CSS, the chart as inline SVG, no script, no external asset; its
 * links lead back into the app (the reports page, this week's PDF and other formats).
 */
export function renderHtml(
  report: WeeklyReportResponse,
  context: ReportContext,
  links: ReportLinks = appLinks(report),
): string {
  const doc = reportDocument(report, context);
  const e = escapeHtml;
  const table = (t: ReportTable) =>
    t.rows.length === 0
      ? `<p>${e(t.empty)}</p>`
      : `<table><thead><tr>${t.columns
          .map((c) => `<th scope="col"${c.numeric ? ' class="num"' : ''}>${e(c.head)}</th>`)
          .join('')}</tr></thead><tbody>` +
        t.rows
          .map(
            (r) =>
              `<tr>${r.map((cell, i) => (t.columns[i].numeric ? `<td class="num">${e(cell)}</td>` : `<td>${e(cell)}</td>`)).join('')}</tr>`,
          )
          .join('') +
        `</tbody></table>`;
  const block = (b: ReportBlock) =>
    b.kind === 'text'
      ? `<p>${e(b.text)}</p>`
      : b.kind === 'table'
        ? table(b.table)
        : barChart(b.bars, b.title, b.unit, {
            tick: (label) => shortDay(label).replace(/ \d{4}$/, ''),
          });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(doc.title)}, ${e(shortDay(doc.weekStart))}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
nav{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;font-size:.95rem;margin-bottom:1rem}a{color:#005a94}
.wide{overflow-x:auto}table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th.num,td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}blockquote{border-left:4px solid #0072bc;margin:1rem 0;padding:.5rem 1rem;background:#f3f8fc}
.figures{font-size:1.1rem}svg{max-width:100%;height:auto}
/* on a phone the chart scrolls in its box rather than shrinking its text */
.chart svg{min-width:640px}
</style></head><body>
<nav aria-label="Report"><a href="${e(links.app)}" data-link="app">&larr; Back to the weekly reports</a>${links.downloads
    .map((d) => `<a href="${e(d.href)}" download>${e(d.label)}</a>`)
    .join('')}</nav>
<h1>${e(doc.title)}</h1>
<p>${e(doc.period)}</p>
<p class="figures"><strong>${e(doc.headline)}</strong></p>
<blockquote>${e(doc.summary)}</blockquote>
${doc.sections
  .map(
    (s) =>
      `<section id="${e(s.id)}"><h2>${e(s.title)}</h2>\n${s.blocks
        .map((b) =>
          b.kind === 'table'
            ? `<div class="wide">${block(b)}</div>`
            : b.kind === 'chart'
              ? `<div class="wide chart">${block(b)}</div>`
              : block(b),
        )
        .join('\n')}</section>`,
  )
  .join('\n')}
<p><small>${e(doc.generated)}</small></p>
</body></html>
`;
}

/** A report in one of its file formats, as the API and the web app both serve it. */
export interface RenderedReport {
  type: string;
  /** `weekly-TMZ-2024-05-27.pdf` */
  name: string;
  /** Downloaded rather than shown (CSV and PDF). */
  attachment: boolean;
  body: string | Buffer;
}

export async function renderReport(
  report: WeeklyReportResponse,
  format: 'md' | 'csv' | 'html' | 'pdf',
  timeZone: string,
  links?: ReportLinks,
): Promise<RenderedReport> {
  const name = `weekly-${report.hub}-${report.weekStart}.${format}`;
  switch (format) {
    case 'md':
      return {
        type: 'text/markdown; charset=utf-8',
        name,
        attachment: false,
        body: renderMarkdown(report, { timeZone }),
      };
    case 'csv':
      return { type: 'text/csv; charset=utf-8', name, attachment: true, body: renderCsv(report) };
    case 'html':
      return {
        type: 'text/html; charset=utf-8',
        name,
        attachment: false,
        body: renderHtml(report, { timeZone }, links),
      };
    case 'pdf':
      return {
        type: 'application/pdf',
        name,
        attachment: true,
        body: await renderPdf(report, { timeZone }),
      };
  }
}
