/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { onHand, receive } from '../support/fixtures.js';
import { generateHistory, toCsv } from '../support/history.js';
import { drainOutbox, waitForReportJob } from '../support/jobs.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { webUser } from '../support/web.js';

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// The staff web app in Debian's headless Chromium, driven as a person would: labels, keyboard,
// buttons. The app serves on a real port; statistics are waited for, never slept for.
describe('staff web app in a browser', () => {
  let t: TestApp;
  let base: string;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'relief-hub-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      // A landscape tablet.
      viewport: { width: 1180, height: 820 },
      locale: 'en-GB',
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    await t.close();
  });

  const dispatchCount = async () =>
    (await t.dataSource.query('SELECT count(*)::int AS n FROM dispatch WHERE NOT historical'))[0]
      .n as number;
  const figure = async (name: string) =>
    Number(await page.locator(`[data-figure="${name}"]`).getAttribute('data-value'));

  /** Signs in with the keyboard alone: type, Tab, type, Enter. */
  async function signInByKeyboard(name: string, password: string) {
    await page.goto(`${base}/app`);
    await page.waitForURL(`${base}/app/login`);
    await page.getByLabel('Name').focus();
    await page.keyboard.type(name);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/app`);
  }

  it('records a two-line dispatch once, shows the stock drop and the dashboard grow', async () => {
    await t.reset();
    const clerk = await webUser(t, 'warehouse', 'Dilshod');
    await receive(t, clerk.apiKey, [
      { sku: 'CRI-BLANKET-HT', quantity: 100 },
      { sku: 'CRI-RHU', quantity: 5 },
    ]);
    // Some weeks of history, so the dashboard has figures and a chart to show.
    const now = Date.now();
    const history = generateHistory(60, 8, now - 80 * 86_400_000, now - 86_400_000);
    await t
      .http()
      .post('/api/dispatches/import')
      .set(t.as(clerk.apiKey))
      .set('Content-Type', 'text/csv')
      .send(toCsv(history))
      .expect(201);
    await drainOutbox(t);

    await signInByKeyboard(clerk.name, clerk.password);
    expect(await page.locator('h1').textContent()).toBe('Dashboard');
    const trucksBefore = await figure('trucks');
    const tonnesBefore = await figure('tonnes');
    expect(trucksBefore).toBe(60);

    await page.getByRole('link', { name: 'Stock', exact: true }).click();
    expect(await page.locator('tr[data-sku="CRI-BLANKET-HT"] [data-on-hand]').textContent()).toBe(
      '100',
    );

    await page.getByRole('link', { name: 'Record a dispatch' }).click();
    await page.getByLabel('Destination').selectOption('AF');
    await page.getByLabel('Truck plate').fill('01 A 123 BC');
    await page.getByLabel('Driver (optional)', { exact: true }).fill('Rustam');
    await page.getByLabel('Emergency (optional)').fill('Herat earthquake');
    await page.getByLabel('Item, line 1').selectOption('CRI-BLANKET-HT');
    await page.getByLabel('Quantity, line 1').fill('40');
    await page.getByLabel('Item, line 2').selectOption('CRI-RHU');
    await page.getByLabel('Quantity, line 2').fill('2');
    // 40 x 1.5 kg + 2 x 161 kg, and 40 x 0.0117 m3 + 2 x 1.13 m3, as the lines are typed.
    const total = (name: string) => page.locator(`[data-total="${name}"]`).textContent();
    expect(await total('weight')).toBe('382');
    expect(await total('volume')).toBe('2.728');
    expect(await total('loadWeight')).toBe('1.7%');
    await page.screenshot({ path: `${ARTIFACTS}dispatch-form.png`, fullPage: true });

    // The form sent twice at once (a double click on a bad connection), then a double click.
    const statuses = await page.evaluate(async () => {
      const form = document.querySelector('form[data-dispatch-form]') as HTMLFormElement;
      const send = () =>
        fetch(form.action, {
          method: 'POST',
          body: new URLSearchParams(new FormData(form) as unknown as Record<string, string>),
        }).then((r) => r.status);
      return Promise.all([send(), send()]);
    });
    expect(statuses).toEqual([200, 200]);
    await page.getByRole('button', { name: 'Record the dispatch' }).dblclick();
    // The second click cancels the first click's navigation in the browser, not on the server.
    await page.locator('[data-done="replayed"]').waitFor();
    expect(page.url()).toMatch(/\/app\/dispatches\/[0-9a-f-]{36}\?done=replayed$/);
    expect(await page.locator('[data-done]').textContent()).toContain('recorded once');
    expect(await dispatchCount()).toBe(1);
    expect(await page.locator('[data-tonnes]').getAttribute('data-tonnes')).toBe('0.382');

    await page.getByRole('link', { name: 'Stock', exact: true }).click();
    expect(await onHand(t)).toMatchObject({ 'CRI-BLANKET-HT': 60, 'CRI-RHU': 3 });
    expect(await page.locator('tr[data-sku="CRI-BLANKET-HT"] [data-on-hand]').textContent()).toBe(
      '60',
    );
    expect(await page.locator('tr[data-sku="CRI-RHU"] [data-on-hand]').textContent()).toBe('3');

    await drainOutbox(t);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    expect(await figure('trucks')).toBe(trucksBefore + 1);
    expect(await figure('tonnes')).toBeCloseTo(tonnesBefore + 0.382, 3);
    expect(await page.locator('[data-pending]').getAttribute('data-pending')).toBe('0');
    expect(await page.locator('#summary').textContent()).toMatch(/^As of .* trucks have been/);
    expect(await page.locator('.chart rect').count()).toBeGreaterThanOrEqual(12);
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });
    expect(statSync(`${ARTIFACTS}dashboard.png`).size).toBeGreaterThan(10_000);
  });

  it('shows a short line next to its shortage and records nothing', async () => {
    await page.goto(`${base}/app/dispatches/new`);
    await page.getByLabel('Destination').selectOption('TJ');
    await page.getByLabel('Truck plate').fill('02 B 456 CD');
    await page.getByLabel('Item, line 1').selectOption('CRI-RHU');
    await page.getByLabel('Quantity, line 1').fill('4');
    await page.getByRole('button', { name: 'Record the dispatch' }).click();
    await page.waitForLoadState();
    expect(await page.locator('[data-shortage="CRI-RHU"]').textContent()).toBe(
      'Short: 3 on hand, 4 asked for.',
    );
    expect(await page.getByLabel('Quantity, line 1').inputValue()).toBe('4');
    await page.screenshot({ path: `${ARTIFACTS}dispatch-shortage.png`, fullPage: true });
    expect(await dispatchCount()).toBe(1);
  });

  it('shows a coordinator no forms that write, refuses a forged one, and speaks Russian', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/app/login?signedOut=1`);
    const coordinator = await webUser(t, 'coordinator', 'Nodira');
    await signInByKeyboard(coordinator.name, coordinator.password);

    const writeForms = async () =>
      (
        await page
          .locator('form[method="post"]')
          .evaluateAll((forms) => forms.map((f) => (f as HTMLFormElement).getAttribute('action')))
      ).filter((action) => action !== '/app/language' && action !== '/app/logout');
    expect(await page.getByRole('link', { name: 'Record a dispatch' }).count()).toBe(0);
    for (const path of ['/app', '/app/stock', '/app/dispatches', '/app/receipts']) {
      await page.goto(`${base}${path}`);
      expect(await writeForms()).toEqual([]);
    }
    await page.getByRole('link', { name: 'Dispatches', exact: true }).click();
    await page.getByRole('link', { name: /^TMZ-/ }).first().click();
    expect(await page.locator('h1').textContent()).toMatch(/^Dispatch TMZ-/);
    expect(await writeForms()).toEqual([]);

    // A forged POST with the coordinator's own, valid CSRF token: refused by role.
    const forged = await page.evaluate(async () => {
      const csrf = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
      const response = await fetch('/app/dispatches', {
        method: 'POST',
        body: new URLSearchParams({
          _csrf: csrf,
          idempotencyKey: 'forged',
          destination: 'AF',
          truckPlate: '01 A 123 BC',
          sku: 'CRI-BLANKET-HT',
          quantity: '1',
        }),
      });
      return { status: response.status, text: await response.text() };
    });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('Not allowed for your role');
    expect(await dispatchCount()).toBe(1);

    // A coordinator builds last week's report from its page and opens it.
    await page.getByRole('link', { name: 'Weekly reports' }).click();
    expect(await page.locator('h1').textContent()).toBe('Weekly reports');
    expect(await page.getByLabel('Week starting on Monday').inputValue()).toMatch(
      /^\d{4}-\d{2}-\d{2}$/,
    );
    await page.getByRole('button', { name: 'Build the report' }).click();
    await page.waitForURL(/\/app\/reports\?week=/);
    const job = new URL(page.url()).searchParams.get('job')!;
    await waitForReportJob(t, `/api/reports/weekly/jobs/${job}`);
    await page.reload();
    await page.screenshot({ path: `${ARTIFACTS}reports.png`, fullPage: true });
    await page.getByRole('link', { name: 'Open it' }).click();
    expect(await page.locator('h1').textContent()).toMatch(/^Weekly dispatch summary/);
    expect(await page.locator('svg rect.bar').count()).toBe(12);

    await page.goto(`${base}/app`);
    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('button', { name: 'Switch' }).click();
    await page.waitForURL(`${base}/app`);
    expect(await page.locator('html').getAttribute('lang')).toBe('ru');
    expect(await page.locator('h1').textContent()).toBe('Обзор');
    expect(await page.locator('main').textContent()).toContain('Отправлено грузовиков');
    expect(await page.getByRole('link', { name: 'Запасы' }).count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}dashboard-ru.png`, fullPage: true });
    // Remembered: after signing out and in again, still Russian.
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.waitForURL(/\/app\/login/);
    expect(await page.locator('h1').textContent()).toBe('Вход');
    await page.getByLabel('Имя').fill(coordinator.name);
    await page.getByLabel('Пароль').fill(coordinator.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL(`${base}/app`);
    expect(await page.locator('h1').textContent()).toBe('Обзор');
  });
});
