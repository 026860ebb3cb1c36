import { createHash } from 'node:crypto';
import { Clock } from '../../src/common/clock.service.js';
import { addDays, localDay } from '../../src/common/time/zoned.js';
import { generateHistory, toCsv } from '../support/history.js';
import { drainOutbox, waitForReportJob } from '../support/jobs.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { csrfOf, signIn, webUser } from '../support/web.js';
import { importCsv } from '../support/fixtures.js';
import { readPdf } from '../support/pdf.js';

/** A page's HTML without the column labels its table cells carry for phones. */
const unlabelled = (html: string) => html.replace(/ data-label="[^"]*"/g, '');

// The web app's pages on the features built beside it: weekly reports and solar energy, with
// their data put in through the API, as the hub's systems do.
describe('web app: weekly reports and solar energy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    t.app.get(Clock).set(undefined);
  });
  afterAll(() => {
    t.app.get(Clock).set(undefined);
    return t.close();
  });

  /** Builds a week's report through the API, as a coordinator's key, and waits for it. */
  async function buildThroughApi(key: string, weekStart: string) {
    const accepted = await t
      .http()
      .post('/api/reports/weekly')
      .set(t.as(key))
      .send({ weekStart })
      .expect(202);
    await waitForReportJob(t, accepted.body.jobUrl);
  }

  it('lists the reports, opens one as the API renders it, and lets a coordinator rebuild a week', async () => {
    const clerk = await webUser(t, 'warehouse', 'Clerk');
    const coordinator = await webUser(t, 'coordinator', 'Coordinator');
    // 14 trucks in the week of Monday 20 May 2024 (hub time, +05:00).
    const week = generateHistory(14, 7, Date.UTC(2024, 4, 19, 19), Date.UTC(2024, 4, 26, 19), 'W');
    await importCsv(t, clerk.apiKey, toCsv(week)).expect(201);
    await buildThroughApi(coordinator.apiKey, '2024-05-20');
    const summary = (await t.http().get('/api/reports/weekly').set(t.as()).expect(200)).body
      .items[0];
    expect(summary).toMatchObject({ weekStart: '2024-05-20', trucks: 14 });

    // Warehouse staff read the list and the report, and have no form to build one.
    const agent = await signIn(t, clerk.name, clerk.password);
    const list = await agent.get('/app/reports').expect(200);
    expect(Buffer.byteLength(list.text)).toBeLessThan(200 * 1024);
    // (each cell also carries its column's header, data-label, for phones: left out here)
    const row = unlabelled(/<tr data-week="2024-05-20">([\s\S]*?)<\/tr>/.exec(list.text)![1]);
    expect(row).toContain('href="/app/reports/2024-05-20"');
    expect(row).toContain('20 May 2024 to 26 May 2024');
    expect(row).toContain('<td class="num">14</td>');
    expect(row).toContain(
      `<td class="num">${summary.tonnes.toLocaleString('en-GB', { maximumFractionDigits: 3 })}</td>`,
    );
    expect(list.text).not.toContain('action="/app/reports"');
    expect(list.text).toContain('<a href="/app/reports" aria-current="page">Weekly reports</a>');

    const page = await agent.get('/app/reports/2024-05-20').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<svg');
    const api = await t
      .http()
      .get('/api/reports/weekly/2024-05-20?format=html')
      .set(t.as())
      .expect(200);
    expect(page.text).toBe(api.text);
    // Its inline stylesheet is allowed by hash; no script, nothing fetched.
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.text)![1];
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['cache-control']).toBe('no-store');
    // Every format, linked from the list and from the page, opens for the signed-in user.
    for (const format of ['pdf', 'md', 'csv'])
      expect(row).toContain(`href="/app/reports/2024-05-20?format=${format}"`);
    expect(page.text).toContain(
      '<a href="/app/reports/2024-05-20?format=pdf" download>Download PDF</a>',
    );
    expect(page.text).toContain('<a href="/app/reports" data-link="app">');
    const pdf = await agent
      .get('/app/reports/2024-05-20?format=pdf')
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(
      'attachment; filename="weekly-TMZ-2024-05-20.pdf"',
    );
    const read = readPdf(pdf.body as Buffer);
    expect(read.header).toBe('%PDF-');
    expect(read.pages).toBeGreaterThan(0);
    expect(read.text).toContain(week[0].waybillNo);
    const md = await agent.get('/app/reports/2024-05-20?format=md').expect(200);
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.text).toContain('14 trucks left the hub this week');
    const csv = await agent.get('/app/reports/2024-05-20?format=csv').expect(200);
    expect(csv.text.split('\n')[0]).toContain('waybill_no,dispatched_at');
    await agent.get('/app/reports/2024-05-20?format=json').expect(400);
    expect((await agent.get('/app/reports/2024-05-21').expect(400)).text).toContain(
      'Choose a Monday: a week runs from Monday to Sunday.',
    );
    expect((await agent.get('/app/reports/2024-05-27').expect(404)).text).toContain('Not found');
    // Only with a session.
    await t
      .http()
      .get('/app/reports/2024-05-20')
      .expect(303)
      .expect('Location', '/app/login?next=%2Fapp%2Freports%2F2024-05-20');

    // A forged build from warehouse staff, with their own valid token: refused, as by the API.
    const forged = await agent
      .post('/app/reports')
      .type('form')
      .send({ _csrf: csrfOf(list.text), weekStart: '2024-05-20' })
      .expect(403);
    expect(forged.text).toContain('Not allowed for your role');

    // A coordinator on Wednesday 5 June: the form offers the last full week, 27 May.
    t.app.get(Clock).set(new Date('2024-06-05T10:00:00+05:00'));
    const boss = await signIn(t, coordinator.name, coordinator.password);
    const form = await boss.get('/app/reports').expect(200);
    expect(form.text).toContain('<label for="weekStart">Week starting on Monday</label>');
    expect(form.text).toMatch(
      /<input id="weekStart" name="weekStart" type="date" value="2024-05-27"/,
    );
    const token = csrfOf(form.text);
    const tuesday = await boss
      .post('/app/reports')
      .type('form')
      .send({ _csrf: token, weekStart: '2024-05-21' })
      .expect(400);
    expect(tuesday.text).toContain('Choose a Monday');
    expect(tuesday.text).toContain('aria-invalid="true"');
    // The service's rule (week.notMonday), in the reader's language, beside the field.
    const russian = await boss
      .post('/app/reports')
      .set('Accept-Language', 'ru')
      .type('form')
      .send({ _csrf: token, weekStart: '2024-05-21' })
      .expect(400);
    expect(russian.text).toMatch(
      /<p class="error" id="weekStart-error">Выберите понедельник: неделя длится с понедельника по воскресенье\.<\/p>/,
    );
    expect(russian.text).toContain('Исправьте отмеченные поля.');
    const current = await boss
      .post('/app/reports')
      .type('form')
      .send({ _csrf: token, weekStart: '2024-06-03' })
      .expect(422);
    expect(current.text).toContain('That week has not ended yet.');
    await boss.post('/app/reports').type('form').send({ weekStart: '2024-05-20' }).expect(403);

    const generatedBefore = summary.generatedAt;
    const rebuilt = await boss
      .post('/app/reports')
      .type('form')
      .send({ _csrf: token, weekStart: '2024-05-20' })
      .expect(303);
    const location = rebuilt.headers.location as string;
    expect(location).toMatch(/^\/app\/reports\?week=2024-05-20&job=/);
    const job = new URLSearchParams(location.split('?')[1]).get('job')!;
    const building = await boss.get(location).expect(200);
    expect(building.text).toMatch(/data-requested="2024-05-20" data-state="(building|completed)"/);
    await waitForReportJob(t, `/api/reports/weekly/jobs/${job}`);
    const ready = await boss.get(location).expect(200);
    expect(ready.text).toContain('data-state="completed"');
    expect(ready.text).toContain('The report of the week of 20 May 2024 is ready.');

    // Empty: the last full week, as the API's default.
    const lastWeek = await boss
      .post('/app/reports')
      .type('form')
      .send({ _csrf: token, weekStart: '' })
      .expect(303);
    expect(lastWeek.headers.location).toMatch(/^\/app\/reports\?week=2024-05-27&job=/);
    await waitForReportJob(
      t,
      `/api/reports/weekly/jobs/${new URLSearchParams(lastWeek.headers.location.split('?')[1]).get('job')}`,
    );
    const after = await boss.get('/app/reports').expect(200);
    expect([...after.text.matchAll(/<tr data-week="([^"]+)">/g)].map((m) => m[1])).toEqual([
      '2024-05-27',
      '2024-05-20',
    ]);
    const report = (await t.http().get('/api/reports/weekly/2024-05-20').set(t.as()).expect(200))
      .body;
    expect(report.trucks).toBe(14);
    expect(report.generatedAt > generatedBefore).toBe(true);
  });
  it("shows each day's generation and the CO2 it avoided, from readings sent to the API", async () => {
    const meter = await webUser(t, 'warehouse', 'Meter');
    const today = localDay(new Date(), 'Asia/Tashkent');
    const [yesterday, earlier] = [addDays(today, -1), addDays(today, -5)];
    const hour = (day: string, h: number, generatedKwh: number) => ({
      start: `${day}T${String(h).padStart(2, '0')}:00:00+05:00`,
      end: `${day}T${String(h + 1).padStart(2, '0')}:00:00+05:00`,
      generatedKwh,
    });
    await t
      .http()
      .post('/api/energy/readings')
      .set(t.as(meter.apiKey))
      .send({
        system: 'TMZ-PV-1',
        readings: [
          hour(yesterday, 11, 512.4),
          hour(yesterday, 12, 300.25),
          hour(earlier, 12, 100.001),
        ],
      })
      .expect(201);
    await drainOutbox(t);

    const agent = await signIn(t, meter.name, meter.password);
    const page = await agent.get('/app/energy').expect(200);
    expect(Buffer.byteLength(page.text)).toBeLessThan(200 * 1024);
    expect(page.text).toContain('<a href="/app/energy" aria-current="page">Solar energy</a>');
    expect(page.text).toContain('TMZ-PV-1');
    expect(page.text).not.toContain('data-pending');
    const days = [
      ...page.text.matchAll(/<tr data-day="([^"]+)" data-kwh="([^"]+)" data-co2="([^"]+)">/g),
    ];
    expect(days.map((d) => d[1])).toEqual(
      Array.from({ length: 14 }, (_, i) => addDays(today, i - 13)),
    );
    // kWh x 0.558 kg, rounded to the gram.
    const figures = Object.fromEntries(days.map((d) => [d[1], [Number(d[2]), Number(d[3])]]));
    expect(figures[yesterday]).toEqual([812.65, 453.459]);
    expect(figures[earlier]).toEqual([100.001, 55.801]);
    expect(figures[today]).toEqual([0, 0]);
    const row = (day: string) =>
      unlabelled(new RegExp(`<tr data-day="${day}"[^>]*>([\\s\\S]*?)</tr>`).exec(page.text)![1]);
    expect(row(yesterday)).toContain('<td class="num">812.65');
    expect(row(yesterday)).toContain('<td class="num">453.459</td>');
    expect(row(earlier)).toContain('<td class="num">55.801</td>');
    expect(row(today)).toContain('No readings');
    // The chart: one bar a day, the same figures.
    const chart = page.text.slice(page.text.indexOf('<figure class="chart'));
    expect(chart).toMatch(/^<figure class="chart[^"]*">\s*<svg/);
    const bars = [
      ...chart.matchAll(/<rect class="bar" data-label="([^"]+)" data-value="([^"]+)"/g),
    ];
    expect(bars).toHaveLength(14);
    expect(bars.find((b) => b[1] === yesterday)![2]).toBe('812.65');

    // In Russian, with the reader's numbers.
    await agent
      .post('/app/language')
      .type('form')
      .send({ _csrf: csrfOf(page.text), language: 'ru', next: '/app/energy' })
      .expect(303);
    const ru = (await agent.get('/app/energy').expect(200)).text;
    expect(ru).toContain('<h1>Солнечная энергия</h1>');
    expect(ru).toContain('Выработано, кВт·ч');
    expect(unlabelled(ru)).toMatch(/<td class="num">453,459<\/td>/);
  });

  it('exports the dispatch list as the filter selects, for the hub of the page only, with totals over every page', async () => {
    const clerk = await webUser(t, 'warehouse', 'Clerk');
    await t
      .http()
      .post('/api/hubs')
      .set(t.as())
      .send({ code: 'DXB', name: 'Dubai', timeZone: 'Asia/Dubai' })
      .expect(201);
    // 30 trucks at TMZ (more than a page of 25), one at another hub the clerk does not act at.
    const history = generateHistory(30, 11, Date.UTC(2024, 0, 1), Date.UTC(2024, 2, 1), 'E');
    await importCsv(t, clerk.apiKey, toCsv(history)).expect(201);
    await t
      .http()
      .post('/api/dispatches/import?hub=DXB')
      .set(t.as())
      .set('Content-Type', 'text/csv')
      .send(
        'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg\n' +
          'DXB-1,2024-01-10T10:00:00+04:00,AF,D 1,CRI-RHU,1,\n',
      )
      .expect(201);
    await drainOutbox(t);
    const agent = await signIn(t, clerk.name, clerk.password);

    // The dashboard's tonnes card and the sitrep sentence beside it show the same whole tonnes.
    const dashboard = (await agent.get('/app').expect(200)).text;
    const card = /<dd data-figure="tonnes" data-value="[\d.]+" title="[^"]*">([\d,]+)<\/dd>/.exec(
      dashboard,
    )![1];
    expect(dashboard).toContain(`transporting ${card} metric tons`);

    const list = await agent.get('/app/dispatches?destination=AF&from=2024-01-01&to=2024-02-29');
    expect(list.status).toBe(200);
    const af = history.filter(
      (d) =>
        d.destination === 'AF' && new Date(d.dispatchedAt) < new Date('2024-03-01T00:00:00+05:00'),
    );
    const stats = (
      await t
        .http()
        .get('/api/dispatches?destination=AF&from=2024-01-01&to=2024-02-29&limit=500')
        .set(t.as())
        .expect(200)
    ).body.items as { tonnes: number }[];
    expect(stats).toHaveLength(af.length);
    const tonnes = Math.round(stats.reduce((sum, d) => sum + d.tonnes * 1000, 0)) / 1000;
    const totals = /<p class="totals" data-totals data-trucks="(\d+)" data-tonnes="([\d.]+)">/.exec(
      list.text,
    )!;
    expect([Number(totals[1]), Number(totals[2])]).toEqual([af.length, tonnes]);
    expect(list.text).toContain(
      `The filter selects ${af.length} trucks with ${tonnes.toLocaleString('en-GB', { maximumFractionDigits: 1 })} t in all`,
    );
    const link = /<a href="([^"]+)" data-export="xlsx"/.exec(list.text)![1].replace(/&amp;/g, '&');
    expect(link).toBe(
      '/app/dispatches/export?destination=AF&from=2024-01-01&to=2024-02-29&format=xlsx',
    );
    const csvLink = /<a href="([^"]+)" data-export="csv"/
      .exec(list.text)![1]
      .replace(/&amp;/g, '&');

    const csv = await agent.get(csvLink).expect(200);
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="dispatches-TMZ-2024-01-01-2024-02-29.csv"',
    );
    const waybills = new Set(
      csv.text
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[0]),
    );
    expect(waybills).toEqual(new Set(af.map((d) => d.waybillNo)));
    // Another hub named in the URL changes nothing: the page's hub, as the API's rules.
    const all = await agent.get('/app/dispatches/export?format=csv&hub=DXB').expect(200);
    expect(all.text).not.toContain('DXB-1');
    expect(all.text).toContain(history[0].waybillNo);
    const xlsx = await agent.get(link).buffer(true).expect(200);
    expect(xlsx.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    await agent.get('/app/dispatches/export?format=pdf').expect(400);
    // Only with a session.
    await t.http().get('/app/dispatches/export').expect(303);
  });

  it('shows a Carbon card on the dashboard: trucks emitted, solar avoided and net, as the API counts them', async () => {
    const clerk = await webUser(t, 'warehouse', 'Carbon clerk');
    const history = generateHistory(
      6,
      3,
      Date.UTC(2024, 4, 19, 19),
      Date.UTC(2024, 4, 26, 19),
      'C',
    );
    await importCsv(t, clerk.apiKey, toCsv(history)).expect(201);
    await t
      .http()
      .post('/api/energy/readings')
      .set(t.as(clerk.apiKey))
      .send({
        system: 'TMZ-PV-1',
        readings: [
          {
            start: '2024-05-21T00:00:00+05:00',
            end: '2024-05-22T00:00:00+05:00',
            generatedKwh: 3000,
          },
        ],
      })
      .expect(201);
    await drainOutbox(t);
    const api = (await t.http().get('/api/stats/emissions').set(t.as()).expect(200)).body;
    expect(api.trucks).toBe(6);
    expect(api.co2eKg).toBeGreaterThan(0);
    expect(api.solar.co2AvoidedKg).toBe(1674); // 3,000 kWh x 0.558

    const agent = await signIn(t, clerk.name, clerk.password);
    const page = await agent.get('/app').expect(200);
    const card = /<section aria-labelledby="carbon-h"[\s\S]*?<\/section>/.exec(page.text)![0];
    expect(card).toContain('Carbon to date');
    const value = (figure: string) =>
      Number(new RegExp(`data-figure="${figure}" data-value="([^"]+)"`).exec(card)![1]);
    expect(value('transport-co2e')).toBe(api.co2eKg);
    expect(value('solar-avoided')).toBe(1674);
    expect(value('net-co2e')).toBe(api.netCo2eKg);
    expect(card).toContain('>1.7</dd>'); // t CO2 avoided, one decimal

    await agent
      .post('/app/language')
      .type('form')
      .send({ _csrf: csrfOf(page.text), language: 'ru', next: '/app' })
      .expect(303);
    const ru = (await agent.get('/app').expect(200)).text;
    expect(ru).toContain('Углеродный след, нарастающим итогом');
    expect(ru).toContain('>1,7</dd>');
  });
});
