import { Queue } from 'bullmq';
import { parse } from 'csv-parse/sync';
import { createServer, IncomingMessage, Server } from 'node:http';
import { once } from 'node:events';
import { Clock } from '../../src/common/clock.service.js';
import { JobName, QueueName } from '../../src/jobs/jobs.constants.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { dispatchBody, exportedSheet, importCsv, Line, receive } from '../support/fixtures.js';
import { expectedStats, generateHistory, HistoricalDispatch, toCsv } from '../support/history.js';
import { eventually } from '../support/eventually.js';
import { drainOutbox, runJob, waitForReportJob } from '../support/jobs.js';
import { startTestApp, TestApp, testEnvironment } from '../support/test-app.js';

async function requestReport(t: TestApp, key: string, weekStart: string) {
  const accepted = await t
    .http()
    .post('/api/reports/weekly')
    .set(t.as(key))
    .send({ weekStart })
    .expect(202);
  expect(accepted.body).toMatchObject({
    hub: 'TMZ',
    weekStart,
    jobUrl: expect.any(String),
    reportUrl: expect.any(String),
  });
  await waitForReportJob(t, accepted.body.jobUrl);
  return (await t.http().get(accepted.body.reportUrl).set(t.as(key)).expect(200)).body;
}

const inWeek = (history: HistoricalDispatch[], monday: string) => {
  const start = new Date(`${monday}T00:00:00+05:00`);
  const end = new Date(start.getTime() + 7 * 86_400_000);
  return {
    list: history.filter(
      (d) => new Date(d.dispatchedAt) >= start && new Date(d.dispatchedAt) < end,
    ),
    end,
  };
};

describe('weekly dispatch summaries', () => {
  let t: TestApp;
  let warehouse: string;
  let coordinator: string;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    t.app.get(Clock).set(undefined);
    warehouse = await t.createUser('warehouse');
    coordinator = await t.createUser('coordinator');
  });
  afterAll(() => t.close());

  it('reports the second of two weeks with figures equal to an independent computation', async () => {
    const earlier = generateHistory(50, 1, Date.UTC(2024, 0, 1), Date.UTC(2024, 4, 19), 'E');
    const first = generateHistory(
      12,
      2,
      Date.UTC(2024, 4, 19, 19),
      Date.UTC(2024, 4, 26, 19),
      'W1',
    );
    const second = generateHistory(
      17,
      3,
      Date.UTC(2024, 4, 26, 19),
      Date.UTC(2024, 5, 2, 19),
      'W2',
    );
    const later = generateHistory(5, 4, Date.UTC(2024, 5, 2, 19), Date.UTC(2024, 5, 20), 'L');
    const all = [...earlier, ...first, ...second, ...later];
    await importCsv(t, warehouse, toCsv(all)).expect(201);
    const report = await requestReport(t, coordinator, '2024-05-27');

    const week = inWeek(all, '2024-05-27');
    expect(week.list).toHaveLength(17);
    const expected = expectedStats(week.list, week.end);
    expect({
      trucks: report.trucks,
      tonnes: report.tonnes,
      volumeM3: report.volumeM3,
      destinations: Object.fromEntries(
        report.destinations.map((d: { code: string; trucks: number; tonnes: number }) => [
          d.code,
          { trucks: d.trucks, tonnes: d.tonnes },
        ]),
      ),
      items: Object.fromEntries(
        report.items.map((i: { sku: string; quantity: number; tonnes: number }) => [
          i.sku,
          { quantity: i.quantity, tonnes: i.tonnes },
        ]),
      ),
    }).toEqual(expected);
    const previous = inWeek(all, '2024-05-20');
    expect(report.previousWeek).toEqual({
      trucks: previous.list.length,
      tonnes: expectedStats(previous.list, previous.end).tonnes,
    });
    const cumulative = expectedStats(all, week.end);
    expect(report.cumulative).toMatchObject({
      trucks: cumulative.trucks,
      tonnes: cumulative.tonnes,
    });
    expect(report.cumulative.summary).toMatch(
      new RegExp(
        `^As of 2 June 2024, ${cumulative.trucks} trucks have been dispatched from the Termez hub to .* transporting ${Math.round(cumulative.tonnes).toLocaleString('en-US')} metric tons`,
      ),
    );
    expect(report).toMatchObject({
      hub: 'TMZ',
      weekStart: '2024-05-27',
      weekEnd: '2024-06-02',
      version: 1,
    });
    expect(report.dispatches.map((d: { waybillNo: string }) => d.waybillNo).sort()).toEqual(
      week.list.map((d) => d.waybillNo).sort(),
    );
    expect(report.stock).toHaveLength(10);
    expect(report.chart).toHaveLength(12);
    expect(report.chart[11]).toEqual({ weekStart: '2024-05-27', tonnes: report.tonnes });
    expect(report.chart[10]).toEqual({
      weekStart: '2024-05-20',
      tonnes: report.previousWeek.tonnes,
    });
    expect(report.delivery).toBeUndefined();

    const list = await t.http().get('/api/reports/weekly').set(t.as(coordinator)).expect(200);
    expect(list.body.items).toEqual([
      {
        hub: 'TMZ',
        weekStart: '2024-05-27',
        weekEnd: '2024-06-02',
        trucks: 17,
        tonnes: report.tonnes,
        generatedAt: report.generatedAt,
      },
    ]);
  });

  it('gains a solar section: generation, CO2 avoided and kWh per tonne of the week', async () => {
    const history = generateHistory(4, 14, Date.UTC(2024, 4, 27), Date.UTC(2024, 4, 30));
    await importCsv(t, warehouse, toCsv(history)).expect(201);
    await t
      .http()
      .post('/api/energy/readings')
      .set(t.as(warehouse))
      .send({
        system: 'TMZ-PV-1',
        readings: [
          {
            start: '2024-05-28T10:00:00+05:00',
            end: '2024-05-28T11:00:00+05:00',
            generatedKwh: 400,
          },
          {
            start: '2024-05-29T10:00:00+05:00',
            end: '2024-05-29T11:00:00+05:00',
            generatedKwh: 250.5,
          },
          {
            start: '2024-06-03T10:00:00+05:00',
            end: '2024-06-03T11:00:00+05:00',
            generatedKwh: 999,
          },
        ],
      })
      .expect(201);
    await drainOutbox(t);
    const report = await requestReport(t, coordinator, '2024-05-27');
    const tonnes = expectedStats(history, new Date('2024-06-03T00:00:00+05:00')).tonnes;
    expect(report.energy).toEqual({
      generatedKwh: 650.5,
      co2AvoidedKg: 362.979, // 650.5 kWh x 0.558 kg/kWh
      systems: [
        {
          system: 'TMZ-PV-1',
          generatedKwh: 650.5,
          // no irradiation measured: May's and June's shares of 700 kWp x 1,414 kWh/kWp,
          // 989,800 x (0.116 x 5 / 31 + 0.128 x 2 / 30)
          expectedKwh: 26965.132,
          readings: 2,
          underperforming: true,
          co2AvoidedKg: 362.979,
          kwhPerTonneDispatched: Math.round((650.5 / tonnes) * 1000) / 1000,
        },
      ],
    });
    const html = await t
      .http()
      .get('/api/reports/weekly/2024-05-27?format=html')
      .set(t.as())
      .expect(200);
    expect(html.text).toContain('<h2>Solar energy</h2>');
    const md = await t
      .http()
      .get('/api/reports/weekly/2024-05-27?format=md')
      .set(t.as())
      .expect(200);
    expect(md.text).toContain(
      "The hub's solar plant generated 651 kWh this week, avoiding about 363 kg of CO2",
    );
    expect(md.text).toContain('| TMZ-PV-1 | 651 | 26,965 | 363 |');
    expect(md.text).toContain('More than 20 % below expectation');

    // Carbon: the week's trucks (each at its route's distance), against the solar plant.
    const [emitted] = await t.dataSource.query(
      `SELECT round(sum(co2e_kg), 3)::float8 AS co2e, count(*)::int AS trucks FROM dispatch
        WHERE dispatched_at >= '2024-05-27T00:00:00+05:00' AND dispatched_at < '2024-06-03T00:00:00+05:00'`,
    );
    expect(emitted.trucks).toBe(4);
    expect(report.carbon).toMatchObject({
      co2eKg: emitted.co2e,
      byMethod: { fuel: 0, default: 4, unknown: 0 },
      solarGeneratedKwh: 650.5,
      co2AvoidedKg: 362.979,
      netCo2eKg: Math.round((emitted.co2e - 362.979) * 1000) / 1000,
    });
    expect(
      report.carbon.destinations.reduce((sum: number, d: { trucks: number }) => sum + d.trucks, 0),
    ).toBe(4);
    expect(md.text).toContain('## Carbon');
    expect(md.text).toContain('solar plant avoided 363 kg CO2 (651 kWh)');
    expect(html.text).toContain('<h2>Carbon</h2>');
    const csv = await t
      .http()
      .get('/api/reports/weekly/2024-05-27?format=csv')
      .set(t.as())
      .expect(200);
    const rows: Record<string, string>[] = parse(csv.text, { columns: true });
    expect(rows).toHaveLength(4);
    const co2 = rows.reduce((sum, r) => sum + Math.round(Number(r.co2e_kg) * 1000), 0);
    expect(Math.abs(co2 - Math.round(emitted.co2e * 1000))).toBeLessThanOrEqual(4);
    expect(rows.every((r) => Number(r.distance_km) > 0)).toBe(true);

    // A week without readings says "no readings", never "underperforming".
    const quiet = await requestReport(t, coordinator, '2024-05-20');
    expect(quiet.energy.systems[0]).toMatchObject({
      generatedKwh: 0,
      readings: 0,
      underperforming: null,
    });
    const quietMd = await t
      .http()
      .get('/api/reports/weekly/2024-05-20?format=md')
      .set(t.as())
      .expect(200);
    expect(quietMd.text).toContain('No readings this week');
    expect(quietMd.text).not.toContain('below expectation');
    const quietHtml = await t
      .http()
      .get('/api/reports/weekly/2024-05-20?format=html')
      .set(t.as())
      .expect(200);
    expect(quietHtml.text).toContain('No readings this week');
  });

  it('puts Sunday 23:30 Tashkent in its week and Monday 00:10 in the next', async () => {
    const [sunday, monday] = generateHistory(2, 5);
    sunday.dispatchedAt = '2024-06-02T23:30:00+05:00';
    monday.dispatchedAt = '2024-06-03T00:10:00+05:00';
    await importCsv(t, warehouse, toCsv([sunday, monday])).expect(201);
    const weekOne = await requestReport(t, coordinator, '2024-05-27');
    const weekTwo = await requestReport(t, coordinator, '2024-06-03');
    expect(weekOne.dispatches.map((d: { waybillNo: string }) => d.waybillNo)).toEqual([
      sunday.waybillNo,
    ]);
    expect(weekTwo.dispatches.map((d: { waybillNo: string }) => d.waybillNo)).toEqual([
      monday.waybillNo,
    ]);
    expect(weekOne.dispatches[0].dispatchedAt).toBe('2024-06-02T23:30:00.000+05:00');
  });

  it('builds the scheduled report once per week, and a regeneration replaces it', async () => {
    const history = generateHistory(6, 8, Date.UTC(2024, 4, 26, 19), Date.UTC(2024, 5, 2, 19));
    await importCsv(t, warehouse, toCsv(history)).expect(201);
    // "Next Monday" at 06:00 Tashkent, now.
    t.app.get(Clock).set(new Date('2024-06-03T06:00:00+05:00'));
    await runJob(t, JobName.ScheduledWeeklyReport, { hub: 'TMZ' });
    await runJob(t, JobName.ScheduledWeeklyReport, { hub: 'TMZ' });
    const rows = await t.dataSource.query(
      'SELECT week_start::text, trucks, version FROM weekly_report',
    );
    expect(rows).toEqual([{ week_start: '2024-05-27', trucks: 6, version: 1 }]);

    const extra = generateHistory(1, 9, Date.UTC(2024, 4, 28), Date.UTC(2024, 4, 29), 'X');
    await importCsv(t, warehouse, toCsv(extra)).expect(201);
    const regenerated = await requestReport(t, coordinator, '2024-05-27');
    expect(regenerated).toMatchObject({ trucks: 7, version: 2 });
    expect(regenerated.dispatches).toHaveLength(7);
    expect(await t.dataSource.query('SELECT week_start::text, trucks FROM weekly_report')).toEqual([
      { week_start: '2024-05-27', trucks: 7 },
    ]);
    // The clock decides the default week: the last full one.
    const accepted = await t
      .http()
      .post('/api/reports/weekly')
      .set(t.as(coordinator))
      .send({})
      .expect(202);
    expect(accepted.body.weekStart).toBe('2024-05-27');
  });

  it('renders Markdown, CSV and self-contained HTML with one bar per week', async () => {
    const history = generateHistory(9, 12, Date.UTC(2024, 2, 1), Date.UTC(2024, 5, 2, 19));
    await importCsv(t, warehouse, toCsv(history)).expect(201);
    const report = await requestReport(t, coordinator, '2024-05-27');
    const url = '/api/reports/weekly/2024-05-27';
    const md = await t.http().get(`${url}?format=md`).set(t.as()).expect(200);
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.text).toContain('# Weekly dispatch summary');
    expect(md.text).toContain(report.cumulative.summary.replace(/\*/g, '\\*'));
    const csv = await t.http().get(`${url}?format=csv`).set(t.as()).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(csv.text, {
      columns: true,
      cast: (value, context) => (context.column === 'tonnes' ? Number(value) : value),
    });
    expect(rows).toEqual(
      report.dispatches.map(
        (d: {
          waybillNo: string;
          dispatchedAt: string;
          destination: string;
          truckPlate: string;
          tonnes: number;
          distanceKm: number;
          co2eKg: number;
        }) => ({
          waybill_no: d.waybillNo,
          dispatched_at: d.dispatchedAt,
          destination: d.destination,
          destination_name: report.destinations.find(
            (x: { code: string }) => x.code === d.destination,
          ).name,
          truck_plate: d.truckPlate,
          tonnes: d.tonnes,
          distance_km: String(d.distanceKm),
          co2e_kg: String(d.co2eKg),
        }),
      ),
    );
    const html = await t.http().get(`${url}?format=html`).set(t.as()).expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toMatch(/<svg[^>]*role="img"/);
    const bars = [
      ...html.text.matchAll(/<rect class="bar" data-label="([^"]+)" data-value="([^"]+)"/g),
    ];
    expect(bars.map((b) => ({ weekStart: b[1], tonnes: Number(b[2]) }))).toEqual(report.chart);
    expect(html.text).not.toMatch(/<script|<link|src="http/);
    await t.http().get('/api/reports/weekly/2024-05-28').set(t.as()).expect(400);
    await t.http().get('/api/reports/weekly/2024-06-03').set(t.as()).expect(404);
    await t.http().get(`${url}?format=docx`).set(t.as()).expect(400);
    const tuesday = await t
      .http()
      .post('/api/reports/weekly')
      .set(t.as(coordinator))
      .send({ weekStart: '2024-05-28' })
      .expect(400);
    expect(tuesday.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'weekStart must be a Monday as YYYY-MM-DD; got 2024-05-28',
      code: 'week.notMonday',
    });
    const future = await t
      .http()
      .post('/api/reports/weekly')
      .set(t.as(coordinator))
      .send({ weekStart: '2099-01-05' })
      .expect(422);
    expect(future.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: 'The week of 2099-01-05 has not ended yet at TMZ',
      code: 'week.notEnded',
    });
    await t
      .http()
      .post('/api/reports/weekly')
      .set(t.as(warehouse))
      .send({ weekStart: '2024-05-27' })
      .expect(403);
  });

  it('exports the dispatch register as CSV and XLSX, one row per line, cancelled left out', async () => {
    const history = generateHistory(20, 21, Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1));
    await importCsv(t, warehouse, toCsv(history)).expect(201);
    await receive(t, warehouse, [{ sku: 'CRI-RHU', quantity: 5 }]);
    const live = await t
      .http()
      .post('/api/dispatches')
      .set(t.as(warehouse))
      .send(dispatchBody([{ sku: 'CRI-RHU', quantity: 2 }], { driverName: 'Rustam' }))
      .expect(201);
    const cancelled = history[3];
    const list = await t.http().get('/api/dispatches?limit=500').set(t.as()).expect(200);
    const id = list.body.items.find(
      (d: { waybillNo: string }) => d.waybillNo === cancelled.waybillNo,
    ).id;
    await t
      .http()
      .post(`/api/dispatches/${id}/cancel`)
      .set(t.as(warehouse))
      .send({ reason: 'x' })
      .expect(200);

    const csv = await t
      .http()
      .get('/api/dispatches/export?format=csv')
      .set(t.as(coordinator))
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows: Record<string, string>[] = parse(csv.text, { columns: true });
    const expected = [...history.filter((d) => d !== cancelled)]
      .sort((a, b) => a.dispatchedAt.localeCompare(b.dispatchedAt))
      .flatMap((d) =>
        d.lines.map((l) => [d.waybillNo, d.destination, d.truckPlate, l.sku, String(l.quantity)]),
      );
    expected.push([live.body.waybillNo, 'AF', '01 A 123 BC', 'CRI-RHU', '2']);
    expect(
      rows.map((r) => [r.waybill_no, r.destination, r.truck_plate, r.sku, r.quantity]).sort(),
    ).toEqual(expected.sort());
    const rhu = rows.find((r) => r.waybill_no === live.body.waybillNo)!;
    expect(rhu).toMatchObject({
      weight_kg: '322',
      unit_weight_kg: '161',
      status: 'DISPATCHED',
      driver_name: 'Rustam',
    });
    expect(Object.keys(rows[0])).toEqual([
      'waybill_no',
      'dispatched_at',
      'destination',
      'truck_plate',
      'sku',
      'quantity',
      'cargo_weight_kg',
      'emergency',
      'carrier',
      'driver_name',
      'distance_km',
      'fuel_litres',
      'status',
      'unit_weight_kg',
      'weight_kg',
      'volume_m3',
      'co2e_kg',
      'emission_method',
      'destination_name',
      'trailer_plate',
      'consignee',
      'received_quantity',
      'damaged_quantity',
      'missing_quantity',
    ]);

    // The XLSX holds the same cells, headed in words, with dispatched_at a date in hub time.
    const sheet = await exportedSheet(t);
    const values: string[][] = [];
    const columns = Object.keys(rows[0]).length;
    sheet.eachRow((row) =>
      values.push(
        Array.from({ length: columns }, (_, i) => row.getCell(i + 1).value).map((v) =>
          v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v),
        ),
      ),
    );
    expect(values[0].slice(0, 3)).toEqual([
      'Waybill',
      'Dispatched (Asia/Tashkent)',
      'Destination code',
    ]);
    expect(values.slice(1)).toEqual(
      rows.map((r) =>
        Object.values({
          ...r,
          // the hub's wall clock, as the spreadsheet shows it
          dispatched_at: `${r.dispatched_at.slice(0, 23)}Z`,
        }),
      ),
    );

    const january = await t
      .http()
      .get('/api/dispatches/export?from=2024-01-01&to=2024-01-10&destination=AF')
      .set(t.as())
      .expect(200);
    const some: Record<string, string>[] = parse(january.text, { columns: true });
    const wanted = history.filter(
      (d) =>
        d !== cancelled &&
        d.destination === 'AF' &&
        new Date(d.dispatchedAt) < new Date('2024-01-11T00:00:00+05:00'),
    );
    expect(new Set(some.map((r) => r.waybill_no))).toEqual(new Set(wanted.map((d) => d.waybillNo)));
    await t.http().get('/api/dispatches/export?format=pdf').set(t.as()).expect(400);
  });

  it('exports past a read batch: 2,500 trucks that left the same minute, each once, by waybill', async () => {
    const trucks = generateHistory(2500, 41, Date.UTC(2024, 2, 4), Date.UTC(2024, 2, 5)).map(
      (d) => ({ ...d, dispatchedAt: '2024-03-04T09:00:00+05:00', lines: d.lines.slice(0, 2) }),
    );
    await importCsv(t, warehouse, toCsv(trucks)).expect(201);
    const csv = await t.http().get('/api/dispatches/export').set(t.as()).expect(200);
    const rows: Record<string, string>[] = parse(csv.text, { columns: true });
    const waybills = [...new Set(rows.map((r) => r.waybill_no))];
    expect(waybills).toEqual(trucks.map((d) => d.waybillNo).sort());
    expect(rows).toHaveLength(trucks.reduce((n, d) => n + d.lines.length, 0));
  });

  it('weighs a truck by its weighbridge figure when given, alike in every figure and register', async () => {
    const truck = (waybillNo: string, day: string, cargoKg: number | null, lines: Line[]) => ({
      waybillNo,
      dispatchedAt: `${day}T10:00:00+05:00`,
      destination: 'AF',
      truckPlate: `01 A ${waybillNo.slice(-3)} UZ`,
      cargoWeightGrams: cargoKg === null ? null : cargoKg * 1000,
      emergency: '',
      lines,
    });
    // 180 tents x 55 kg + 2 RHUs x 161 kg = 10,222 kg on paper; the weighbridge said 10,400.6.
    const weighed = truck('WB-001', '2024-05-28', 10400.6, [
      { sku: 'CRI-FAMILY-TENT', quantity: 180 },
      { sku: 'CRI-RHU', quantity: 2 },
    ]);
    const unweighed = truck('WB-002', '2024-05-29', null, [
      { sku: 'CRI-FAMILY-TENT', quantity: 40 },
    ]);
    const cancelled = truck('WB-003', '2024-05-30', 5600.25, [
      { sku: 'CRI-FAMILY-TENT', quantity: 100 },
    ]);
    await importCsv(t, warehouse, toCsv([weighed, unweighed, cancelled])).expect(201);
    const list = await t.http().get('/api/dispatches').set(t.as()).expect(200);
    const byWaybill = new Map(
      list.body.items.map((d: { waybillNo: string }) => [d.waybillNo, d]),
    ) as Map<string, { id: string; tonnes: number }>;
    expect(byWaybill.get('WB-001')!.tonnes).toBe(10.401);
    expect(byWaybill.get('WB-002')!.tonnes).toBe(2.2);
    await t
      .http()
      .post(`/api/dispatches/${byWaybill.get('WB-003')!.id}/cancel`)
      .set(t.as(warehouse))
      .send({ reason: 'Border closed' })
      .expect(200);
    await drainOutbox(t);

    // 10,400.6 kg weighed + 2,200 kg of lines; per item, tonnes are the lines' weights.
    const stats = await t
      .http()
      .get('/api/stats/dispatches?from=2024-05-27&asOf=2024-06-02')
      .set(t.as())
      .expect(200);
    expect(stats.body).toMatchObject({
      trucks: 2,
      tonnes: 12.601,
      destinations: [{ code: 'AF', trucks: 2, tonnes: 12.601 }],
      items: [
        { sku: 'CRI-FAMILY-TENT', quantity: 220, tonnes: 12.1 },
        { sku: 'CRI-RHU', quantity: 2, tonnes: 0.322 },
      ],
    });
    const energy = await t
      .http()
      .get('/api/energy/reports?system=TMZ-PV-1&interval=week&from=2024-05-27&to=2024-06-02')
      .set(t.as())
      .expect(200);
    expect(energy.body.items[0].tonnesDispatched).toBe(12.601);

    const report = await requestReport(t, coordinator, '2024-05-27');
    expect(report).toMatchObject({ trucks: 2, tonnes: 12.601 });
    expect(
      report.dispatches.map((d: { waybillNo: string; tonnes: number }) => [d.waybillNo, d.tonnes]),
    ).toEqual([
      ['WB-001', 10.401],
      ['WB-002', 2.2],
    ]);

    const csv = await t
      .http()
      .get('/api/dispatches/export?from=2024-05-27&to=2024-06-02')
      .set(t.as())
      .expect(200);
    const rows: Record<string, string>[] = parse(csv.text, { columns: true });
    expect(rows.map((r) => [r.waybill_no, r.sku, r.cargo_weight_kg, r.weight_kg])).toEqual([
      ['WB-001', 'CRI-FAMILY-TENT', '10400.6', '9900'],
      ['WB-001', 'CRI-RHU', '10400.6', '322'],
      ['WB-002', 'CRI-FAMILY-TENT', '', '2200'],
    ]);
  });
});

describe('weekly report scheduling across instances', () => {
  it('three instances started at once register one scheduler per hub', async () => {
    const prefix = `rh-test-${process.env.TEST_RUN_ID}-sched`;
    const apps = await Promise.all([1, 2, 3].map(() => startTestApp({ REDIS_PREFIX: prefix })));
    try {
      const queue = new Queue(QueueName.Reports, {
        connection: { url: testEnvironment().REDIS_URL },
        prefix,
      });
      // Registered in the background: a start does not wait for Redis.
      await eventually(async () => {
        const schedulers = await queue.getJobSchedulers();
        expect(schedulers.map((s) => ({ key: s.key, pattern: s.pattern, tz: s.tz }))).toEqual([
          { key: 'weekly-report:TMZ', pattern: '0 6 * * 1', tz: 'Asia/Tashkent' },
        ]);
      });
      await queue.close();
    } finally {
      await Promise.all(apps.map((a) => a.close()));
    }
  });

  it('gives a hub added while the workers run its scheduler, without a restart', async () => {
    const prefix = `rh-test-${process.env.TEST_RUN_ID}-sched-new`;
    const t = await startTestApp({ REDIS_PREFIX: prefix, SCHEDULES_SYNC_MS: '200' });
    const queue = new Queue(QueueName.Reports, {
      connection: { url: testEnvironment().REDIS_URL },
      prefix,
    });
    try {
      await t
        .http()
        .post('/api/hubs')
        .set(t.as())
        .send({ code: 'DXB', name: 'Dubai hub', timeZone: 'Asia/Dubai' })
        .expect(201);
      await eventually(
        async () =>
          expect(
            (await queue.getJobSchedulers())
              .map((s) => `${s.key} ${s.tz}`)
              .filter((key) => key.startsWith('weekly-report:'))
              .sort(),
          ).toEqual(['weekly-report:DXB Asia/Dubai', 'weekly-report:TMZ Asia/Tashkent']),
        { timeoutMs: 10_000 },
      );
    } finally {
      await queue.close();
      await t.reset(); // the database is this test worker's: later tests know only TMZ
      await t.close();
    }
  });
});

describe('weekly report delivery', () => {
  let server: Server;
  let received: { status: number; body: string; key: string | undefined }[];
  let t: TestApp;
  beforeAll(async () => {
    received = [];
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const status = received.length === 0 ? 503 : 200;
        received.push({ status, body, key: req.headers['idempotency-key'] as string | undefined });
        res.writeHead(status).end();
      });
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    t = await startTestApp({
      REPORT_WEBHOOK_URL: `http://127.0.0.1:${port}/sitreps`,
      REDIS_PREFIX: `rh-test-${process.env.TEST_RUN_ID}-hook`,
    });
    await t.reset();
  });
  afterAll(async () => {
    await t.close();
    server.closeAllConnections();
    server.close();
  });

  it('a receiver that fails the first attempt gets the report exactly once after a retry', async () => {
    const warehouse = await t.createUser('warehouse');
    await importCsv(
      t,
      warehouse,
      toCsv(generateHistory(3, 31, Date.UTC(2024, 4, 27), Date.UTC(2024, 4, 30))),
    ).expect(201);
    const report = await requestReport(t, await t.createUser('coordinator'), '2024-05-27');
    expect(report.delivery).toBeDefined();
    const jobs = t.app.get(JobsService);
    let delivery = report.delivery;
    for (
      const deadline = Date.now() + 20_000;
      delivery.status !== 'DELIVERED' && Date.now() < deadline;
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      delivery = (await t.http().get('/api/reports/weekly/2024-05-27').set(t.as()).expect(200)).body
        .delivery;
    }
    expect(delivery).toMatchObject({
      status: 'DELIVERED',
      attempts: 2,
      lastError: null,
      deliveredAt: expect.any(String),
    });
    const job = await jobs
      .queue(QueueName.Reports)
      .getJob(`deliver-${(await t.dataSource.query('SELECT id FROM weekly_report'))[0].id}-v1`);
    expect(await job!.getState()).toBe('completed');
    expect(received.map((r) => r.status)).toEqual([503, 200]);
    const delivered = JSON.parse(received[1].body);
    expect(delivered).toMatchObject({ hub: 'TMZ', weekStart: '2024-05-27', trucks: 3, version: 1 });
    expect(received[0].key).toBe(received[1].key);
    // A regeneration that changes nothing is not a new version: nothing is sent again.
    await requestReport(t, await t.createUser('coordinator'), '2024-05-27');
    expect(received.filter((r) => r.status === 200)).toHaveLength(1);
  });
});
