import { stringify } from 'csv-stringify/sync';
import { csvCell } from '../../common/spreadsheet/cell.js';
import { longDate } from '../../stats/summary.js';
import { WeeklyReportResponse } from '../dto/weekly-report.dto.js';
import { barChart } from './bar-chart.js';
import { escapeHtml, escapeMarkdown } from './escape.js';

const n = (value: number, digits = 3) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits });
const change = (now: number, before: number) => {
  const diff = now - before;
  const sign = diff > 0 ? '+' : diff < 0 ? '-' : '±';
  return `${sign}${n(Math.abs(diff))}`;
};

/** How a PV system's week reads: "no readings" is no data, never "underperforming". */
const solarFlag = (system: { readings?: number; underperforming: boolean | null }) =>
  system.underperforming === null || system.readings === 0
    ? ' (no readings)'
    : system.underperforming
      ? ' (underperforming)'
      : '';

/** The carbon sentence: transport emitted, solar avoided, net. */
const carbonSentence = (c: NonNullable<WeeklyReportResponse['carbon']>) =>
  `Trucks emitted ${n(c.co2eKg, 0)} kg CO2e (${n(c.tonneKm, 0)} tonne-km` +
  (c.intensityKgPerTkm === null ? '' : `, ${n(c.intensityKgPerTkm, 4)} kg CO2e/tkm`) +
  `); the solar plant avoided ${n(c.co2AvoidedKg, 0)} kg CO2 (${n(c.solarGeneratedKwh, 0)} kWh); ` +
  `net ${n(c.netCo2eKg, 0)} kg CO2e.`;
const methodSentence = (c: NonNullable<WeeklyReportResponse['carbon']>) =>
  `Trucks by method: ${n(c.byMethod.fuel)} from the carrier's fuel, ${n(c.byMethod.default)} ` +
  `from tonne-km at the default intensity, ${n(c.byMethod.unknown)} without a known distance ` +
  `(ISO 14083 / GLEC Framework, well-to-wheel).`;

/** The pipeline sentence: what open release orders still promise at the week's end. */
const pipelineSentence = (p: NonNullable<WeeklyReportResponse['pipeline']>) =>
  p.releases === 0
    ? 'No open release orders at the end of the week.'
    : `At the end of the week ${n(p.releases)} open release order${p.releases === 1 ? '' : 's'} ` +
      `promised ${n(p.tonnes, 1)} t (${n(p.volumeM3, 1)} m3) not yet on the road` +
      (p.households > 0 ? `, enough for ${n(p.households, 0)} households` : '') +
      `: ${n(p.trucks, 0)} truck${p.trucks === 1 ? '' : 's'} to load.`;
const pipelineHead = ['Destination', 'Emergency', 'Releases', 'Tonnes', 'Households', 'Trucks'];
const pipelineRows = (p: NonNullable<WeeklyReportResponse['pipeline']>) =>
  p.groups.map((g) => [
    g.destinationName,
    g.emergency ?? '-',
    g.releases,
    g.tonnes,
    g.households,
    g.trucks,
  ]);

/** One row per dispatch of the week. */
export function renderCsv(report: WeeklyReportResponse): string {
  return stringify(
    report.dispatches.map((d) => [
      d.waybillNo,
      d.dispatchedAt,
      d.destination,
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
        'truck_plate',
        'tonnes',
        'distance_km',
        'co2e_kg',
      ],
      cast: { string: csvCell },
    },
  );
}

export function renderMarkdown(report: WeeklyReportResponse): string {
  const md = escapeMarkdown;
  const table = (head: string[], rows: (string | number)[][]) =>
    [
      `| ${head.join(' | ')} |`,
      `| ${head.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${r.map((c) => (typeof c === 'number' ? n(c) : md(c))).join(' | ')} |`),
    ].join('\n');
  return [
    `# Weekly dispatch summary: ${md(report.hubName)}`,
    '',
    `Week of ${longDate(report.weekStart)} to ${longDate(report.weekEnd)}.`,
    '',
    `**${n(report.trucks)} trucks, ${n(report.tonnes)} t, ${n(report.volumeM3)} m3${enoughFor(report)}** ` +
      `(previous week: ${n(report.previousWeek.trucks)} trucks, ${n(report.previousWeek.tonnes)} t; ` +
      `change ${change(report.trucks, report.previousWeek.trucks)} trucks, ${change(report.tonnes, report.previousWeek.tonnes)} t).`,
    '',
    `> ${md(report.cumulative.summary)}`,
    '',
    '## By destination',
    '',
    table(
      ['Destination', 'Trucks', 'Tonnes'],
      report.destinations.map((d) => [d.name, d.trucks, d.tonnes]),
    ),
    '',
    '## By item',
    '',
    table(
      ['SKU', 'Item', 'Quantity', 'Tonnes'],
      report.items.map((i) => [i.sku, i.name, i.quantity, i.tonnes]),
    ),
    '',
    '## Dispatches',
    '',
    table(
      ['Waybill', 'Dispatched', 'Destination', 'Truck', 'Tonnes'],
      report.dispatches.map((d) => [
        d.waybillNo,
        d.dispatchedAt,
        d.destination,
        d.truckPlate,
        d.tonnes,
      ]),
    ),
    '',
    ...(report.energy
      ? [
          '## Solar energy',
          '',
          `${n(report.energy.generatedKwh)} kWh generated, ${n(report.energy.co2AvoidedKg)} kg CO2 avoided.`,
          '',
          table(
            ['System', 'kWh', 'Expected kWh', 'kg CO2 avoided', 'kWh per tonne dispatched'],
            report.energy.systems.map((e) => [
              e.system + solarFlag(e),
              e.generatedKwh,
              e.expectedKwh,
              e.co2AvoidedKg,
              e.kwhPerTonneDispatched === null ? '-' : e.kwhPerTonneDispatched,
            ]),
          ),
          '',
        ]
      : []),
    ...(report.carbon
      ? [
          '## Carbon',
          '',
          carbonSentence(report.carbon),
          '',
          table(
            ['Destination', 'Trucks', 'Tonne-km', 'kg CO2e'],
            report.carbon.destinations.map((d) => [d.name, d.trucks, d.tonneKm, d.co2eKg]),
          ),
          '',
          methodSentence(report.carbon),
          '',
        ]
      : []),
    ...(report.pipeline
      ? [
          '## Pipeline',
          '',
          pipelineSentence(report.pipeline),
          '',
          ...(report.pipeline.groups.length
            ? [table(pipelineHead, pipelineRows(report.pipeline)), '']
            : []),
        ]
      : []),
    '## Stock on hand at the end of the week',
    '',
    table(
      ['SKU', 'On hand'],
      report.stock.map((s) => [s.sku, s.onHand]),
    ),
    '',
    '## Tonnes per week, last 12 weeks',
    '',
    table(
      ['Week of', 'Tonnes'],
      report.chart.map((c) => [c.weekStart, c.tonnes]),
    ),
    '',
    `_Generated ${report.generatedAt}._`,
    '',
  ].join('\n');
}

/** A self-contained page: inline CSS, the chart as inline SVG, no script, no external asset. */
export function renderHtml(report: WeeklyReportResponse): string {
  const e = escapeHtml;
  const table = (head: string[], rows: (string | number)[][]) =>
    `<table><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows
      .map(
        (r) =>
          `<tr>${r.map((c) => (typeof c === 'number' ? `<td class="num">${n(c)}</td>` : `<td>${e(c)}</td>`)).join('')}</tr>`,
      )
      .join('') +
    `</tbody></table>`;
  const chart = barChart(
    report.chart.map((c) => ({ label: c.weekStart, value: c.tonnes })),
    'Tonnes dispatched per week',
    't',
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Weekly dispatch summary ${e(report.hub)} ${e(report.weekStart)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}blockquote{border-left:4px solid #0072bc;margin:1rem 0;padding:.5rem 1rem;background:#f3f8fc}
.figures{font-size:1.1rem}svg{max-width:100%;height:auto}
</style></head><body>
<h1>Weekly dispatch summary: ${e(report.hubName)}</h1>
<p>Week of ${e(longDate(report.weekStart))} to ${e(longDate(report.weekEnd))}</p>
<p class="figures"><strong>${n(report.trucks)} trucks, ${n(report.tonnes)} t, ${n(report.volumeM3)} m³${enoughFor(report)}</strong>
(previous week ${n(report.previousWeek.trucks)} trucks, ${n(report.previousWeek.tonnes)} t;
change ${e(change(report.trucks, report.previousWeek.trucks))} trucks, ${e(change(report.tonnes, report.previousWeek.tonnes))} t)</p>
<blockquote>${e(report.cumulative.summary)}</blockquote>
<h2>Tonnes per week, last 12 weeks</h2>
${chart}
<h2>By destination</h2>
${table(
  ['Destination', 'Trucks', 'Tonnes'],
  report.destinations.map((d) => [d.name, d.trucks, d.tonnes]),
)}
<h2>By item</h2>
${table(
  ['SKU', 'Item', 'Quantity', 'Tonnes'],
  report.items.map((i) => [i.sku, i.name, i.quantity, i.tonnes]),
)}
<h2>Dispatches</h2>
${table(
  ['Waybill', 'Dispatched', 'Destination', 'Truck', 'Tonnes'],
  report.dispatches.map((d) => [
    d.waybillNo,
    d.dispatchedAt,
    d.destination,
    d.truckPlate,
    d.tonnes,
  ]),
)}
${
  report.energy
    ? `<h2>Solar energy</h2>
<p>${n(report.energy.generatedKwh)} kWh generated, ${n(report.energy.co2AvoidedKg)} kg CO₂ avoided</p>
${table(
  ['System', 'kWh', 'Expected kWh', 'kg CO2 avoided', 'kWh per tonne dispatched'],
  report.energy.systems.map((x) => [
    x.system + solarFlag(x),
    x.generatedKwh,
    x.expectedKwh,
    x.co2AvoidedKg,
    x.kwhPerTonneDispatched === null ? '-' : x.kwhPerTonneDispatched,
  ]),
)}`
    : ''
}
${
  report.carbon
    ? `<h2>Carbon</h2>
<p>${e(carbonSentence(report.carbon))}</p>
${table(
  ['Destination', 'Trucks', 'Tonne-km', 'kg CO2e'],
  report.carbon.destinations.map((d) => [d.name, d.trucks, d.tonneKm, d.co2eKg]),
)}
<p>${e(methodSentence(report.carbon))}</p>`
    : ''
}
${
  report.pipeline
    ? `<h2>Pipeline</h2>
<p>${e(pipelineSentence(report.pipeline))}</p>
${report.pipeline.groups.length ? table(pipelineHead, pipelineRows(report.pipeline)) : ''}`
    : ''
}
<h2>Stock on hand at the end of the week</h2>
${table(
  ['SKU', 'On hand'],
  report.stock.map((s) => [s.sku, s.onHand]),
)}
<p><small>Generated ${e(report.generatedAt)}</small></p>
</body></html>
`;
}

/** ", enough for N households" when the week's trucks carried kits; nothing otherwise. */
function enoughFor(report: { households?: number }): string {
  const households = report.households ?? 0;
  if (households <= 0) return '';
  return `, enough for ${households.toLocaleString('en-US')} household${households === 1 ? '' : 's'}`;
}
