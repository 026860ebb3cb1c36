import request from 'supertest';
import { FAILED_SIGN_INS_ALLOWED } from '../../src/web/login-limit.js';
import { toLocalInput } from '../../src/web/format.js';
import { dispatchBody, onHand, receive } from '../support/fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { csrfOf, formKeyOf, signIn, webUser } from '../support/web.js';

// The web app over plain HTTP: sign-in, sessions, CSRF and roles, and the pages that say why.
describe('web app over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('sends a browser without a session to sign in, and back where it was going', async () => {
    const page = await t.http().get('/app/stock?asOf=2024-05-31').expect(303);
    expect(page.headers.location).toBe('/app/login?next=%2Fapp%2Fstock%3FasOf%3D2024-05-31');
    await t.http().get('/app').expect(303).expect('Location', '/app/login');
    // The web app sits beside the API, not under it; the API still wants its key.
    expect((await t.http().get('/api/app').expect(404)).body).toMatchObject({ statusCode: 404 });
    await t.http().get('/api/items').expect(401);
  });

  it('answers a wrong password with a clear page, and signs in with the right one', async () => {
    const user = await webUser(t, 'warehouse', 'Gulnora');
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/app/login').expect(200);
    expect(form.headers['content-type']).toMatch(/^text\/html/);
    expect(form.text).toContain('<label for="name">Name</label>');
    expect(form.text).toContain('<label for="password">Password</label>');
    const wrong = await agent
      .post('/app/login')
      .type('form')
      .send({ _csrf: csrfOf(form.text), name: user.name, password: 'not the password' })
      .expect(401);
    expect(wrong.text).toContain('Wrong name or password.');
    expect(wrong.text).toContain('value="Gulnora"');
    // Unknown names and users without a password get the same answer.
    await webUser(t, 'coordinator', 'NoPassword');
    await t.dataSource.query(`UPDATE "user" SET password_hash = NULL WHERE name = 'NoPassword'`);
    for (const name of ['Nobody', 'NoPassword']) {
      const page = await agent
        .post('/app/login')
        .type('form')
        .send({ _csrf: csrfOf(form.text), name, password: 'a long web password' })
        .expect(401);
      expect(page.text).toContain('Wrong name or password.');
    }
    const ok = await agent
      .post('/app/login')
      .type('form')
      .send({
        _csrf: csrfOf(form.text),
        name: user.name,
        password: user.password,
        next: '/app/stock',
      })
      .expect(303)
      .expect('Location', '/app/stock');
    const cookie = (ok.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('rh_session='),
    )!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/app/);
    const token = /^rh_session=([^;]+)/.exec(cookie)![1];
    // Only the token's hash is stored.
    const rows = await t.dataSource.query('SELECT token_hash FROM web_session');
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    const stock = await agent.get('/app/stock').expect(200);
    expect(stock.text).toContain('Signed in as Gulnora, warehouse staff');
  });

  it("refuses a form without the CSRF token, or with another session's, with a clear 403 page", async () => {
    const user = await webUser(t, 'warehouse', 'Bekzod');
    const other = await webUser(t, 'warehouse', 'Other');
    await receive(t, user.apiKey, [{ sku: 'CRI-BLANKET-HT', quantity: 10 }]);
    const agent = await signIn(t, user.name, user.password);
    const otherAgent = await signIn(t, other.name, other.password);
    const form = await agent.get('/app/adjustments').expect(200);
    const body = {
      idempotencyKey: formKeyOf(form.text),
      sku: 'CRI-BLANKET-HT',
      delta: '-1',
      reason: 'DAMAGED',
    };
    const missing = await agent.post('/app/adjustments').type('form').send(body).expect(403);
    expect(missing.text).toContain('This form cannot be accepted');
    const foreign = csrfOf((await otherAgent.get('/app').expect(200)).text);
    await agent
      .post('/app/adjustments')
      .type('form')
      .send({ ...body, _csrf: foreign })
      .expect(403);
    // The sign-in form is protected too (double submit: its token must match its cookie).
    const login = await request(t.app.getHttpServer())
      .post('/app/login')
      .type('form')
      .send({ name: user.name, password: user.password })
      .expect(403);
    expect(login.text).toContain('This form cannot be accepted');
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM stock_movement WHERE type = 'ADJUSTMENT'`,
    );
    expect(n).toBe(0);
    // With the token, it records.
    await agent
      .post('/app/adjustments')
      .type('form')
      .send({ ...body, _csrf: csrfOf(form.text) })
      .expect(303);
  });

  it('ends a session after its idle time, and when the password is set again, with a clear page', async () => {
    const user = await webUser(t, 'coordinator', 'Malika');
    const agent = await signIn(t, user.name, user.password);
    await agent.get('/app').expect(200);
    await t.dataSource.query(`UPDATE web_session SET expires_at = now() - interval '1 minute'`);
    const ended = await agent.get('/app').expect(401);
    expect(ended.text).toContain('Your session has ended');
    expect(ended.text).toContain('href="/app/login"');
    expect((await t.dataSource.query('SELECT * FROM web_session')).length).toBe(0);
    // A form sent after the session ended gets the same page, not a 500.
    const posted = await agent.post('/app/logout').type('form').send({ _csrf: 'x' }).expect(401);
    expect(posted.text).toContain('Your session has ended');

    const again = await signIn(t, user.name, user.password);
    await again.get('/app').expect(200);
    await t
      .http()
      .post(`/api/users/${user.id}/password`)
      .set(t.as())
      .send({ password: 'a brand new password' })
      .expect(204);
    expect((await again.get('/app').expect(401)).text).toContain('Your session has ended');
  });

  it('shows a coordinator no forms that write and refuses a forged one with 403', async () => {
    const user = await webUser(t, 'coordinator', 'Coordinator');
    const agent = await signIn(t, user.name, user.password);
    const dashboard = await agent.get('/app').expect(200);
    expect(dashboard.text).not.toContain('/app/dispatches/new');
    const token = csrfOf(dashboard.text);
    for (const path of ['/app/dispatches', '/app/receipts', '/app/stock']) {
      const page = await agent.get(path).expect(200);
      const forms = [...page.text.matchAll(/<form[^>]* method="post" action="([^"]+)"/g)].map(
        (m) => m[1],
      );
      expect(forms.sort()).toEqual(['/app/language', '/app/logout']);
    }
    await agent.get('/app/dispatches/new').expect(403);
    await agent.get('/app/adjustments').expect(403);
    const forged = await agent
      .post('/app/dispatches')
      .type('form')
      .send({
        _csrf: token,
        idempotencyKey: 'forged-1',
        destination: 'AF',
        truckPlate: '01 A 123 BC',
        sku: 'CRI-BLANKET-HT',
        quantity: '1',
      })
      .expect(403);
    expect(forged.text).toContain('Not allowed for your role');
    expect(forged.text).toContain('You are signed in as coordinator');
    expect((await t.dataSource.query('SELECT * FROM dispatch')).length).toBe(0);
  });

  it('serves pages under 200 KB with a strict CSP, and a page for unknown paths', async () => {
    const user = await webUser(t, 'warehouse', 'Sizes');
    const agent = await signIn(t, user.name, user.password);
    for (const path of [
      '/app',
      '/app/stock',
      '/app/dispatches/new',
      '/app/dispatches',
      '/app/releases',
      '/app/receipts',
      '/app/adjustments',
      '/app/reports',
      '/app/energy',
    ]) {
      const page = await agent.get(path).expect(200);
      expect(Buffer.byteLength(page.text)).toBeLessThan(200 * 1024);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['cache-control']).toBe('no-store');
    }
    const js = await agent.get('/app/assets/app.js').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    const missing = await agent.get('/app/no-such-page').expect(404);
    expect(missing.text).toContain('Not found');
    // An id that cannot be one is the app's own "Not found" page, as one that names nothing.
    const notAnId = await agent.get('/app/dispatches/not-a-uuid').expect(404);
    expect(notAnId.text).toContain('<h1>Not found</h1>');
    const notARelease = await agent.get('/app/releases/not-a-uuid').expect(404);
    expect(notARelease.text).toContain('<h1>Not found</h1>');
    expect((await agent.get('/app/reports/not-a-week').expect(404)).text).toContain('Not found');
    await agent.get('/app/dispatches/00000000-0000-4000-8000-000000000000').expect(404);
    // The API keeps helmet's headers as they were.
    const api = await t.http().get('/api/health');
    expect(api.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it('records receipts, dispatches, deliveries and cancellations through the forms, once each', async () => {
    const user = await webUser(t, 'warehouse', 'Forms');
    const agent = await signIn(t, user.name, user.password);
    const receiptPage = await agent.get('/app/receipts').expect(200);
    const receipt = {
      _csrf: csrfOf(receiptPage.text),
      idempotencyKey: formKeyOf(receiptPage.text),
      reference: 'GRN-77',
      source: 'Dubai hub',
      sku: ['CRI-KITCHEN-SET-B', 'CRI-BUCKET-14L', ''],
      quantity: ['30', '1 000', ''],
    };
    await agent.post('/app/receipts').type('form').send(receipt).expect(303);
    await agent.post('/app/receipts').type('form').send(receipt).expect(303);
    expect(await onHand(t)).toMatchObject({ 'CRI-KITCHEN-SET-B': 30, 'CRI-BUCKET-14L': 1000 });
    expect((await agent.get('/app/receipts?done=recorded').expect(200)).text).toContain('GRN-77');

    const form = await agent.get('/app/dispatches/new').expect(200);
    const dispatch = {
      _csrf: csrfOf(form.text),
      idempotencyKey: formKeyOf(form.text),
      destination: 'KG',
      truckPlate: '01 A 123 BC',
      sku: ['CRI-KITCHEN-SET-B', 'CRI-BUCKET-14L'],
      quantity: ['10', 'many'],
    };
    const invalid = await agent.post('/app/dispatches').type('form').send(dispatch).expect(400);
    expect(invalid.text).toContain('id="quantity-1-error"');
    // One message, in the app's words (not the validator's three: whole, at least 1, at most).
    expect(invalid.text).toContain(
      '<p class="error" id="quantity-1-error">Enter a whole number, such as 1,000.</p>',
    );
    expect(invalid.text).toContain('value="many"');
    const recorded = await agent
      .post('/app/dispatches')
      .type('form')
      .send({ ...dispatch, quantity: ['10', '200'] })
      .expect(303);
    const location = recorded.headers.location as string;
    expect(location).toMatch(/^\/app\/dispatches\/[0-9a-f-]{36}\?done=recorded$/);
    // The same form with other values after it was recorded: a clear message, nothing recorded.
    const reused = await agent
      .post('/app/dispatches')
      .type('form')
      .send({ ...dispatch, quantity: ['11', '200'] })
      .expect(422);
    expect(reused.text).toContain('already sent with other values');
    expect(await onHand(t)).toMatchObject({ 'CRI-KITCHEN-SET-B': 20, 'CRI-BUCKET-14L': 800 });

    const detail = await agent.get(location).expect(200);
    expect(detail.text).toContain('The dispatch was recorded.');
    const id = location.split('/')[3].split('?')[0];
    await agent
      .post(`/app/dispatches/${id}/delivery`)
      .type('form')
      .send({
        _csrf: csrfOf(detail.text),
        idempotencyKey: formKeyOf(detail.text.slice(detail.text.indexOf('/delivery"'))),
        deliveredAt: /name="deliveredAt" type="datetime-local" value="([^"]+)"/.exec(
          detail.text,
        )![1],
        received: ['9', '200'],
        damaged: ['1', '0'],
        note: 'one set crushed',
      })
      .expect(303)
      .expect('Location', `/app/dispatches/${id}?done=delivered`);
    const after = await t.http().get(`/api/dispatches/${id}`).set(t.as()).expect(200);
    expect(after.body).toMatchObject({
      status: 'DELIVERED',
      lines: [
        { sku: 'CRI-KITCHEN-SET-B', receivedQuantity: 9, damagedQuantity: 1, missingQuantity: 0 },
        { sku: 'CRI-BUCKET-14L', receivedQuantity: 200, damagedQuantity: 0, missingQuantity: 0 },
      ],
    });

    // A second truck, cancelled from its page: the stock comes back.
    const second = await agent.get('/app/dispatches/new').expect(200);
    const secondLocation = (
      await agent
        .post('/app/dispatches')
        .type('form')
        .send({
          _csrf: csrfOf(second.text),
          idempotencyKey: formKeyOf(second.text),
          destination: 'TJ',
          truckPlate: '02 B 456 CD',
          distanceKm: '260.5',
          fuelLitres: '',
          sku: 'CRI-BUCKET-14L',
          quantity: '100',
        })
        .expect(303)
    ).headers.location as string;
    const secondPage = await agent.get(secondLocation).expect(200);
    // The distance typed on the form is the truck's own; the first truck took its route's.
    const secondApi = await t
      .http()
      .get(`/api/dispatches/${secondLocation.split('/')[3].split('?')[0]}`)
      .set(t.as())
      .expect(200);
    expect(secondApi.body.emissions).toMatchObject({
      distanceKm: 260.5,
      method: 'default',
      basis: 'given on the dispatch',
      fuelLitres: null,
    });
    expect(after.body.emissions).toMatchObject({ distanceKm: 1000, method: 'default' });
    expect(secondPage.text).toContain(`data-co2e="${secondApi.body.emissions.co2eKg}"`);
    expect(secondPage.text).toContain('over 261 km');
    const cancelForm = secondPage.text.slice(secondPage.text.indexOf('/cancel"'));
    const secondId = secondLocation.split('/')[3].split('?')[0];
    const noReason = await agent
      .post(`/app/dispatches/${secondId}/cancel`)
      .type('form')
      .send({ _csrf: csrfOf(secondPage.text), idempotencyKey: formKeyOf(cancelForm), reason: ' ' })
      .expect(400);
    expect(noReason.text).toContain('id="cancel-reason-error"');
    await agent
      .post(`/app/dispatches/${secondId}/cancel`)
      .type('form')
      .send({
        _csrf: csrfOf(secondPage.text),
        idempotencyKey: formKeyOf(cancelForm),
        reason: 'Truck broke down',
      })
      .expect(303);
    expect(await onHand(t)).toMatchObject({ 'CRI-BUCKET-14L': 800 });
    const cancelled = await agent.get(`/app/dispatches/${secondId}`).expect(200);
    expect(cancelled.text).toContain('Truck broke down');
    expect(cancelled.text).not.toContain('/cancel"');
    // Cancelling again from a stale page: a clear message, not a 500.
    const stale = await agent
      .post(`/app/dispatches/${secondId}/cancel`)
      .type('form')
      .send({ _csrf: csrfOf(secondPage.text), idempotencyKey: 'another-key', reason: 'again' })
      .expect(409);
    expect(stale.text).toContain('only a DISPATCHED dispatch can be cancelled');

    const list = await agent.get('/app/dispatches?status=CANCELLED').expect(200);
    expect(list.text).toContain('02 B 456 CD');
    expect(list.text).not.toContain('01 A 123 BC');
    const badFilter = await agent.get('/app/dispatches?from=2024-02-30').expect(400);
    expect(badFilter.text).toContain('aria-invalid="true"');
  });

  it("says the services' rules in the reader's language, beside what they concern", async () => {
    const user = await webUser(t, 'warehouse', 'Rules');
    await receive(t, user.apiKey, [{ sku: 'CRI-RHU', quantity: 10 }]);
    const agent = await signIn(t, user.name, user.password);
    const ru = { 'Accept-Language': 'ru' };
    const inTermez = (ms: number) => toLocalInput(new Date(Date.now() + ms), 'Asia/Tashkent');
    const errorOf = (html: string, id: string) =>
      new RegExp(`<p class="error" id="${id}-error"[^>]*>([^<]*)</p>`).exec(html)?.[1];

    const receipts = await agent.get('/app/receipts').set(ru).expect(200);
    const tomorrow = await agent
      .post('/app/receipts')
      .set(ru)
      .type('form')
      .send({
        _csrf: csrfOf(receipts.text),
        idempotencyKey: formKeyOf(receipts.text),
        reference: 'GRN-1',
        receivedAt: inTermez(86_400_000),
        sku: 'CRI-RHU',
        quantity: '1',
      })
      .expect(422);
    expect(errorOf(tomorrow.text, 'receivedAt')).toBe('Это время ещё не наступило.');

    const form = await agent.get('/app/dispatches/new').set(ru).expect(200);
    const short = await agent
      .post('/app/dispatches')
      .set(ru)
      .type('form')
      .send({
        _csrf: csrfOf(form.text),
        idempotencyKey: formKeyOf(form.text),
        destination: 'KG',
        truckPlate: '01 A 123 BC',
        sku: 'CRI-RHU',
        quantity: '11',
      })
      .expect(409);
    // The shortage reaches the banner at the top, in the reader's language, and its line.
    expect(short.text).toContain('Не хватает запасов по строкам: 1; ничего не записано.');
    expect(short.text).toContain(
      '<a href="#quantity-0">Строка 1, Refugee Housing Unit (Better Shelter RHU 1.2) (CRI-RHU): в наличии 10, запрошено 11.</a>',
    );
    expect(short.text).toContain(
      'data-shortage="CRI-RHU">Не хватает: в наличии 10, запрошено 11.</p>',
    );

    const adjustments = await agent.get('/app/adjustments').set(ru).expect(200);
    const adjust = (delta: string, reason: string) =>
      agent
        .post('/app/adjustments')
        .set(ru)
        .type('form')
        .send({
          _csrf: csrfOf(adjustments.text),
          idempotencyKey: `${reason}-${delta}`,
          sku: 'CRI-RHU',
          delta,
          reason,
        });
    expect(errorOf((await adjust('-11', 'LOST').expect(409)).text, 'delta')).toBe(
      'Столько нет в наличии.',
    );
    expect(errorOf((await adjust('-1', 'OPENING_BALANCE').expect(422)).text, 'delta')).toBe(
      'Начальный остаток добавляет запас: введите положительное число.',
    );

    const sent = await t
      .http()
      .post('/api/dispatches')
      .set(t.as(user.apiKey))
      .send(dispatchBody([{ sku: 'CRI-RHU', quantity: 2 }]))
      .expect(201);
    const page = await agent.get(`/app/dispatches/${sent.body.id}`).set(ru).expect(200);
    const deliveryForm = page.text.slice(page.text.indexOf('/delivery"'));
    const deliver = (deliveredAt: string, received: string) =>
      agent
        .post(`/app/dispatches/${sent.body.id}/delivery`)
        .set(ru)
        .type('form')
        .send({
          _csrf: csrfOf(page.text),
          idempotencyKey: formKeyOf(deliveryForm),
          deliveredAt,
          received,
          damaged: '0',
        });
    const early = await deliver(inTermez(-3_600_000), '2').expect(422);
    expect(errorOf(early.text, 'deliveredAt')).toBe(
      'Доставка не может быть раньше отправки машины.',
    );
    const over = await deliver(inTermez(0), '3').expect(422);
    expect(over.text).toContain('Получено и повреждено больше, чем отправлено по строке.');
    expect(await onHand(t)).toMatchObject({ 'CRI-RHU': 8 });
  });

  it('stops guessing a password after ten failed sign-ins for a name', async () => {
    const user = await webUser(t, 'warehouse', 'Guessed');
    const agent = request.agent(t.app.getHttpServer());
    const token = csrfOf((await agent.get('/app/login').expect(200)).text);
    const attempt = (password: string) =>
      agent.post('/app/login').type('form').send({ _csrf: token, name: user.name, password });
    for (let i = 0; i < FAILED_SIGN_INS_ALLOWED; i += 1) await attempt(`guess ${i}`).expect(401);
    const refused = await attempt(user.password).expect(429);
    expect(refused.text).toContain('Too many failed sign-ins');
  });
});
