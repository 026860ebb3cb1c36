import { counts, dispatchBody, receive } from '../support/fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

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
    const form = await t
      .http()
      .post('/api/dispatches')
      .set(t.as(warehouse))
      .type('form')
      .send('destination=AF&truckPlate=X');
    expect(form.status).toBe(400);
    expect(await counts(t)).toEqual(before);
  });

  it('still records a good dispatch afterwards', async () => {
    await t.http().post('/api/dispatches').set(t.as(warehouse)).send(good).expect(201);
  });
});
