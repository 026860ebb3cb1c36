/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { addDays, lastFullWeek, localDay } from '../../src/common/time/zoned.js';
import { LANGUAGES } from '../../src/web/i18n.js';
import { receive } from '../support/fixtures.js';
import { generateHistory, toCsv } from '../support/history.js';
import { drainOutbox, waitForReportJob } from '../support/jobs.js';
import { servedRoutes } from '../support/routes.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { csrfOf, formKeyOf, signIn, webUser } from '../support/web.js';

const ARTIFACTS = new URL('../artifacts/phone/', import.meta.url).pathname;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'];
const PHONE = { width: 390, height: 844 };
const TABLET = { width: 1024, height: 768 };

/** What one page measured in the browser. */
interface Measure {
  status: number;
  lang: string;
  scrollWidth: number;
  innerWidth: number;
  /** The elements that reach past the viewport's right edge (for the failure message). */
  wide: string[];
  /** Each chart's text size on screen, px. */
  chartText: number[];
}

// The web app on a phone (390x844) and on a small tablet (1024x768), in every language, with
// data: no page's document may be wider than its viewport. The pages come from the router, so a
// new page joins (or fails this test until it is given an address here).
describe('web app on a phone', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let admin: Awaited<ReturnType<typeof webUser>>;
  let clerk: Awaited<ReturnType<typeof webUser>>;
  let delivered: string;
  let open: string;
  let release: string;
  let week: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.reset();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });

    // A second hub, so an admin's header carries the hub switcher.
    await t
      .http()
      .post('/api/hubs')
      .set(t.as())
      .send({ code: 'DXB', name: 'Dubai Global Humanitarian Hub', timeZone: 'Asia/Dubai' })
      .expect(201);
    admin = await webUser(t, 'admin', 'Administrator of the Termez hub');
    clerk = await webUser(t, 'warehouse', 'Dilshod Rakhimov');
    await receive(t, clerk.apiKey, [
      { sku: 'CRI-BLANKET-HT', quantity: 5000 },
      { sku: 'CRI-RHU', quantity: 50 },
      { sku: 'CRI-KITCHEN-SET-B', quantity: 300 },
      { sku: 'CRI-JERRYCAN-20L', quantity: 2000 },
    ]);
    const now = Date.now();
    await t
      .http()
      .post('/api/dispatches/import')
      .set(t.as(clerk.apiKey))
      .set('Content-Type', 'text/csv')
      .send(toCsv(generateHistory(60, 18, now - 84 * 86_400_000, now - 2 * 86_400_000)))
      .expect(201);
    const live = (extra: object) =>
      t
        .http()
        .post('/api/dispatches')
        .set(t.as(clerk.apiKey))
        .send({
          destination: 'KG',
          truckPlate: '01 A 123 BC',
          trailerPlate: '01 AB 4567',
          driverName: 'Rustam Abdullayev',
          driverPhone: '+998 90 123 45 67',
          carrier: 'Surkhandarya Trans Logistics LLC',
          consignee: 'UNHCR Representation in the Kyrgyz Republic, Bishkek',
          emergency: 'Winterization 2026 for returnees from the Islamic Republic of Iran',
          lines: [
            { sku: 'CRI-BLANKET-HT', quantity: 1200 },
            { sku: 'CRI-KITCHEN-SET-B', quantity: 100 },
            { sku: 'CRI-JERRYCAN-20L', quantity: 600 },
          ],
          ...extra,
        })
        .expect(201);
    delivered = (await live({})).body.id;
    open = (await live({ destination: 'AF' })).body.id;
    release = (
      await t
        .http()
        .post('/api/releases')
        .set(t.as())
        .send({
          destination: 'TJ',
          emergency: 'Winterisation 2026',
          lines: [{ sku: 'CRI-BLANKET-HT', quantity: 20 }],
        })
        .expect(201)
    ).body.id;
    await t
      .http()
      .post(`/api/dispatches/${delivered}/delivery`)
      .set(t.as(clerk.apiKey))
      .send({
        deliveredAt: new Date().toISOString(),
        lines: [
          { sku: 'CRI-BLANKET-HT', receivedQuantity: 1180, damagedQuantity: 12 },
          { sku: 'CRI-KITCHEN-SET-B', receivedQuantity: 100 },
          { sku: 'CRI-JERRYCAN-20L', receivedQuantity: 600 },
        ],
        note: 'Twelve blankets wet; eight bales short',
      })
      .expect(200);
    const today = localDay(new Date(), 'Asia/Tashkent');
    await t
      .http()
      .post('/api/energy/readings')
      .set(t.as(clerk.apiKey))
      .send({
        system: 'TMZ-PV-1',
        readings: [1, 2, 3, 5].map((back) => ({
          start: `${addDays(today, -back)}T00:00:00+05:00`,
          end: `${addDays(today, -back + 1)}T00:00:00+05:00`,
          generatedKwh: 1850.25 * back,
        })),
      })
      .expect(201);
    week = lastFullWeek(new Date(), 'Asia/Tashkent');
    const built = await t
      .http()
      .post('/api/reports/weekly')
      .set(t.as())
      .send({ weekStart: week })
      .expect(202);
    await waitForReportJob(t, built.body.jobUrl);
    await drainOutbox(t);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  /**
   * Every page a signed-in user opens, by route: the router's GET routes under /app, each with
   * the address (or addresses) that show it with data. A route missing here fails the test.
   */
  const pagesByRoute = (): Record<string, string[]> => ({
    'GET /app': ['/app'],
    'GET /app/stock': ['/app/stock', `/app/stock?asOf=${addDays(week, 3)}`],
    'GET /app/dispatches': ['/app/dispatches'],
    'GET /app/dispatches/new': ['/app/dispatches/new', `/app/dispatches/new?release=${release}`],
    'GET /app/releases': ['/app/releases'],
    'GET /app/releases/new': ['/app/releases/new'],
    'GET /app/releases/:id': [`/app/releases/${release}`],
    'GET /app/dispatches/:id': [`/app/dispatches/${delivered}`, `/app/dispatches/${open}`],
    'GET /app/receipts': ['/app/receipts'],
    'GET /app/adjustments': ['/app/adjustments'],
    'GET /app/reports': ['/app/reports'],
    'GET /app/reports/:weekStart': [`/app/reports/${week}`],
    'GET /app/energy': ['/app/energy'],
    'GET /app/audit': ['/app/audit'],
    // Opened signed out, below, in each language.
    'GET /app/login': [],
  });
  /**
   * Not pages: the stylesheet and the script, the register as a file, and the door to the queue
   * dashboard (a redirect to Bull Board, which is not the web app's layout).
   */
  const NOT_PAGES = [
    'GET /app/assets/:name',
    'GET /app/dispatches/export',
    'GET /app/admin/queues',
  ];

  async function measure(page: Page, path: string): Promise<Measure> {
    const response = await page.goto(`${base}${path}`);
    return {
      status: response?.status() ?? 0,
      ...(await page.evaluate(() => {
        const innerWidth = window.innerWidth;
        const wide = [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5)
          .slice(0, 6)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className}${e.id ? `#${e.id}` : ''}`);
        const chartText = [...document.querySelectorAll('svg[font-size]')].map((svg) => {
          const drawing = (svg as SVGSVGElement).viewBox.baseVal.width;
          const size = Number(svg.getAttribute('font-size'));
          return Math.round((svg.getBoundingClientRect().width / drawing) * size * 10) / 10;
        });
        return {
          lang: document.documentElement.lang,
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth,
          wide,
          chartText,
        };
      })),
    };
  }

  /** Switches the signed-in user's language with the header's own form. */
  async function useLanguage(page: Page, language: string) {
    await page.goto(`${base}/app`);
    await page.locator('#language').selectOption(language);
    await page.locator('form[action="/app/language"] button').click();
    await page.waitForURL(`${base}/app`);
  }

  async function signInAs(context: BrowserContext, user: { name: string; password: string }) {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${base}/app/login`);
    await page.locator('#name').fill(user.name);
    await page.locator('#password').fill(user.password);
    await page.locator('form[action="/app/login"] button[type="submit"]').click();
    await page.waitForURL(`${base}/app`);
    return page;
  }

  it('fits every page into 390 px and 1024 px, in English, Russian and Uzbek', async () => {
    const routes = servedRoutes(t, 'app').filter((r) => r.startsWith('GET '));
    const table = pagesByRoute();
    expect([...routes].sort()).toEqual([...Object.keys(table), ...NOT_PAGES].sort());
    // ... and the app's own error page, for an address that names nothing.
    const paths = [...Object.values(table).flat(), '/app/dispatches/not-a-uuid'];

    const failures: string[] = [];
    const seen: string[] = [];
    for (const viewport of [PHONE, TABLET]) {
      const context = await browser.newContext({ viewport, locale: 'en-GB' });
      const page = await signInAs(context, admin);
      for (const language of LANGUAGES) {
        await useLanguage(page, language);
        for (const path of paths) {
          const m = await measure(page, path);
          const where = `${viewport.width}px ${language} ${path}`;
          seen.push(where);
          const expected = path.endsWith('not-a-uuid') ? 404 : 200;
          if (m.status !== expected) failures.push(`${where}: status ${m.status}`);
          // The report's own page is English, as it is sent; every other page speaks the user's.
          if (!path.startsWith('/app/reports/') && m.lang !== language)
            failures.push(`${where}: lang ${m.lang}`);
          if (m.scrollWidth > m.innerWidth)
            failures.push(`${where}: ${m.scrollWidth} px wide (${m.wide.join(', ')})`);
          const small = m.chartText.filter((px) => px < 10);
          if (small.length) failures.push(`${where}: chart text ${small.join(', ')} px`);
          if (viewport === PHONE) {
            const name =
              path
                .replace(delivered, 'delivered')
                .replace(open, 'open')
                .replace(/^\/app\/?/, '')
                .replace(/[^a-z0-9]+/gi, '-') || 'dashboard';
            await page.screenshot({ path: `${ARTIFACTS}${language}-${name}.png`, fullPage: true });
          }
        }
      }
      // Signed out: the sign-in page, in each language (chosen with its own switch).
      const anonymous = await context.newPage();
      for (const language of LANGUAGES) {
        await context.addCookies([
          { name: 'rh_lang', value: language, domain: '127.0.0.1', path: '/app' },
        ]);
        await context.clearCookies({ name: 'rh_session' });
        const m = await measure(anonymous, '/app/login');
        const where = `${viewport.width}px ${language} /app/login`;
        seen.push(where);
        if (m.status !== 200 || m.lang !== language)
          failures.push(`${where}: ${m.status} ${m.lang}`);
        if (m.scrollWidth > m.innerWidth)
          failures.push(`${where}: ${m.scrollWidth} px wide (${m.wide.join(', ')})`);
        if (viewport === PHONE)
          await anonymous.screenshot({ path: `${ARTIFACTS}${language}-login.png`, fullPage: true });
      }
      await context.close();
    }
    expect(failures).toEqual([]);
    // 2 viewports x 3 languages x (13 addresses + sign-in)
    expect(seen).toHaveLength(2 * LANGUAGES.length * (paths.length + 1));
  }, 240_000);

  it('on a phone: quantities as displayed, the load past one trailer, the shortage at the top', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-GB' });
    const page = await signInAs(context, clerk);
    const dispatches = async () =>
      (await t.dataSource.query('SELECT count(*)::int AS n FROM dispatch'))[0].n as number;
    const before = await dispatches();
    await page.goto(`${base}/app/dispatches/new`);
    await page.locator('#destination').selectOption('TJ');
    await page.locator('#truckPlate').fill('02 B 456 CD');
    await page.locator('#sku-0').selectOption('CRI-BLANKET-HT');
    // The picker's "on hand" sits beside it, where a phone's narrow select cannot cut it off.
    const onHand = page.locator('[data-line]').nth(0).locator('[data-on-hand-line]');
    expect(await onHand.textContent()).toBe('2,600 on hand');
    await page.locator('#quantity-0').fill('1,000');
    await page.locator('#sku-1').selectOption('CRI-RHU');
    await page.locator('#quantity-1').fill('500');
    await page.locator('#sku-2').selectOption('CRI-KITCHEN-SET-B');
    await page.locator('#quantity-2').fill('1\u202f000');
    // 1,000 x 1.5 kg + 500 x 161 kg + 1,000 x 6.5 kg = 88.5 t (5 loads of 22 t), but
    // 1,000 x 0.0117 m3 + 500 x 1.13 m3 + 1,000 x 0.035 m3 = 611.7 m3: 8 loads of 82 m3.
    expect(await page.locator('[data-total="weight"]').textContent()).toBe('88,500');
    expect(await page.locator('[data-total="volume"]').textContent()).toBe('611.7');
    const warning = page.locator('[data-over-one-warning]');
    expect(await warning.isVisible()).toBe(true);
    expect(await warning.textContent()).toBe('Exceeds one semi-trailer: about 8 trucks.');

    await page.getByRole('button', { name: 'Record the dispatch' }).click();
    await page.waitForLoadState();
    const banner = page.locator('#form-failure');
    expect(await banner.locator('p').textContent()).toBe(
      'Not enough stock for 2 lines; nothing was recorded.',
    );
    expect(await banner.locator('li').allTextContents()).toEqual([
      'Line 2, Refugee Housing Unit (Better Shelter RHU 1.2) (CRI-RHU): 50 on hand, 500 asked for.',
      'Line 3, Kitchen set, type B (family of 5) (CRI-KITCHEN-SET-B): 100 on hand, 1,000 asked for.',
    ]);
    // At the top of the page, in the first screen of a phone.
    const box = (await banner.boundingBox())!;
    expect(box.y + box.height).toBeLessThan(PHONE.height);
    expect(await dispatches()).toBe(before);
    await page.screenshot({ path: `${ARTIFACTS}en-dispatch-shortage.png`, fullPage: true });
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);

    // "1 00" groups nothing: one message. Then corrected, it is recorded as typed.
    await page.locator('#quantity-1').fill('5');
    await page.locator('#quantity-2').fill('1\u00a000,0');
    await page.getByRole('button', { name: 'Record the dispatch' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#quantity-2-error').textContent()).toBe(
      'Enter a whole number, such as 1,000.',
    );
    await page.locator('#quantity-2').fill('100');
    await page.getByRole('button', { name: 'Record the dispatch' }).click();
    await page.waitForURL(/\/app\/dispatches\/[0-9a-f-]{36}\?done=recorded$/);
    const quantities = await page
      .locator('[data-quantity]')
      .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-quantity')));
    expect(quantities.map(Number).sort((a, b) => a - b)).toEqual([5, 100, 1000]);
    expect(await dispatches()).toBe(before + 1);
    await context.close();
  }, 60_000);

  it('speaks the reader’s language in validation messages and dates, and reads "1 000" back', async () => {
    const agent = await signIn(t, clerk.name, clerk.password);
    for (const [language, bad, time] of [
      ['ru', 'Введите целое число, например 1 000.', /\d{1,2} [а-я]+\.? 20\d\d г\., \d\d:\d\d/],
      ['uz', 'Butun son kiriting, masalan 1 000.', /\d{1,2}-[a-zʻ]+, 20\d\d, \d\d:\d\d/],
    ] as const) {
      const home = await agent.get('/app').expect(200);
      await agent
        .post('/app/language')
        .type('form')
        .send({ _csrf: csrfOf(home.text), language, next: '/app' })
        .expect(303);
      // The last dispatch, in the reader's words, not ISO.
      const dashboard = (await agent.get('/app').expect(200)).text;
      const last = /<dd class="small">([^<]*)<\/dd>/.exec(dashboard)![1];
      expect(last.replace(/\s/g, ' ')).toMatch(time);
      expect(dashboard).not.toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d/);
      // The tonnes card (to the kilogram) and the sentence (rounded) say why they differ.
      expect(dashboard).toContain(language === 'ru' ? 'тонны округлены так же' : 'yaxlitlanadi');

      const form = await agent.get('/app/receipts').expect(200);
      const sent = {
        _csrf: csrfOf(form.text),
        idempotencyKey: formKeyOf(form.text),
        reference: `GRN-${language}`,
        sku: ['CRI-BLANKET-HT', 'CRI-RHU'],
        quantity: ['много', '0'],
      };
      const refused = await agent.post('/app/receipts').type('form').send(sent).expect(400);
      const message = (row: number) =>
        new RegExp(`<p class="error" id="quantity-${row}-error">([^<]*)</p>`)
          .exec(refused.text)![1]
          .replace(/\s/g, ' ');
      expect(message(0)).toBe(bad);
      expect(message(1)).toMatch(
        language === 'ru'
          ? /^Введите число от 1 до 1 000 000 000\.$/
          : /^1 dan 1 000 000 000 gacha son kiriting\.$/,
      );
      expect(refused.text).not.toMatch(/must be|must not/);
      // "1 000" as Russian and Uzbek write it (a no-break space) is a thousand.
      await agent
        .post('/app/receipts')
        .type('form')
        .send({ ...sent, quantity: ['1\u00a0000', '2'] })
        .expect(303);
    }
    const receipts = (await t.http().get('/api/receipts').set(t.as()).expect(200)).body.items;
    const byReference = Object.fromEntries(
      receipts.map((r: { reference: string; lines: { sku: string; quantity: number }[] }) => [
        r.reference,
        r.lines.map((l) => l.quantity),
      ]),
    );
    expect(byReference['GRN-ru']).toEqual([1000, 2]);
    expect(byReference['GRN-uz']).toEqual([1000, 2]);
  });
});
