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
});
