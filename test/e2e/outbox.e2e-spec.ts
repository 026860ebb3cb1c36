import { ADVISORY_LOCK } from '../../src/database/advisory-locks.js';
import { dispatchBody, receive } from '../support/fixtures.js';
import { eventually } from '../support/eventually.js';
import { drainOutbox } from '../support/jobs.js';
import { startTestApp, TestApp } from '../support/test-app.js';

describe('the outbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('routes dispatch and energy events to their jobs; a statistics rebuild holds back only the dispatch events', async () => {
    const warehouse = await t.createUser('warehouse');
    await receive(t, warehouse, [{ sku: 'CRI-RHU', quantity: 10 }]);
    const stats = async () =>
      (await t.http().get('/api/stats/dispatches').set(t.as()).expect(200)).body;
    const energy = async () =>
      (
        await t
          .http()
          .get('/api/energy/reports?system=TMZ-PV-1&from=2024-05-31&to=2024-05-31')
          .set(t.as())
          .expect(200)
      ).body;

    // The lock a rebuild holds while it swaps the rollups in, on a connection of its own.
    const rebuild = t.dataSource.createQueryRunner();
    await rebuild.connect();
    try {
      await rebuild.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK.rollups]);
      await t
        .http()
        .post('/api/dispatches')
        .set(t.as(warehouse))
        .send(dispatchBody([{ sku: 'CRI-RHU', quantity: 2 }]))
        .expect(201);
      await t
        .http()
        .post('/api/energy/readings')
        .set(t.as(warehouse))
        .send({
          system: 'TMZ-PV-1',
          readings: [
            {
              start: '2024-05-31T12:00:00+05:00',
              end: '2024-05-31T13:00:00+05:00',
              generatedKwh: 412.5,
            },
          ],
        })
        .expect(201);

      const rolledUp = await eventually(async () => {
        const report = await energy();
        expect(report).toMatchObject({ pendingDays: 0, items: [{ generatedKwh: 412.5 }] });
        return report;
      });
      expect(rolledUp.items[0].readings).toBe(1);
      expect(await stats()).toMatchObject({ trucks: 0, pendingEvents: 1 });
      // Not queued either: the relay leaves the event for the rebuild, which takes it in.
      const [dispatchEvent] = await t.dataSource.query(
        'SELECT type, published_at FROM outbox_event',
      );
      expect(dispatchEvent).toEqual({ type: 'DISPATCH_RECORDED', published_at: null });
    } finally {
      await rebuild.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK.rollups]);
      await rebuild.release();
    }

    await drainOutbox(t);
    expect(await stats()).toMatchObject({ trucks: 1, tonnes: 0.322, pendingEvents: 0 });
  });
});
