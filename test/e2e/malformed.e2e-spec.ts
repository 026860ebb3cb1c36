import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { FAILED_SIGN_INS_ALLOWED } from '../../src/web/login-limit.js';
import { counts, dispatchBody, importCsv, receive } from '../support/fixtures.js';
import { HEADER } from '../support/history.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { csrfOf, formKeyOf, signIn, webUser } from '../support/web.js';

type Case = [name: string, body: unknown, status?: number];

const line = { sku: 'CRI-BLANKET-HT', quantity: 1 };
const good = dispatchBody([line]);
const lines = (...l: unknown[]) => ({ ...good, lines: l });

const dispatchCases: Case[] = [
  ['quantity zero', lines({ ...line, quantity: 0 })],
  ['quantity negative', lines({ ...line, quantity: -5 })],
  ['quantity fractional', lines({ ...line, quantity: 1.5 })],
  ['quantity huge', lines({ ...line, quantity: 1e12 })],
  ['quantity a string', lines({ ...line, quantity: '5' })],
  ['quantity null', lines({ ...line, quantity: null })],
  ['quantity missing', lines({ sku: line.sku })],
  ['no lines', lines()],
  ['lines not an array', { ...good, lines: { sku: 'CRI-RHU', quantity: 1 } }],
  [
    '101 lines',
    lines(...Array.from({ length: 101 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 }))),
  ],
  ['a SKU twice', lines(line, line)],
  ['sku a number', lines({ sku: 42, quantity: 1 })],
  ['unknown field on a line', lines({ ...line, colour: 'red' })],
  ['a line that is not an object', lines('CRI-BLANKET-HT')],
  ['unknown SKU', lines({ sku: 'CRI-NOPE', quantity: 1 }), 422],
  ['unknown destination', { ...good, destination: 'ZZ' }, 422],
  ['unknown hub', { ...good, hub: 'NOPE' }, 422],
  ['missing truck plate', { destination: 'AF', lines: [line] }],
  ['blank truck plate', { ...good, truckPlate: '   ' }],
  ['truck plate a number', { ...good, truckPlate: 12345 }],
  ['missing destination', { truckPlate: 'X 1', lines: [line] }],
  ['unknown field', { ...good, priority: 'high' }],
  ['10,000-character driver name', { ...good, driverName: 'x'.repeat(10_000) }],
  ['10,000-character emergency', { ...good, emergency: 'x'.repeat(10_000) }],
  ['impossible date', { ...good, dispatchedAt: '2024-02-30T10:00:00+05:00' }],
  ['date without offset', { ...good, dispatchedAt: '2024-05-31T10:00:00' }],
  ['date as text', { ...good, dispatchedAt: 'yesterday' }],
  [
    'date 40 days ago',
    { ...good, dispatchedAt: new Date(Date.now() - 40 * 86_400_000).toISOString() },
    422,
  ],
  [
    'date in the future',
    { ...good, dispatchedAt: new Date(Date.now() + 86_400_000).toISOString() },
    422,
  ],
  ['negative weighbridge', { ...good, cargoWeightKg: -100 }],
  ['weighbridge a string', { ...good, cargoWeightKg: '9000' }],
  ['waybill with spaces', { ...good, waybillNo: 'TMZ 1' }],
  ['a JSON array', [good]],
  ['JSON null', null],
  ['a JSON string', 'dispatch please'],
];

const receiptCases: Case[] = [
  ['receipt without reference', { lines: [line] }],
  ['receipt quantity zero', { reference: 'R', lines: [{ ...line, quantity: 0 }] }],
  ['receipt quantity a string', { reference: 'R', lines: [{ ...line, quantity: 'ten' }] }],
  ['receipt a SKU twice', { reference: 'R', lines: [line, line] }],
  ['receipt unknown SKU', { reference: 'R', lines: [{ sku: 'NOPE', quantity: 1 }] }, 422],
  ['receipt 10,000-character reference', { reference: 'r'.repeat(10_000), lines: [line] }],
  [
    'receipt impossible date',
    { reference: 'R', receivedAt: '2024-13-01T00:00:00Z', lines: [line] },
  ],
  ['receipt unknown field', { reference: 'R', lines: [line], approvedBy: 'me' }],
];

describe('malformed dispatch and receipt bodies', () => {
  let t: TestApp;
  let warehouse: string;
  beforeAll(async () => {
    t = await startTestApp();
    await t.reset();
    warehouse = await t.createUser('warehouse');
    await receive(t, warehouse, [{ sku: 'CRI-BLANKET-HT', quantity: 100 }]);
  });
  afterAll(() => t.close());

  it.each([
    ...dispatchCases.map(([n, b, s]) => ['/api/dispatches', n, b, s] as const),
    ...receiptCases.map(([n, b, s]) => ['/api/receipts', n, b, s] as const),
  ])('%s: %s gets a 4xx and writes nothing', async (path, _name, body, status) => {
    const before = await counts(t);
    const response = await t
      .http()
      .post(path)
      .set(t.as(warehouse))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));
    expect(response.status).toBe(status ?? 400);
    expect(response.body).toMatchObject({
      statusCode: response.status,
      message: expect.anything(),
    });
    expect(await counts(t)).toEqual(before);
  });

  it('not JSON at all gets 400 and writes nothing', async () => {
    const before = await counts(t);
    for (const raw of ['{"destination": "AF", "lines": [', 'destination=AF', '\u0000\u0001']) {
      const response = await t
        .http()
        .post('/api/dispatches')
        .set(t.as(warehouse))
        .set('Content-Type', 'application/json')
        .send(raw);
      expect(response.status).toBe(400);
    }
    expect(await counts(t)).toEqual(before);
  });

  it('still records a good dispatch afterwards', async () => {
    await t.http().post('/api/dispatches').set(t.as(warehouse)).send(good).expect(201);
  });
});

/** No workers: nothing relays or folds in the background while rows are counted. */
const NO_WORKERS = { APP_ROLE: 'api' };

/** Bodies sent as written: exponents stay exponents, nesting is not built as objects first. */
const raw = (t: TestApp, path: string, body: string, apiKey?: string, type = 'application/json') =>
  t.http().post(path).set(t.as(apiKey)).set('Content-Type', type).send(body);

/** A body's JSON with one more member written as is. */
const withRaw = (body: object, member: string) => `${JSON.stringify(body).slice(0, -1)},${member}}`;

const messages = (response: { body: { message?: unknown } }) =>
  ([] as unknown[]).concat(response.body.message).join('; ');

describe('input no route can take (issue 13)', () => {
  let t: TestApp;
  let warehouse: string;
  const reading = { start: '2024-05-01T10:00:00+05:00', end: '2024-05-01T11:00:00+05:00' };
  beforeAll(async () => {
    t = await startTestApp(NO_WORKERS);
    await t.reset();
    warehouse = await t.createUser('warehouse');
    await receive(t, warehouse, [{ sku: 'CRI-BLANKET-HT', quantity: 100 }]);
    await t
      .http()
      .post('/api/energy/systems')
      .set(t.as())
      .send({ code: 'TMZ-PV-9', name: 'Test array', capacityKwp: 10 })
      .expect(201);
  });
  afterAll(() => t.close());

  /** Sends, expects the status and a message naming `names`, and that nothing was written. */
  async function refused(
    send: () => PromiseLike<{ status: number; body: { message?: unknown } }>,
    status: number,
    ...names: (string | RegExp)[]
  ) {
    const before = await counts(t);
    const response = await send();
    expect({ status: response.status, body: response.body }).toMatchObject({
      status,
      body: { statusCode: status, message: expect.anything() },
    });
    for (const name of names) expect(messages(response)).toMatch(name);
    expect(await counts(t)).toEqual(before);
  }

  describe('a NUL character (PostgreSQL cannot store it) is 400 naming the field', () => {
    it('in a string field of a body', async () => {
      await refused(
        () =>
          t
            .http()
            .post('/api/dispatches')
            .set(t.as(warehouse))
            .send({ ...good, driverName: 'a\u0000b' }),
        400,
        /driverName must not contain a NUL/,
      );
      await refused(
        () =>
          t
            .http()
            .post('/api/receipts')
            .set(t.as(warehouse))
            .send({ reference: 'GRN\u0000', lines: [line] }),
        400,
        /reference must not contain a NUL/,
      );
      await refused(
        () =>
          t
            .http()
            .post('/api/dispatches')
            .set(t.as(warehouse))
            .send(lines({ ...line, sku: '\u0000' })),
        400,
        /lines\.0\.sku must not contain a NUL/,
      );
    });

    it('in a path parameter or a query', async () => {
      await refused(
        () => t.http().get('/api/items/%00').set(t.as()),
        400,
        /sku must not contain a NUL/,
      );
      await refused(
        () => t.http().get('/api/dispatches?emergency=a%00b').set(t.as()),
        400,
        /emergency must not contain a NUL/,
      );
      const cursor = Buffer.from(JSON.stringify(['2024-01-01T00:00:00Z', 'a\u0000'])).toString(
        'base64url',
      );
      await refused(
        () => t.http().get(`/api/dispatches?cursor=${cursor}`).set(t.as()),
        400,
        /cursor/,
      );
    });

    it('in a CSV cell, naming its line', async () => {
      const csv = `${HEADER}\nTMZ-H-1,2024-01-10T09:00:00+05:00,AF,01 A 123 BC,CRI-BLANKET-HT,5,,Af\u0000ghanistan\n`;
      await refused(() => importCsv(t, warehouse, csv), 400, /NUL character on line 2/);
      const readings = `system,start,end,generated_kwh\nTMZ-PV-9\u0000,${reading.start},${reading.end},1\n`;
      await refused(
        () => raw(t, '/api/energy/readings', readings, warehouse, 'text/csv'),
        400,
        /NUL character on line 2/,
      );
    });

    it('and a lone surrogate, which would be stored as U+FFFD', async () => {
      await refused(
        () => raw(t, '/api/dispatches', withRaw(good, '"driverName":"\\ud800"'), warehouse),
        400,
        /driverName must be well-formed Unicode/,
      );
    });
  });

  describe('JSON nested deeper than any body is 400 before it is parsed into objects', () => {
    it.each([
      ['[ x 5,000', '['.repeat(5000) + ']'.repeat(5000)],
      ['{"a": x 3,000', '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)],
      ['[ x 2,000,000', '['.repeat(2_000_000)],
    ])('%s', async (_name, body) => {
      // 2 MB of brackets is over every route's body limit but the readings' (5 MB): 413 unread
      const overLimit = (path: string) =>
        body.length > 256 * 1024 && path !== '/api/energy/readings';
      for (const path of ['/api/dispatches', '/api/items', '/api/energy/readings', '/api/users']) {
        if (overLimit(path)) await refused(() => raw(t, path, body), 413, /256 KB limit/);
        else await refused(() => raw(t, path, body), 400, /nested more than 8 levels/);
      }
      // The idempotency layer hashes the body before any pipe: it must never see such a body.
      await refused(
        () => raw(t, '/api/dispatches', body, warehouse).set('Idempotency-Key', 'deep-1'),
        overLimit('/api/dispatches') ? 413 : 400,
        overLimit('/api/dispatches') ? /limit/ : /nested/,
      );
    });
  });

  describe('a number written with an exponent is validated as the number it is', () => {
    const item = '{"sku":"X-EXP","name":"x","unit":"piece","unitVolumeM3":1,"unitWeightKg":';
    const readings = (kwh: string) =>
      `{"system":"TMZ-PV-9","readings":[{"start":"${reading.start}","end":"${reading.end}","generatedKwh":${kwh}}]}`;
    it.each([
      [
        'unitWeightKg 1e-7',
        '/api/items',
        `${item}1e-7}`,
        /unitWeightKg must be a number with at most 6 decimals/,
      ],
      [
        'cargoWeightKg 5e-7',
        '/api/dispatches',
        withRaw(good, '"cargoWeightKg":5e-7'),
        /cargoWeightKg must be a number with at most 3 decimals/,
      ],
      [
        'generatedKwh 1e-7',
        '/api/energy/readings',
        readings('1e-7'),
        /readings\.0\.generatedKwh must be a number with at most 6 decimals/,
      ],
      [
        'generatedKwh 1.5e-7',
        '/api/energy/readings',
        readings('1.5e-7'),
        /readings\.0\.generatedKwh must be a number with at most 6 decimals/,
      ],
      [
        'capacityKwp 1e-7',
        '/api/energy/systems',
        '{"code":"PV-EXP","name":"x","capacityKwp":1e-7}',
        /capacityKwp must be a number with at most 3 decimals/,
      ],
    ])('%s is 400', async (_name, path, body, message) => {
      await refused(
        () =>
          raw(
            t,
            path,
            body,
            path === '/api/items' || path === '/api/energy/systems' ? undefined : warehouse,
          ),
        400,
        message,
      );
    });

    it('and one that is whole still counts (1e3 generated kWh)', async () => {
      const response = await raw(t, '/api/energy/readings', readings('1e3'), warehouse);
      expect(response.status).toBe(201);
    });
  });

  describe('arrays are measured before their elements are validated', () => {
    it('an array of arrays where a DTO expects objects is 400', async () => {
      await refused(
        () => raw(t, '/api/dispatches', JSON.stringify(lines([line])), warehouse),
        400,
        /lines\.0 must be an object/,
      );
      await refused(
        () =>
          raw(t, '/api/receipts', JSON.stringify({ reference: 'R', lines: [[line]] }), warehouse),
        400,
        /lines\.0 must be an object/,
      );
      await refused(
        () =>
          raw(
            t,
            '/api/energy/readings',
            JSON.stringify({ system: 'TMZ-PV-9', readings: [[{ ...reading, generatedKwh: 1 }]] }),
            warehouse,
          ),
        400,
        /readings\.0 must be an object/,
      );
    });

    it('1,000 bad lines get the one error that matters, not 1,000 more', async () => {
      const bad = Array.from({ length: 1000 }, (_, i) => ({ sku: `S-${i}`, quantity: 0 }));
      const response = await raw(t, '/api/dispatches', JSON.stringify(lines(...bad)), warehouse);
      expect(response.status).toBe(400);
      expect(response.body.message).toEqual(['lines must contain no more than 100 elements']);
    });

    it("100,000 lines are refused from the body's length, before a byte is read", async () => {
      const many = Array.from({ length: 100_000 }, (_, i) => ({ sku: `S-${i}`, quantity: 1 }));
      await refused(
        () =>
          raw(t, '/api/dispatches', JSON.stringify(lines(...many)), warehouse).set(
            'Idempotency-Key',
            'many-1',
          ),
        413,
        'The request body is over the 256 KB limit of POST /api/dispatches',
      );
    });

    /** `count` readings of the test system, one an hour; the last starts at `lastStart`. */
    const readingsBody = (count: number, lastStart = reading.start) =>
      JSON.stringify({
        system: 'TMZ-PV-9',
        readings: Array.from({ length: count }, (_, i) => ({
          ...reading,
          ...(i === count - 1 ? { start: lastStart } : {}),
          generatedKwh: 1,
        })),
      });

    it('an array over 20,000 elements is refused by the body parser, on the route whose limit lets it in', async () => {
      // an array the DTO does not name (readings themselves are counted to 10,000: below)
      const body = JSON.stringify({
        system: 'TMZ-PV-9',
        readings: [{ ...reading, generatedKwh: 1, extra: Array(20_001).fill(reading) }],
      });
      expect(body.length).toBeGreaterThan(1024 * 1024);
      await refused(
        () => raw(t, '/api/energy/readings', body, warehouse),
        400,
        /An array in the JSON body has more than 20000 elements/,
      );
    });

    it('19,999 readings are counted before they are parsed, let alone walked', async () => {
      // Cut short, so that a body parsed before it is counted would be malformed JSON.
      const body = readingsBody(19_999).slice(0, -100);
      const response = await raw(t, '/api/energy/readings', body, warehouse);
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('readings must contain no more than 10000 elements');
      // and, whole, before its values are walked: a NUL in the last reading is not what it names
      const withNul = readingsBody(19_999, `${reading.start}\u0000`);
      const walked = await raw(t, '/api/energy/readings', withNul, warehouse);
      expect(walked.body.message).toBe('readings must contain no more than 10000 elements');
      // the same NUL in 10,000 readings is found, naming its reading
      await refused(
        () =>
          raw(t, '/api/energy/readings', readingsBody(10_000, `${reading.start}\u0000`), warehouse),
        400,
        /readings\.9999\.start must not contain a NUL character/,
      );
    });
  });

  describe('a body the route does not read is 415, never read as no body', () => {
    it.each([
      ['text/plain', '{}'],
      ['application/x-www-form-urlencoded', 'weekStart=2024-05-27'],
      ['application/xml', '<report/>'],
      ['text/csv', 'weekStart\n2024-05-27\n'],
    ])('%s on POST /api/reports/weekly', async (type, body) => {
      await refused(
        () => raw(t, '/api/reports/weekly', body, undefined, type),
        415,
        /application\/json/,
      );
    });

    it('a form or CSV on a route that takes JSON, and a body without a type', async () => {
      await refused(
        () =>
          raw(
            t,
            '/api/dispatches',
            'destination=AF&truckPlate=X',
            warehouse,
            'application/x-www-form-urlencoded',
          ),
        415,
        /application\/json/,
      );
      await refused(
        () => raw(t, '/api/dispatches', 'destination,truckPlate\nAF,X\n', warehouse, 'text/csv'),
        415,
        /application\/json/,
      );
      const untyped = await t
        .http()
        .post('/api/reports/weekly')
        .set(t.as())
        .set('Content-Type', '')
        .send(Buffer.from('{}'));
      expect(untyped.status).toBe(415);
    });

    it('a POST without a body still needs no type', async () => {
      await t.http().post('/api/reports/weekly').set(t.as()).expect(202);
    });
  });

  describe('a route that takes no body refuses one (400), and takes none or {}', () => {
    /** A user of its own, its id, and the key that signs as it. */
    async function someone() {
      const key = await t.createUser('coordinator');
      const me = await t.http().get('/api/users/me').set(t.as(key)).expect(200);
      return { key, id: me.body.id as string };
    }
    const signsIn = async (key: string) =>
      (await t.http().get('/api/users/me').set(t.as(key))).status === 200;

    it('rotating a key with a body rotates nothing', async () => {
      const user = await someone();
      for (const [body, type] of [
        ['{"apiKey":"rh_mine"}', 'application/json'],
        ['[]', 'application/json'],
        ['name\nx\n', 'text/csv'],
      ]) {
        const response = await raw(t, `/api/users/${user.id}/rotate-key`, body, undefined, type);
        expect({ status: response.status, message: response.body.message }).toEqual({
          status: 400,
          message: 'POST /api/users/:id/rotate-key takes no body: send none (or {})',
        });
      }
      expect(await signsIn(user.key)).toBe(true);
      // none, or {}: rotated, and the old key stops working
      const rotated = await t
        .http()
        .post(`/api/users/${user.id}/rotate-key`)
        .set(t.as())
        .expect(200);
      expect(await signsIn(user.key)).toBe(false);
      await t.http().post(`/api/users/${user.id}/rotate-key`).set(t.as()).send({}).expect(200);
      expect(await signsIn(rotated.body.apiKey)).toBe(false);
    });

    it('revoking a user with a body revokes no one', async () => {
      const user = await someone();
      const refused = await t
        .http()
        .delete(`/api/users/${user.id}`)
        .set(t.as())
        .send({ reason: 'left the team' })
        .expect(400);
      expect(messages(refused)).toBe('DELETE /api/users/:id takes no body: send none (or {})');
      expect(await signsIn(user.key)).toBe(true);
      await t.http().delete(`/api/users/${user.id}`).set(t.as()).expect(204);
      expect(await signsIn(user.key)).toBe(false);
    });

    it('a rebuild of the statistics with a body is refused; without one, or with {}, it is queued', async () => {
      const refused = await raw(t, '/api/stats/rebuild', '{"from":"2024-01-01"}');
      expect(refused.status).toBe(400);
      expect(messages(refused)).toMatch(/^POST \/api\/stats\/rebuild takes no body/);
      const queued = await t.http().post('/api/stats/rebuild').set(t.as()).expect(202);
      await t.http().post('/api/stats/rebuild').set(t.as()).send({}).expect(202);
      expect(queued.body.jobId).toEqual(expect.any(String));
    });

    it('nor does a GET take one', async () => {
      const refused = await t
        .http()
        .get('/api/users/me')
        .set(t.as())
        .set('Content-Type', 'application/json')
        .send('{"id":"someone else"}')
        .expect(400);
      expect(messages(refused)).toBe('GET /api/users/me takes no body: send none (or {})');
    });
  });

  describe('__proto__ and constructor are unknown fields like any other', () => {
    it.each([
      [
        '__proto__',
        `{"__proto__":{"isAdmin":true},${JSON.stringify(good).slice(1)}`,
        /property __proto__ should not exist/,
      ],
      [
        'constructor',
        `{"constructor":{"name":"x"},${JSON.stringify(good).slice(1)}`,
        /property constructor should not exist/,
      ],
      [
        '__proto__ on a line',
        JSON.stringify(good).replace('{"sku"', '{"__proto__":{"quantity":5},"sku"'),
        /property lines\.0\.__proto__ should not exist/,
      ],
    ])('%s', async (_name, body, message) => {
      await refused(() => raw(t, '/api/dispatches', body, warehouse), 400, message);
    });
  });
});

describe('the web app takes only what its forms send (issue 13)', () => {
  let t: TestApp;
  const logs: { msg?: string; req?: { id: string } }[] = [];
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    });
    t = await startTestApp(NO_WORKERS, pino({ level: 'info' }, stream));
    await t.reset();
  });
  afterAll(() => t.close());

  /** A signed-in warehouse user's agent, and the adjustment form's CSRF token and key. */
  async function adjustmentForm(name: string) {
    const user = await webUser(t, 'warehouse', name);
    const agent = await signIn(t, user.name, user.password);
    const page = await agent.get('/app/adjustments').expect(200);
    return { agent, csrf: csrfOf(page.text), key: formKeyOf(page.text) };
  }

  it('a JSON body on a form is a page (400 or the CSRF 403), never a 500', async () => {
    const login = await t.http().post('/app/login').send({ _csrf: 1 });
    expect(login.status).toBe(400);
    expect(login.headers['content-type']).toMatch(/^text\/html/);
    const { agent, csrf, key } = await adjustmentForm('Json Sender');
    const before = await counts(t);
    const forged = await agent.post('/app/adjustments').send({ _csrf: 1 });
    expect(forged.status).toBe(403);
    const typed = await agent
      .post('/app/adjustments')
      .send({ _csrf: csrf, idempotencyKey: key, sku: 'CRI-BLANKET-HT', delta: 5, reason: 'COUNT' });
    expect(typed.status).toBe(400);
    expect(typed.headers['content-type']).toMatch(/^text\/html/);
    expect(typed.text).toContain('The form field &quot;delta&quot; must be sent once, as text');
    expect(await counts(t)).toEqual(before);
  });

  it('a field sent twice is a 400 page naming it, and nothing is recorded', async () => {
    const { agent, csrf, key } = await adjustmentForm('Twice Sender');
    const before = await counts(t);
    const form = (extra: string) =>
      `_csrf=${csrf}&idempotencyKey=${key}&sku=CRI-BLANKET-HT&delta=5&reason=COUNT&${extra}`;
    const twice = await agent.post('/app/adjustments').type('form').send(form('delta=500'));
    expect(twice.status).toBe(400);
    expect(twice.text).toContain('The form field &quot;delta&quot; must be sent once');
    const nul = await agent.post('/app/adjustments').type('form').send(form('note=a%00b'));
    expect(nul.status).toBe(400);
    expect(nul.text).toContain('note must not contain a NUL character');
    expect(await counts(t)).toEqual(before);
  });

  it('a name sent twice at sign-in is 400, and counts towards the lockout of the first', async () => {
    const locked = await webUser(t, 'warehouse', 'Locked Out');
    const agent = request.agent(t.app.getHttpServer());
    const csrf = csrfOf((await agent.get('/app/login').expect(200)).text);
    const signInAs = (names: string[], password: string) =>
      agent
        .post('/app/login')
        .type('form')
        .send(
          [
            `_csrf=${csrf}`,
            ...names.map((n) => `name=${encodeURIComponent(n)}`),
            `password=${encodeURIComponent(password)}`,
          ].join('&'),
        );
    for (let i = 0; i < FAILED_SIGN_INS_ALLOWED; i += 1) {
      await signInAs([locked.name], `guess ${i}`).expect(401);
    }
    // The doubled name used to be keyed on no name at all: ten more guesses, and more after.
    await signInAs([locked.name, 'x'], locked.password).expect(429);

    const doubled = await webUser(t, 'warehouse', 'Doubled Name');
    for (let i = 0; i < FAILED_SIGN_INS_ALLOWED; i += 1) {
      const page = await signInAs([doubled.name, `x${i}`], doubled.password).expect(400);
      expect(page.text).toContain('The form field &quot;name&quot; must be sent once');
    }
    await signInAs([doubled.name], doubled.password).expect(429);
  });

  it('the sign-in form carries where to go next, or the dashboard, never "undefined"', async () => {
    for (const query of ['', '?next=a&next=b', '?next=https://evil.example']) {
      const page = await t.http().get(`/app/login${query}`).expect(200);
      expect(page.text).toContain('name="next" value="/app"');
      expect(page.text).not.toContain('undefined');
    }
    const page = await t.http().get('/app/login?next=/app/stock').expect(200);
    expect(page.text).toContain('name="next" value="/app/stock"');
  });

  it('logs every request once, under its request id', async () => {
    const paths = [
      '/app/login',
      '/app',
      '/app/stock',
      '/app/no-such-page',
      '/api/items',
      '/nowhere',
    ];
    for (const [i, path] of paths.entries()) {
      await t.http().get(path).set('X-Request-Id', `log-once-${i}`);
    }
    await t
      .http()
      .post('/app/login')
      .set('X-Request-Id', 'log-once-post')
      .type('form')
      .send('name=x');
    await t
      .http()
      .post('/api/dispatches')
      .set('X-Request-Id', 'log-once-bad-json')
      .set('Content-Type', 'application/json')
      .send('{');
    const ids = [...paths.map((_, i) => `log-once-${i}`), 'log-once-post', 'log-once-bad-json'];
    const completed = (id: string) =>
      logs.filter(
        (line) => line.req?.id === id && /^request (completed|errored)$/.test(line.msg ?? ''),
      ).length;
    expect(Object.fromEntries(ids.map((id) => [id, completed(id)]))).toEqual(
      Object.fromEntries(ids.map((id) => [id, 1])),
    );
  });
});
