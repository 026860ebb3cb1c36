import { toZonedIso } from '../../common/time/zoned.js';
import { longDate } from '../../stats/summary.js';
import { WeeklyReportResponse } from '../dto/weekly-report.dto.js';
import { Bar } from './bar-chart.js';

/**
 * A weekly report as a situation report reads, independent of its format: a header, the sitrep
 * sentence and sections of prose, tables and the chart. Markdown, HTML and PDF each draw this one
 * document, so a figure is worded and rounded once; a new section is one more entry in
 * `sectionsOf` (every format gains it). Texts here are plain: each format escapes them its way.
 */
export interface ReportColumn {
  head: string;
  /** Right-aligned (the header with it). */
  numeric?: boolean;
}

export interface ReportTable {
  columns: ReportColumn[];
  rows: string[][];
  /** Said instead of an empty table. */
  empty: string;
  caption?: string;
}

export type ReportBlock =
  | { kind: 'text'; text: string }
  | { kind: 'table'; table: ReportTable }
  | { kind: 'chart'; title: string; unit: string; bars: Bar[]; table: ReportTable };

export interface ReportSection {
  /** Stable, for anchors and tests. */
  id: string;
  title: string;
  blocks: ReportBlock[];
}

export interface ReportDocument {
  title: string;
  hub: string;
  weekStart: string;
  period: string;
  headline: string;
  summary: string;
  sections: ReportSection[];
  /** "Generated 3 Jun 2024, 06:00 (Asia/Tashkent, UTC+05:00)" */
  generated: string;
}

export interface ReportContext {
  /** The hub's IANA zone: times for people are in hub time, the zone named once. */
  timeZone: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Whole numbers with thousands commas: trucks, kWh, kg, units. */
export const whole = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 0 });
/** Tonnes (and m3) for people: one decimal, always shown. */
export const oneDecimal = (value: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const signed = (value: number, format: (v: number) => string) =>
  value > 0 ? `+${format(value)}` : value < 0 ? `-${format(-value)}` : '±0';

/** "2024-05-27" -> "27 May 2024" (short month, for tables). */
export function shortDay(day: string): string {
  const [y, m, d] = day.slice(0, 10).split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/**
 * A time already in hub time ("2026-11-20T11:30:00.000+05:00", as the report stores it) as
 * people write it: "20 Nov 2026, 11:30". The wall clock is read off the text, never re-zoned.
 */
export function peopleTime(zonedIso: string): string {
  return `${shortDay(zonedIso)}, ${zonedIso.slice(11, 16)}`;
}

/** An instant in the hub's zone, with the zone named: "3 Jun 2024, 06:00 (Asia/Tashkent, UTC+05:00)". */
export function hubTime(instant: string | Date, timeZone: string): string {
  const zoned = toZonedIso(new Date(instant), timeZone);
  return `${peopleTime(zoned)} (${timeZone}, UTC${zoned.slice(23)})`;
}

const plural = (count: number, one: string, many = `${one}s`) =>
  `${whole(count)} ${count === 1 ? one : many}`;

/** The report as every format shows it. */
export function reportDocument(
  report: WeeklyReportResponse,
  context: ReportContext,
): ReportDocument {
  const households = report.households ?? 0;
  const moreTrucks = report.trucks - report.previousWeek.trucks;
  const change = `${signed(moreTrucks, whole)} ${Math.abs(moreTrucks) === 1 ? 'truck' : 'trucks'}, ${signed(
    Math.round((report.tonnes - report.previousWeek.tonnes) * 10) / 10,
    oneDecimal,
  )} t`;
  return {
    title: `Weekly dispatch summary: ${report.hubName}`,
    hub: report.hub,
    weekStart: report.weekStart,
    period: `Week of Monday ${longDate(report.weekStart)} to Sunday ${longDate(report.weekEnd)}`,
    headline:
      `${plural(report.trucks, 'truck')} left the hub this week with ${oneDecimal(report.tonnes)} t ` +
      `(${oneDecimal(report.volumeM3)} m³) of relief items` +
      (households > 0 ? `, enough for ${plural(households, 'household')}` : '') +
      `. Previous week: ${plural(report.previousWeek.trucks, 'truck')}, ` +
      `${oneDecimal(report.previousWeek.tonnes)} t (change ${change}).`,
    summary: report.cumulative.summary,
    sections: sectionsOf(report),
    generated: `Generated ${hubTime(report.generatedAt, context.timeZone)}`,
  };
}

/** The sections, in the order every format prints them. */
function sectionsOf(report: WeeklyReportResponse): ReportSection[] {
  return [
    chartSection(report),
    destinationsSection(report),
    itemsSection(report),
    dispatchesSection(report),
    ...(report.energy ? [energySection(report.energy, report.tonnes)] : []),
    ...(report.carbon ? [carbonSection(report.carbon)] : []),
    ...(report.pipeline ? [pipelineSection(report.pipeline)] : []),
    stockSection(report),
  ];
}

function chartSection(report: WeeklyReportResponse): ReportSection {
  return {
    id: 'chart',
    title: 'Tonnes dispatched per week, last 12 weeks',
    blocks: [
      {
        kind: 'chart',
        title: 'Tonnes dispatched per week',
        unit: 't',
        bars: report.chart.map((c) => ({ label: c.weekStart, value: c.tonnes })),
        table: {
          columns: [{ head: 'Week of' }, { head: 'Tonnes', numeric: true }],
          rows: report.chart.map((c) => [shortDay(c.weekStart), oneDecimal(c.tonnes)]),
          empty: 'No weeks to show.',
        },
      },
    ],
  };
}

function destinationsSection(report: WeeklyReportResponse): ReportSection {
  return {
    id: 'destinations',
    title: 'By destination',
    blocks: [
      {
        kind: 'table',
        table: {
          columns: [
            { head: 'Destination' },
            { head: 'Trucks', numeric: true },
            { head: 'Tonnes', numeric: true },
          ],
          rows: report.destinations.map((d) => [d.name, whole(d.trucks), oneDecimal(d.tonnes)]),
          empty: 'No trucks left the hub this week.',
        },
      },
    ],
  };
}

function itemsSection(report: WeeklyReportResponse): ReportSection {
  return {
    id: 'items',
    title: 'By item',
    blocks: [
      {
        kind: 'table',
        table: {
          columns: [
            { head: 'Item' },
            { head: 'Quantity', numeric: true },
            { head: 'Tonnes', numeric: true },
          ],
          rows: report.items.map((i) => [i.name, whole(i.quantity), oneDecimal(i.tonnes)]),
          empty: 'No items left the hub this week.',
        },
      },
    ],
  };
}

function dispatchesSection(report: WeeklyReportResponse): ReportSection {
  // Reports store the destination's code per truck; the week's destinations give its name.
  const names = new Map(report.destinations.map((d) => [d.code, d.name]));
  return {
    id: 'dispatches',
    title: 'Dispatches',
    blocks: [
      {
        kind: 'table',
        table: {
          columns: [
            { head: 'Waybill' },
            { head: 'Dispatched (hub time)' },
            { head: 'Destination' },
            { head: 'Truck' },
            { head: 'Tonnes', numeric: true },
          ],
          rows: report.dispatches.map((d) => [
            d.waybillNo,
            peopleTime(d.dispatchedAt),
            names.get(d.destination) ?? d.destination,
            d.truckPlate,
            oneDecimal(d.tonnes),
          ]),
          empty: 'No trucks left the hub this week.',
        },
      },
    ],
  };
}

type Energy = NonNullable<WeeklyReportResponse['energy']>;
type Carbon = NonNullable<WeeklyReportResponse['carbon']>;

/** How a PV system's week reads: "no readings" is no data, never "below expectation". */
const solarNote = (system: Energy['systems'][number]) =>
  system.underperforming === null || system.readings === 0
    ? 'No readings this week'
    : system.underperforming
      ? 'More than 20 % below expectation'
      : 'As expected';

function energySection(energy: Energy, tonnes: number): ReportSection {
  const perTonne =
    tonnes > 0 && energy.generatedKwh > 0
      ? ` That is ${oneDecimal(energy.generatedKwh / tonnes)} kWh of clean power for every tonne of relief items dispatched.`
      : '';
  return {
    id: 'energy',
    title: 'Solar energy',
    blocks: [
      {
        kind: 'text',
        text:
          energy.generatedKwh > 0
            ? `The hub's solar plant generated ${whole(energy.generatedKwh)} kWh this week, ` +
              `avoiding about ${whole(energy.co2AvoidedKg)} kg of CO2 that grid power would have emitted.${perTonne}`
            : "The hub's solar plant reported no generation this week.",
      },
      {
        kind: 'table',
        table: {
          columns: [
            { head: 'System' },
            { head: 'Generated (kWh)', numeric: true },
            { head: 'Expected (kWh)', numeric: true },
            { head: 'CO2 avoided (kg)', numeric: true },
            { head: 'kWh per tonne dispatched', numeric: true },
            { head: 'Note' },
          ],
          rows: energy.systems.map((s) => [
            s.system,
            whole(s.generatedKwh),
            whole(s.expectedKwh),
            whole(s.co2AvoidedKg),
            s.kwhPerTonneDispatched === null ? '-' : oneDecimal(s.kwhPerTonneDispatched),
            solarNote(s),
          ]),
          empty: 'No solar systems.',
        },
      },
    ],
  };
}

function carbonSection(carbon: Carbon): ReportSection {
  const trucks = carbon.byMethod.fuel + carbon.byMethod.default + carbon.byMethod.unknown;
  const net =
    carbon.netCo2eKg < 0
      ? `the plant avoided ${whole(-carbon.netCo2eKg)} kg more than the trucks emitted`
      : `the week's net transport footprint was ${whole(carbon.netCo2eKg)} kg CO2e`;
  const intensity =
    carbon.intensityKgPerTkm === null
      ? ''
      : `, ${carbon.intensityKgPerTkm.toLocaleString('en-US', { maximumFractionDigits: 3 })} kg CO2e per tonne-km`;
  return {
    id: 'carbon',
    title: 'Carbon',
    blocks: [
      {
        kind: 'text',
        text:
          `Road transport of the week's ${plural(trucks, 'truck')} emitted an estimated ` +
          `${whole(carbon.co2eKg)} kg CO2e (${whole(carbon.tonneKm)} tonne-km${intensity}). ` +
          `Over the same week the hub's solar plant avoided ${whole(carbon.co2AvoidedKg)} kg CO2 ` +
          `(${whole(carbon.solarGeneratedKwh)} kWh), so ${net}.`,
      },
      {
        kind: 'table',
        table: {
          columns: [
            { head: 'Destination' },
            { head: 'Trucks', numeric: true },
            { head: 'Tonne-km', numeric: true },
            { head: 'CO2e (kg)', numeric: true },
          ],
          rows: carbon.destinations.map((d) => [
            d.name,
            whole(d.trucks),
            whole(d.tonneKm),
            whole(d.co2eKg),
          ]),
          empty: 'No trucks this week.',
        },
      },
      {
        kind: 'text',
        text:
          `How it was estimated: ${plural(carbon.byMethod.fuel, 'truck')} from the carrier's ` +
          `diesel litres, ${plural(carbon.byMethod.default, 'truck')} from load and road distance ` +
          `at the default intensity` +
          (carbon.byMethod.unknown > 0
            ? `; ${plural(carbon.byMethod.unknown, 'truck')} without a known distance ${carbon.byMethod.unknown === 1 ? 'is' : 'are'} not counted`
            : '') +
          ` (well-to-wheel, ISO 14083 and the GLEC Framework).`,
      },
    ],
  };
}

type Pipeline = NonNullable<WeeklyReportResponse['pipeline']>;

/** What open release orders still promised at the week's end, not yet on the road. */
function pipelineSection(pipeline: Pipeline): ReportSection {
  const households =
    pipeline.households > 0 ? `, enough for ${whole(pipeline.households)} households` : '';
  return {
    id: 'pipeline',
    title: 'Pipeline',
    blocks: [
      {
        kind: 'text',
        text:
          pipeline.releases === 0
            ? 'No open release orders at the end of the week.'
            : `At the end of the week ${plural(pipeline.releases, 'open release order')} ` +
              `promised ${oneDecimal(pipeline.tonnes)} t (${oneDecimal(pipeline.volumeM3)} m3) ` +
              `not yet on the road${households}: ${plural(pipeline.trucks, 'truck')} to load.`,
      },
      ...(pipeline.groups.length > 0
        ? [
            {
              kind: 'table' as const,
              table: {
                columns: [
                  { head: 'Destination' },
                  { head: 'Emergency' },
                  { head: 'Releases', numeric: true },
                  { head: 'Tonnes', numeric: true },
                  { head: 'Households', numeric: true },
                  { head: 'Trucks', numeric: true },
                ],
                rows: pipeline.groups.map((g) => [
                  g.destinationName,
                  g.emergency ?? '-',
                  whole(g.releases),
                  oneDecimal(g.tonnes),
                  whole(g.households),
                  whole(g.trucks),
                ]),
                empty: 'Nothing promised.',
              },
            },
          ]
        : []),
    ],
  };
}

function stockSection(report: WeeklyReportResponse): ReportSection {
  const coverage = report.coverage ?? [];
  return {
    id: 'stock',
    title: 'Stock on hand at the end of the week',
    blocks: [
      ...(coverage.length > 0
        ? [
            {
              kind: 'text' as const,
              text:
                'Households the stock on hand covers: ' +
                coverage
                  .map(
                    (k) =>
                      `${whole(k.households)} households (${whole(k.people)} people) with ${k.name}`,
                  )
                  .join('; ') +
                '.',
            },
            {
              kind: 'table' as const,
              table: {
                columns: [
                  { head: 'Kit' },
                  { head: 'Households covered', numeric: true },
                  { head: 'People', numeric: true },
                  { head: 'Runs out first' },
                ],
                rows: coverage.map((k) => [
                  k.name,
                  whole(k.households),
                  whole(k.people),
                  k.limitingItems.join(', '),
                ]),
                empty: '',
              },
            },
          ]
        : []),
      {
        kind: 'table',
        table: {
          columns: [{ head: 'Item' }, { head: 'On hand', numeric: true }, { head: 'Unit' }],
          rows: report.stock
            .filter((s) => s.onHand !== 0)
            .map((s) => [s.name ?? s.sku, whole(s.onHand), s.unit ?? '']),
          empty: 'Nothing on hand.',
        },
      },
    ],
  };
}
