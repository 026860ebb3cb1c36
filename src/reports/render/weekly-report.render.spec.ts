import { parse } from 'csv-parse/sync';
import { WeeklyReportResponse } from '../dto/weekly-report.dto.js';
import { readPdf } from '../../../test/support/pdf.js';
import { escapeMarkdown } from './escape.js';
import { hubTime, peopleTime } from './report-document.js';
import { pdfText, renderPdf } from './weekly-report.pdf.js';
import { renderCsv, renderHtml, renderMarkdown } from './weekly-report.render.js';

const TASHKENT = { timeZone: 'Asia/Tashkent' };
/** An ISO 8601 date-time, as a report for people must not print. */
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A week whose user-entered names try markup and formulas in every format. */
const report: WeeklyReportResponse = {
  hub: 'TMZ',
  hubName: 'Termez *hub*',
  weekStart: '2024-05-27',
  weekEnd: '2024-06-02',
  trucks: 1,
  tonnes: 10,
  volumeM3: 20,
  destinations: [
    { code: 'XSS', name: '<svg onload=alert(2)>', trucks: 1, tonnes: 10, households: 0 },
  ],
  items: [{ sku: 'CRI-X', name: 'Tent | *big* _wide_ [link](x) `code`', quantity: 4, tonnes: 10 }],
  previousWeek: { trucks: 0, tonnes: 0 },
  cumulative: { trucks: 1, tonnes: 10, summary: 'As of 2 June 2024, 1 truck ...' },
  dispatches: [
    {
      waybillNo: 'W-1',
      dispatchedAt: '2024-05-28T10:00:00+05:00',
      destination: '=HYPERLINK("http://evil.example","open")',
      truckPlate: '01 A 123 BC',
      tonnes: 10,
    },
  ],
  stock: [{ sku: 'CRI-X', onHand: 3 }],
  chart: [{ weekStart: '2024-05-27', tonnes: 10 }],
  generatedAt: '2024-06-03T01:00:00.000Z',
  version: 1,
};

describe('escapeMarkdown', () => {
  it('escapes HTML, the table pipe, emphasis, code and links, and joins lines', () => {
    expect(escapeMarkdown('<b>a|b</b> *c* _d_ ~e~ `f` [g](h) #i \\ & "j" \'k\'\nl')).toBe(
      '&lt;b&gt;a\\|b&lt;/b&gt; \\*c\\* \\_d\\_ \\~e\\~ \\`f\\` \\[g\\](h) \\#i \\\\ &amp; "j" \'k\' l',
    );
  });
});

describe('weekly report rendering of user-entered text', () => {
  it('Markdown: no raw HTML, and a name cannot open a cell or an emphasis', () => {
    const md = renderMarkdown(report, TASHKENT);
    expect(md).not.toContain('<svg');
    expect(md).toContain('| &lt;svg onload=alert(2)&gt; | 1 | 10.0 |');
    expect(md).toContain('| Tent \\| \\*big\\* \\_wide\\_ \\[link\\](x) \\`code\\` | 4 | 10.0 |');
    expect(md).toContain('# Weekly dispatch summary: Termez \\*hub\\*');
    // Every row of the destinations table still has its three cells.
    const row = md.split('\n').find((line) => line.includes('svg'))!;
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(3);
  });

  it('HTML: names are text', () => {
    const html = renderHtml(report, TASHKENT);
    expect(html).not.toContain('<svg onload');
    expect(html).toContain('<td>&lt;svg onload=alert(2)&gt;</td>');
    expect(html).toContain('<td>Tent | *big* _wide_ [link](x) `code`</td>');
  });

  it('CSV: a cell a spreadsheet would run is quoted text behind a single quote', () => {
    const csv = renderCsv(report);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""open"")"`);
    const [row] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(row).toEqual({
      waybill_no: 'W-1',
      dispatched_at: '2024-05-28T10:00:00+05:00',
      destination: `'=HYPERLINK("http://evil.example","open")`,
      destination_name: `'=HYPERLINK("http://evil.example","open")`,
      truck_plate: '01 A 123 BC',
      tonnes: '10',
      // a truck without a known distance has no emissions
      distance_km: '',
      co2e_kg: '',
    });
  });
});

/** A week as a coordinator forwards it: names, hub times, one decimal. */
const week: WeeklyReportResponse = {
  ...report,
  hubName: 'Termez',
  trucks: 2,
  tonnes: 18.2889,
  volumeM3: 61.25,
  households: 300,
  destinations: [
    { code: 'TJ', name: 'Tajikistan', trucks: 1, tonnes: 8.289, households: 300 },
    { code: 'AF', name: 'Afghanistan', trucks: 1, tonnes: 10, households: 0 },
  ],
  items: [{ sku: 'CRI-TENT', name: 'Family tent', quantity: 1000, tonnes: 18.289 }],
  dispatches: [
    {
      waybillNo: 'TMZ-2024-000001',
      dispatchedAt: '2024-05-28T10:00:00.000+05:00',
      destination: 'TJ',
      truckPlate: '01 A 123 BC',
      tonnes: 8.289,
    },
    {
      waybillNo: 'TMZ-2024-000002',
      dispatchedAt: '2024-05-30T23:45:00.000+05:00',
      destination: 'AF',
      truckPlate: '01 B 777 CD',
      tonnes: 10,
    },
  ],
  stock: [
    { sku: 'CRI-TENT', name: 'Family tent', unit: 'piece', onHand: 1400 },
    { sku: 'CRI-EMPTY', name: 'Never held', unit: 'piece', onHand: 0 },
  ],
  coverage: [
    {
      kit: 'KIT-FAMILY',
      name: 'Family kit',
      households: 140,
      people: 700,
      limitingItems: ['Family tent'],
    },
  ],
  energy: {
    generatedKwh: 18982.466,
    co2AvoidedKg: 10592.216,
    systems: [
      {
        system: 'TMZ-PV-1',
        generatedKwh: 18982.466,
        expectedKwh: 20000.5,
        readings: 7,
        underperforming: false,
        co2AvoidedKg: 10592.216,
        kwhPerTonneDispatched: 1037.921,
      },
    ],
  },
  carbon: {
    co2eKg: 8289.4,
    tonneKm: 102345.6,
    intensityKgPerTkm: 0.081,
    destinations: [
      { code: 'TJ', name: 'Tajikistan', trucks: 1, tonneKm: 102345.6, co2eKg: 8289.4 },
    ],
    byMethod: { fuel: 0, default: 2, unknown: 0 },
    solarGeneratedKwh: 18982.466,
    co2AvoidedKg: 10592.216,
    netCo2eKg: -2302.816,
  },
  chart: [
    { weekStart: '2024-05-20', tonnes: 4.04 },
    { weekStart: '2024-05-27', tonnes: 18.289 },
  ],
  generatedAt: '2024-06-03T01:00:00.123Z',
};

describe('weekly report presentation, as a situation report', () => {
  it('writes hub times for people, with the zone named in the footer', () => {
    expect(peopleTime('2026-11-20T11:30:00.000+05:00')).toBe('20 Nov 2026, 11:30');
    expect(hubTime('2026-11-29T18:45:01.001Z', 'Asia/Tashkent')).toBe(
      '29 Nov 2026, 23:45 (Asia/Tashkent, UTC+05:00)',
    );
  });

  it('Markdown: no ISO time, names not codes, one decimal, numbers right-aligned', () => {
    const md = renderMarkdown(week, TASHKENT);
    expect(md).not.toMatch(ISO_TIME);
    expect(md).toContain(
      '| TMZ-2024-000001 | 28 May 2024, 10:00 | Tajikistan | 01 A 123 BC | 8.3 |',
    );
    expect(md).toContain(
      '| TMZ-2024-000002 | 30 May 2024, 23:45 | Afghanistan | 01 B 777 CD | 10.0 |',
    );
    expect(md).not.toMatch(/\| (TJ|AF) \|/);
    expect(md).toContain(
      '| Waybill | Dispatched (hub time) | Destination | Truck | Tonnes |\n| --- | --- | --- | --- | ---: |',
    );
    expect(md).toContain(
      '2 trucks left the hub this week with 18.3 t (61.3 m³) of relief items, enough for 300 households',
    );
    // stock by name, nothing for what the hub does not hold, and the households it covers
    expect(md).toContain('| Family tent | 1,400 | piece |');
    expect(md).not.toContain('Never held');
    expect(md).toContain('| Family kit | 140 | 700 | Family tent |');
    // energy and carbon in whole kWh and kg, worded for a donor
    expect(md).toContain(
      "The hub's solar plant generated 18,982 kWh this week, avoiding about 10,592 kg of CO2",
    );
    expect(md).toContain(
      "Road transport of the week's 2 trucks emitted an estimated 8,289 kg CO2e (102,346 tonne-km",
    );
    expect(md).toContain('the plant avoided 2,303 kg more than the trucks emitted');
    // no figure with more than one decimal, but the emission intensity (a factor, not a figure)
    expect(md.replace('0.081 kg CO2e per tonne-km', '')).not.toMatch(/\d\.\d{2,}/);
    expect(md).toContain('| 27 May 2024 | 18.3 |');
    expect(md).toContain('_Generated 3 Jun 2024, 06:00 (Asia/Tashkent, UTC+05:00)._');
  });

  it('HTML: the same, with headers aligned with their numbers and the way back to the app', () => {
    const html = renderHtml(week, TASHKENT);
    const text = html.replace(/<[^>]+>/g, ' ');
    expect(text).not.toMatch(ISO_TIME);
    expect(html).toContain(
      '<tr><td>TMZ-2024-000001</td><td>28 May 2024, 10:00</td><td>Tajikistan</td><td>01 A 123 BC</td><td class="num">8.3</td></tr>',
    );
    expect(html).toContain('<th scope="col" class="num">Tonnes</th>');
    expect(html).toContain('<td class="num">8.3</td>');
    expect(html).toContain('<a href="/app/reports" data-link="app">');
    expect(html).toContain(
      '<a href="/app/reports/2024-05-27?format=pdf" download>Download PDF</a>',
    );
    expect(html).toContain('Generated 3 Jun 2024, 06:00 (Asia/Tashkent, UTC+05:00)');
    expect(html).not.toMatch(/<script/);
  });

  it('PDF: a valid A4 document with the chart and the figures of the report', async () => {
    const pdf = await renderPdf(week, TASHKENT);
    const { header, pages, text } = readPdf(pdf);
    expect(header).toBe('%PDF-');
    expect(pages).toBeGreaterThan(0);
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    expect(text).not.toMatch(ISO_TIME);
    for (const figure of [
      'Weekly dispatch summary: Termez',
      '28 May 2024, 10:00',
      'Tajikistan',
      'Afghanistan',
      'Family tent',
      '1,400',
      '8.3',
      '18,982',
      '10,592',
      'Family kit',
      '27 May', // a bar's label under the chart
      'Generated 3 Jun 2024, 06:00 (Asia/Tashkent, UTC+05:00)',
    ]) {
      expect([figure, text.includes(figure)]).toEqual([figure, true]);
    }
    // The chart: a filled rectangle per week with tonnes (beside the sitrep quote's two), in the
    // report's blue.
    const { content } = readPdf(pdf);
    expect(content.match(/ re\n/g)?.length).toBe(2 + week.chart.length);
    expect(content).toContain('0 0.4470588235294118 0.7372549019607844 scn');
    // The same report is the same bytes.
    expect((await renderPdf(week, TASHKENT)).equals(pdf)).toBe(true);
  });

  it('PDF text: what the standard fonts cannot draw is spelt in Latin letters', () => {
    expect(pdfText('CO₂ Ташкент, Qo‘ng‘irot, Kraków, Żywiec — 10 €')).toBe(
      'CO2 Tashkent, Qo‘ng‘irot, Kraków, Zywiec — 10 €',
    );
    expect(pdfText('漢')).toBe('?');
  });
});

describe('weekly report pipeline section', () => {
  const withPipeline: WeeklyReportResponse = {
    ...report,
    pipeline: {
      releases: 2,
      tonnes: 12.345,
      volumeM3: 40.5,
      households: 150,
      trucks: 3,
      groups: [
        {
          destination: 'AF',
          destinationName: 'Afghanistan',
          emergency: '<b>Quake</b> | *north*',
          releases: 2,
          tonnes: 12.345,
          volumeM3: 40.5,
          households: 150,
          trucks: 3,
        },
      ],
    },
  };

  it('Markdown and HTML say what open releases promise, per destination and emergency, escaped', () => {
    const md = renderMarkdown(withPipeline, TASHKENT);
    expect(md).toContain('## Pipeline');
    expect(md).toContain(
      'At the end of the week 2 open release orders promised 12.3 t (40.5 m3) not yet on the road, enough for 150 households: 3 trucks to load.',
    );
    expect(md).toMatch(
      /\| Afghanistan \| &lt;b&gt;Quake&lt;\/b&gt; \\\| \\\*north\\\* +\| +2 \| +12\.3 \| +150 \| +3 \|/,
    );
    const html = renderHtml(withPipeline, TASHKENT);
    expect(html).toContain('<h2>Pipeline</h2>');
    expect(html).toContain('<td>&lt;b&gt;Quake&lt;/b&gt; | *north*</td>');
    expect(html).not.toContain('<b>Quake');
  });

  it('says so when nothing is promised, and is absent from reports built before it', () => {
    const none = {
      ...withPipeline,
      pipeline: { ...withPipeline.pipeline!, releases: 0, groups: [] },
    };
    expect(renderMarkdown(none, TASHKENT)).toContain(
      'No open release orders at the end of the week.',
    );
    expect(renderMarkdown(report, TASHKENT)).not.toContain('## Pipeline');
    expect(renderHtml(report, TASHKENT)).not.toContain('<h2>Pipeline</h2>');
  });
});
