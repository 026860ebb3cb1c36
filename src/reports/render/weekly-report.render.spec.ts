import { parse } from 'csv-parse/sync';
import { WeeklyReportResponse } from '../dto/weekly-report.dto.js';
import { escapeMarkdown } from './escape.js';
import { renderCsv, renderHtml, renderMarkdown } from './weekly-report.render.js';

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
      '&lt;b&gt;a\\|b&lt;/b&gt; \\*c\\* \\_d\\_ \\~e\\~ \\`f\\` \\[g\\](h) \\#i \\\\ &amp; &quot;j&quot; &#39;k&#39; l',
    );
  });
});

describe('weekly report rendering of user-entered text', () => {
  it('Markdown: no raw HTML, and a name cannot open a cell or an emphasis', () => {
    const md = renderMarkdown(report);
    expect(md).not.toContain('<svg');
    expect(md).toContain('| &lt;svg onload=alert(2)&gt; | 1 | 10 |');
    expect(md).toContain(
      '| CRI-X | Tent \\| \\*big\\* \\_wide\\_ \\[link\\](x) \\`code\\` | 4 | 10 |',
    );
    expect(md).toContain('# Weekly dispatch summary: Termez \\*hub\\*');
    // Every row of the destinations table still has its three cells.
    const row = md.split('\n').find((line) => line.includes('svg'))!;
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(3);
  });

  it('HTML: names are text', () => {
    const html = renderHtml(report);
    expect(html).not.toContain('<svg onload');
    expect(html).toContain('<td>&lt;svg onload=alert(2)&gt;</td>');
  });

  it('CSV: a cell a spreadsheet would run is quoted text behind a single quote', () => {
    const csv = renderCsv(report);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""open"")"`);
    const [row] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(row).toEqual({
      waybill_no: 'W-1',
      dispatched_at: '2024-05-28T10:00:00+05:00',
      destination: `'=HYPERLINK("http://evil.example","open")`,
      truck_plate: '01 A 123 BC',
      tonnes: '10',
      // a truck without a known distance has no emissions
      distance_km: '',
      co2e_kg: '',
    });
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
    const md = renderMarkdown(withPipeline);
    expect(md).toContain('## Pipeline');
    expect(md).toContain(
      'At the end of the week 2 open release orders promised 12.3 t (40.5 m3) not yet on the road, enough for 150 households: 3 trucks to load.',
    );
    expect(md).toContain(
      '| Afghanistan | &lt;b&gt;Quake&lt;/b&gt; \\| \\*north\\* | 2 | 12.345 | 150 | 3 |',
    );
    const html = renderHtml(withPipeline);
    expect(html).toContain('<h2>Pipeline</h2>');
    expect(html).toContain('<td>&lt;b&gt;Quake&lt;/b&gt; | *north*</td>');
    expect(html).not.toContain('<b>Quake');
  });

  it('says so when nothing is promised, and is absent from reports built before it', () => {
    const none = {
      ...withPipeline,
      pipeline: { ...withPipeline.pipeline!, releases: 0, groups: [] },
    };
    expect(renderMarkdown(none)).toContain('No open release orders at the end of the week.');
    expect(renderMarkdown(report)).not.toContain('## Pipeline');
    expect(renderHtml(report)).not.toContain('<h2>Pipeline</h2>');
  });
});
