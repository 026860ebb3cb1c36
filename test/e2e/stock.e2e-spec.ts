import { counts, ledgerMismatches, onHand, receive } from '../support/fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

describe('stock ledger: receipts, adjustments, levels', () => {
  let t: TestApp;
  let warehouse: string;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    warehouse = await t.createUser('warehouse', 'Aziz');
  });
  afterAll(() => t.close());

  it('a receipt of 100 blankets makes onHand 100, with a RECEIPT movement naming the user', async () => {
    const receipt = await receive(t, warehouse, [{ sku: 'CRI-BLANKET-HT', quantity: 100 }], {
      source: 'Dubai stockpile',
    });
    expect(receipt).toMatchObject({
      hub: 'TMZ',
      source: 'Dubai stockpile',
      lines: [{ sku: 'CRI-BLANKET-HT', quantity: 100 }],
      recordedBy: { name: 'Aziz' },
    });
    const level = await t.http().get('/api/stock/CRI-BLANKET-HT').set(t.as()).expect(200);
    expect(level.body).toEqual({
      sku: 'CRI-BLANKET-HT',
      name: 'Blanket, high thermal, 150x200 cm',
      unit: 'piece',
      onHand: 100,
      reserved: 0,
      available: 100,
      weightKg: 150,
      volumeM3: 1.17,
    });
    const movements = await t
      .http()
      .get('/api/stock/movements?sku=CRI-BLANKET-HT')
      .set(t.as())
      .expect(200);
    expect(movements.body.items).toEqual([
      expect.objectContaining({
        type: 'RECEIPT',
        quantity: 100,
        receiptId: receipt.id,
        recordedBy: expect.objectContaining({ name: 'Aziz' }),
      }),
    ]);
    const fetched = await t.http().get(`/api/receipts/${receipt.id}`).set(t.as()).expect(200);
    expect(fetched.body).toEqual(receipt);
    const list = await t.http().get('/api/receipts').set(t.as()).expect(200);
    expect(list.body.items).toEqual([receipt]);
  });

  it('adjusts stock up and down but never below zero', async () => {
    const opening = await t
      .http()
      .post('/api/stock/adjustments')
      .set(t.as(warehouse))
      .send({ sku: 'CRI-RHU', delta: 12, reason: 'OPENING_BALANCE' })
      .expect(201);
    expect(opening.body).toMatchObject({
      sku: 'CRI-RHU',
      delta: 12,
      onHand: 12,
      reason: 'OPENING_BALANCE',
    });
    const damaged = await t
      .http()
      .post('/api/stock/adjustments')
      .set(t.as(warehouse))
      .send({ sku: 'CRI-RHU', delta: -2, reason: 'DAMAGED', note: 'forklift' })
      .expect(201);
    expect(damaged.body).toMatchObject({ onHand: 10, note: 'forklift' });
    const tooMuch = await t
      .http()
      .post('/api/stock/adjustments')
      .set(t.as(warehouse))
      .send({ sku: 'CRI-RHU', delta: -11, reason: 'LOST' })
      .expect(409);
    expect(tooMuch.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'Insufficient stock of CRI-RHU',
      code: 'stock.insufficient',
      shortages: [{ sku: 'CRI-RHU', requested: 11, available: 10 }],
    });
    const removing = await t
      .http()
      .post('/api/stock/adjustments')
      .set(t.as(warehouse))
      .send({ sku: 'CRI-RHU', delta: -1, reason: 'OPENING_BALANCE' })
      .expect(422);
    expect(removing.body).toMatchObject({
      message: 'An OPENING_BALANCE adjustment must add stock',
      code: 'adjustment.openingMustAdd',
    });
    for (const bad of [
      { sku: 'CRI-RHU', delta: 0, reason: 'COUNT' },
      { sku: 'CRI-RHU', delta: 1.5, reason: 'COUNT' },
      { sku: 'CRI-RHU', delta: 1, reason: 'THEFT' },
      { sku: 'CRI-RHU', delta: 1 },
    ]) {
      await t.http().post('/api/stock/adjustments').set(t.as(warehouse)).send(bad).expect(400);
    }
    await t
      .http()
      .post('/api/stock/adjustments')
      .set(t.as(warehouse))
      .send({ sku: 'NOPE', delta: 1, reason: 'COUNT' })
      .expect(422);
    expect((await onHand(t))['CRI-RHU']).toBe(10);
    expect(await ledgerMismatches(t)).toEqual([]);
  });

  it("stock as of yesterday and today differ exactly by today's movements", async () => {
    const now = new Date();
    const yesterday = new Date(now.getTime() - 86_400_000);
    await receive(t, warehouse, [{ sku: 'CRI-JERRYCAN-20L', quantity: 500 }], {
      receivedAt: yesterday.toISOString(),
    });
    await receive(t, warehouse, [
      { sku: 'CRI-JERRYCAN-20L', quantity: 70 },
      { sku: 'CRI-BUCKET-14L', quantity: 30 },
    ]);
    await t
      .http()
      .post('/api/stock/adjustments')
      .set(t.as(warehouse))
      .send({ sku: 'CRI-JERRYCAN-20L', delta: -20, reason: 'COUNT' })
      .expect(201);
    const tz = 'Asia/Tashkent';
    const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(d);
    const before = await onHand(t, day(yesterday));
    const after = await onHand(t, day(now));
    const movements = await t
      .http()
      .get(`/api/stock/movements?from=${day(now)}&to=${day(now)}`)
      .set(t.as())
      .expect(200);
    const todays: Record<string, number> = {};
    for (const m of movements.body.items) todays[m.sku] = (todays[m.sku] ?? 0) + m.quantity;
    expect(todays).toEqual({ 'CRI-JERRYCAN-20L': 50, 'CRI-BUCKET-14L': 30 });
    for (const sku of Object.keys(after)) {
      expect(after[sku] - before[sku]).toBe(todays[sku] ?? 0);
    }
    expect(after).toEqual(await onHand(t));
  });

  it('refuses receipts outside the recording window and bad filters', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    for (const receivedAt of [old, future]) {
      const r = await t
        .http()
        .post('/api/receipts')
        .set(t.as(warehouse))
        .send({ reference: 'x', receivedAt, lines: [{ sku: 'CRI-RHU', quantity: 1 }] })
        .expect(422);
      expect(r.body.message).toMatch(/receivedAt/);
    }
    await t.http().get('/api/stock?asOf=2024-02-30').set(t.as()).expect(400);
    await t.http().get('/api/stock?asOf=yesterday').set(t.as()).expect(400);
    await t.http().get('/api/stock?hub=NOPE').set(t.as()).expect(422);
    await t.http().get('/api/stock/NOPE').set(t.as()).expect(404);
    await t.http().get('/api/stock/movements?type=THEFT').set(t.as()).expect(400);
    expect(await counts(t)).toMatchObject({ receipts: 0, movements: 0, onHand: 0 });
  });

  it('lets coordinators read stock but not write it', async () => {
    const coordinator = await t.createUser('coordinator');
    await t.http().get('/api/stock').set(t.as(coordinator)).expect(200);
    await t
      .http()
      .post('/api/receipts')
      .set(t.as(coordinator))
      .send({ reference: 'x', lines: [{ sku: 'CRI-RHU', quantity: 1 }] })
      .expect(403);
    await t
      .http()
      .post('/api/stock/adjustments')
      .set(t.as(coordinator))
      .send({ sku: 'CRI-RHU', delta: 1, reason: 'COUNT' })
      .expect(403);
    expect(await counts(t)).toMatchObject({ receipts: 0, movements: 0 });
  });
});
