import { randomUUID } from 'node:crypto';
import { counts, dispatchBody, ledgerMismatches, onHand, receive } from '../support/fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * More requests in flight than the connection pool holds: each idempotent request keeps one
 * connection for its transaction, so a read that took a second one would leave them all waiting
 * for each other, for ever.
 */
describe('many writes at once', () => {
  const IN_FLIGHT = 45;
  let t: TestApp;
  let warehouse: string;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    warehouse = await t.createUser('warehouse');
  });
  afterAll(() => t.close());

  const post = (path: string, body: object) =>
    t.http().post(path).set(t.as(warehouse)).set('Idempotency-Key', randomUUID()).send(body);

  it(`serves ${IN_FLIGHT} idempotent dispatches, then their cancellations, all at once`, async () => {
    await receive(t, warehouse, [
      { sku: 'CRI-BLANKET-HT', quantity: 1000 },
      { sku: 'CRI-JERRYCAN-20L', quantity: 1000 },
    ]);
    const lines = [
      { sku: 'CRI-BLANKET-HT', quantity: 2 },
      { sku: 'CRI-JERRYCAN-20L', quantity: 3 },
    ];
    const dispatched = await Promise.all(
      Array.from({ length: IN_FLIGHT }, () => post('/api/dispatches', dispatchBody(lines))),
    );
    expect(dispatched.map((r) => r.status)).toEqual(Array(IN_FLIGHT).fill(201));
    expect(await onHand(t)).toMatchObject({
      'CRI-BLANKET-HT': 1000 - 2 * IN_FLIGHT,
      'CRI-JERRYCAN-20L': 1000 - 3 * IN_FLIGHT,
    });

    const cancelled = await Promise.all(
      dispatched.map((r) =>
        post(`/api/dispatches/${r.body.id}/cancel`, { reason: 'Convoy postponed' }),
      ),
    );
    expect(cancelled.map((r) => r.status)).toEqual(Array(IN_FLIGHT).fill(200));
    // The answer is the dispatch as the cancel left it, read inside the same transaction.
    expect(cancelled.every((r) => r.body.status === 'CANCELLED')).toBe(true);
    expect(await onHand(t)).toMatchObject({ 'CRI-BLANKET-HT': 1000, 'CRI-JERRYCAN-20L': 1000 });
    expect((await counts(t)).dispatches).toBe(IN_FLIGHT);
    expect(await ledgerMismatches(t)).toEqual([]);
  }, 30_000);

  it(`serves ${IN_FLIGHT} idempotent receipts and adjustments at once`, async () => {
    const responses = await Promise.all(
      Array.from({ length: IN_FLIGHT }, (_, i) =>
        i % 2
          ? post('/api/receipts', {
              reference: `GRN-${i}`,
              lines: [{ sku: 'CRI-RHU', quantity: 1 }],
            })
          : post('/api/stock/adjustments', { sku: 'CRI-RHU', delta: 1, reason: 'COUNT' }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(IN_FLIGHT).fill(201));
    expect((await onHand(t))['CRI-RHU']).toBe(IN_FLIGHT);
    expect(await ledgerMismatches(t)).toEqual([]);
  }, 30_000);

  it('mixes dispatches, receipts, adjustments and cancellations of the same items at once', async () => {
    // Dispatches queue on the hub's advisory lock before they lock levels; receipts, positive
    // adjustments and cancellations lock levels without it, negative adjustments take it too.
    // None may wait for another in a cycle, and every unit must be accounted for.
    const skus = ['CRI-BLANKET-HT', 'CRI-JERRYCAN-20L', 'CRI-BUCKET-14L'];
    await receive(
      t,
      warehouse,
      skus.map((sku) => ({ sku, quantity: 500 })),
    );
    const first = await Promise.all(
      Array.from({ length: 10 }, () =>
        post('/api/dispatches', dispatchBody(skus.map((sku) => ({ sku, quantity: 2 })))),
      ),
    );
    expect(first.map((r) => r.status)).toEqual(Array(10).fill(201));
    const shuffled = () => [...skus].sort(() => Math.random() - 0.5);
    const mixed = await Promise.all(
      Array.from({ length: IN_FLIGHT }, (_, i) => {
        switch (i % 5) {
          case 0:
            return post(`/api/dispatches/${first[i / 5].body.id}/cancel`, { reason: 'Re-planned' });
          case 1:
            return post('/api/receipts', {
              reference: `GRN-${i}`,
              lines: shuffled().map((sku) => ({ sku, quantity: 3 })),
            });
          case 2:
            return post('/api/stock/adjustments', {
              sku: skus[i % 3],
              delta: -1,
              reason: 'DAMAGED',
            });
          default:
            return post(
              '/api/dispatches',
              dispatchBody(shuffled().map((sku) => ({ sku, quantity: 1 }))),
            );
        }
      }),
    );
    expect(mixed.map((r) => r.status)).toEqual(
      Array.from({ length: IN_FLIGHT }, (_, i) => (i % 5 === 0 ? 200 : 201)),
    );
    const per = (kind: number) =>
      Array.from({ length: IN_FLIGHT }, (_, i) => i).filter((i) => i % 5 === kind);
    const levels = await onHand(t);
    for (const [n, sku] of skus.entries()) {
      const damaged = per(2).filter((i) => i % 3 === n).length;
      expect(levels[sku]).toBe(
        500 -
          2 * 10 +
          2 * per(0).length +
          3 * per(1).length -
          damaged -
          per(3).length -
          per(4).length,
      );
    }
    expect(await ledgerMismatches(t)).toEqual([]);
  }, 30_000);

  it(`serves ${IN_FLIGHT} idempotent batches of energy readings at once`, async () => {
    const hour = (i: number) => new Date(Date.UTC(2024, 4, 1, 0) + i * 3_600_000).toISOString();
    const responses = await Promise.all(
      Array.from({ length: IN_FLIGHT }, (_, i) =>
        post('/api/energy/readings', {
          system: 'TMZ-PV-1',
          readings: [{ start: hour(i), end: hour(i + 1), generatedKwh: 10 }],
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(IN_FLIGHT).fill(201));
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM energy_reading');
    expect(n).toBe(IN_FLIGHT);
  }, 30_000);
});
