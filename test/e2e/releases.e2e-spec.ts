import { randomUUID } from 'node:crypto';
import { addDays, localDay, mondayOf } from '../../src/common/time/zoned.js';
import { dispatchBody, ledgerMismatches, receive } from '../support/fixtures.js';
import { waitForReportJob } from '../support/jobs.js';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app.js';
import { csrfOf, formKeyOf, signIn, webUser } from '../support/web.js';

/**
 * Issue 16: release orders and reservations, over HTTP on the real PostgreSQL and Redis. Every
 * race ends with the ledger's invariants checked (see `expectInvariants`).
 */

const TENT = 'CRI-FAMILY-TENT';
const BLANKET = 'CRI-BLANKET-HT';
const LAMP = 'CRI-SOLAR-LAMP';

/** HH-CRI-5 as seeded (SPEC "Kits and households covered"). */
const HH_CRI_5: Record<string, number> = {
  'CRI-BLANKET-HT': 5,
  'CRI-BUCKET-14L': 1,
  'CRI-FAMILY-TENT': 1,
  'CRI-JERRYCAN-20L': 2,
  'CRI-KITCHEN-SET-B': 1,
  'CRI-PLASTIC-SHEET': 1,
  'CRI-SLEEPING-MAT': 5,
  'CRI-SOLAR-LAMP': 1,
};

interface Level {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

describe('release orders and reservations (issue 16)', () => {
  let t: TestApp;
  let warehouse: string;
  let coordinator: string;

  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    warehouse = await t.createUser('warehouse');
    coordinator = await t.createUser('coordinator');
  });
  afterAll(() => t.close());

  const post = (path: string, apiKey: string, body: object, key: string = randomUUID()) =>
    t.http().post(path).set(t.as(apiKey)).set('Idempotency-Key', key).send(body);
  const release = (lines: object[], extra: object = {}, key?: string) =>
    post('/api/releases', coordinator, { destination: 'AF', lines, ...extra }, key);
  const dispatch = (lines: object[], extra: object = {}) =>
    post('/api/dispatches', warehouse, dispatchBody(lines as never, extra));

  async function levels(asOf?: string): Promise<Record<string, Level>> {
    const { body } = await t
      .http()
      .get(`/api/stock${asOf ? `?asOf=${asOf}` : ''}`)
      .set(t.as())
      .expect(200);
    return Object.fromEntries(body.items.map((l: Level) => [l.sku, l]));
  }

  /**
   * For each hub and item: on hand equals the sum of its movements, reserved the sum of their
   * reserved changes and the sum of the open releases' remaining quantities, and
   * 0 <= reserved <= on hand.
   */
  async function expectInvariants() {
    expect(await ledgerMismatches(t)).toEqual([]);
    const broken = await t.dataSource.query(`
      WITH levels AS (
        SELECT hub_id, item_id, on_hand, reserved FROM stock_level
      ), ledger AS (
        SELECT hub_id, item_id, sum(reserved_quantity) AS reserved FROM stock_movement
         GROUP BY hub_id, item_id
      ), promised AS (
        SELECT r.hub_id, l.item_id, sum(l.quantity - l.dispatched) AS remaining
          FROM release r JOIN release_line l ON l.release_id = r.id
         WHERE r.status IN ('OPEN', 'PARTIAL') GROUP BY r.hub_id, l.item_id
      )
      SELECT v.hub_id, v.item_id, v.on_hand, v.reserved, g.reserved AS ledger,
             p.remaining AS promised
        FROM levels v
        LEFT JOIN ledger g USING (hub_id, item_id)
        LEFT JOIN promised p USING (hub_id, item_id)
       WHERE v.reserved <> COALESCE(g.reserved, 0) OR v.reserved <> COALESCE(p.remaining, 0)
          OR v.reserved < 0 OR v.reserved > v.on_hand`);
    expect(broken).toEqual([]);
    // Promises without a level (an item never received) would be a reservation of nothing.
    const orphans = await t.dataSource.query(`
      SELECT r.hub_id, l.item_id FROM release r JOIN release_line l ON l.release_id = r.id
       WHERE r.status IN ('OPEN', 'PARTIAL') AND l.dispatched < l.quantity
         AND NOT EXISTS (SELECT 1 FROM stock_level s
                          WHERE s.hub_id = r.hub_id AND s.item_id = l.item_id)`);
    expect(orphans).toEqual([]);
  }

  it('reserves every line of a release, numbered per hub and year, with ledger rows', async () => {
    await receive(t, warehouse, [
      { sku: TENT, quantity: 50 },
      { sku: BLANKET, quantity: 200 },
    ]);
    const created = await release(
      [
        { sku: TENT, quantity: 20 },
        { sku: BLANKET, quantity: 60 },
      ],
      { emergency: 'Afghanistan earthquake', neededBy: '2026-12-15', note: 'Herat' },
    );
    expect(created.status).toBe(201);
    const year = new Date().getUTCFullYear();
    expect(created.body).toMatchObject({
      number: expect.stringMatching(new RegExp(`^REL-TMZ-(${year}|${year + 1})-0001$`)),
      hub: 'TMZ',
      destination: 'AF',
      emergency: 'Afghanistan earthquake',
      neededBy: '2026-12-15',
      status: 'OPEN',
      lines: [
        { sku: TENT, quantity: 20, dispatched: 0, remaining: 20 },
        { sku: BLANKET, quantity: 60, dispatched: 0, remaining: 60 },
      ],
    });
    expect(created.body.plan).toMatchObject({ trucks: 1 });
    const second = await release([{ sku: TENT, quantity: 1 }]);
    expect(second.body.number).toBe(created.body.number.replace(/0001$/, '0002'));

    const stock = await levels();
    expect(stock[TENT]).toMatchObject({ onHand: 50, reserved: 21, available: 29 });
    expect(stock[BLANKET]).toMatchObject({ onHand: 200, reserved: 60, available: 140 });
    const one = await t.http().get(`/api/stock/${TENT}`).set(t.as()).expect(200);
    expect(one.body).toMatchObject({ onHand: 50, reserved: 21, available: 29 });

    const movements = await t
      .http()
      .get(`/api/stock/movements?sku=${TENT}&type=RESERVED`)
      .set(t.as())
      .expect(200);
    expect(movements.body.items).toHaveLength(2);
    expect(movements.body.items[0]).toMatchObject({ type: 'RESERVED', quantity: 0 });
    expect(
      movements.body.items.map((m: { reservedQuantity: number }) => m.reservedQuantity).sort(),
    ).toEqual([1, 20]);
    await expectInvariants();
  });

  it('refuses a release beyond available stock with the shortages, and writes nothing', async () => {
    await receive(t, warehouse, [
      { sku: TENT, quantity: 10 },
      { sku: BLANKET, quantity: 10 },
    ]);
    await release([{ sku: TENT, quantity: 8 }]).expect(201);
    const before = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM release)::int AS releases,
              (SELECT count(*) FROM stock_movement)::int AS movements`,
    );
    const refused = await release([
      { sku: TENT, quantity: 3 },
      { sku: BLANKET, quantity: 11 },
    ]);
    expect(refused.status).toBe(409);
    expect(refused.body.shortages).toEqual([
      { sku: BLANKET, requested: 11, available: 10 },
      { sku: TENT, requested: 3, available: 2 },
    ]);
    const after = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM release)::int AS releases,
              (SELECT count(*) FROM stock_movement)::int AS movements`,
    );
    expect(after).toEqual(before);
    expect((await levels())[TENT]).toMatchObject({ onHand: 10, reserved: 8, available: 2 });
    await expectInvariants();
  });

  it('lets coordinators and admins create and cancel releases, not warehouse staff', async () => {
    await receive(t, warehouse, [{ sku: TENT, quantity: 10 }]);
    await post('/api/releases', warehouse, {
      destination: 'AF',
      lines: [{ sku: TENT, quantity: 1 }],
    }).expect(403);
    const made = await post('/api/releases', ADMIN_KEY, {
      destination: 'AF',
      lines: [{ sku: TENT, quantity: 1 }],
    }).expect(201);
    await post(`/api/releases/${made.body.id}/cancel`, warehouse, { reason: 'x' }).expect(403);
    await post(`/api/releases/${made.body.id}/cancel`, coordinator, {
      reason: 'Plan changed',
    }).expect(200);
    await t.http().get(`/api/releases/${made.body.id}`).set(t.as(warehouse)).expect(200);
  });

  it('60 concurrent releases of 1 unit for 10 available reserve exactly 10', async () => {
    await receive(t, warehouse, [{ sku: TENT, quantity: 10 }]);
    const responses = await Promise.all(
      Array.from({ length: 60 }, () => release([{ sku: TENT, quantity: 1 }])),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(50);
    expect((await levels())[TENT]).toMatchObject({ onHand: 10, reserved: 10, available: 0 });
    const numbers = responses.filter((r) => r.status === 201).map((r) => r.body.number);
    expect(new Set(numbers).size).toBe(10);
    await expectInvariants();
  }, 60_000);

  it('releases and dispatches without a release racing for the same units never oversell', async () => {
    await receive(t, warehouse, [{ sku: TENT, quantity: 20 }]);
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 ? release([{ sku: TENT, quantity: 1 }]) : dispatch([{ sku: TENT, quantity: 1 }]),
      ),
    );
    const won = responses.filter((r) => r.status === 201);
    expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    // Every unit went to exactly one winner: 20 units, 20 winners, none promised twice.
    expect(won).toHaveLength(20);
    const released = won.filter((r) => r.body.number).length;
    const stock = (await levels())[TENT];
    expect(stock).toEqual(
      expect.objectContaining({ onHand: released, reserved: released, available: 0 }),
    );
    expect(stock.onHand - stock.reserved).toBeGreaterThanOrEqual(0);
    await expectInvariants();
  }, 60_000);

  it('40 concurrent dispatches against one release never exceed what it holds', async () => {
    await receive(t, warehouse, [{ sku: TENT, quantity: 100 }]);
    const held = await release([{ sku: TENT, quantity: 25 }]).expect(201);
    const responses = await Promise.all(
      Array.from({ length: 40 }, () =>
        dispatch([{ sku: TENT, quantity: 1 }], { release: held.body.id }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(25);
    expect(statuses.filter((s) => s === 422)).toHaveLength(15);
    expect(responses.find((r) => r.status === 422)!.body.code).toBe('release.linesExceed');
    const after = await t.http().get(`/api/releases/${held.body.id}`).set(t.as()).expect(200);
    expect(after.body).toMatchObject({
      status: 'FULFILLED',
      lines: [{ sku: TENT, quantity: 25, dispatched: 25, remaining: 0 }],
    });
    expect(after.body.dispatches).toHaveLength(25);
    expect((await levels())[TENT]).toMatchObject({ onHand: 75, reserved: 0, available: 75 });
    await expectInvariants();
  }, 60_000);

  it('a release cancelled while trucks load against it: each unit dispatched or freed, once', async () => {
    await receive(t, warehouse, [{ sku: TENT, quantity: 30 }]);
    const held = await release([{ sku: TENT, quantity: 20 }]).expect(201);
    const responses = await Promise.all([
      ...Array.from({ length: 20 }, () =>
        dispatch([{ sku: TENT, quantity: 1 }], { release: held.body.id }),
      ),
      post(`/api/releases/${held.body.id}/cancel`, coordinator, { reason: 'Called off' }),
      // and trucks without a release, for the 10 never promised
      ...Array.from({ length: 12 }, () => dispatch([{ sku: TENT, quantity: 1 }])),
    ]);
    const againstRelease = responses.slice(0, 20).filter((r) => r.status === 201).length;
    // The cancel lands while trucks load (200), or after all 20 loaded (409: nothing left to
    // cancel) when the server happened to take every truck first; never anything else.
    const cancelled = responses[20].status === 200;
    if (!cancelled) {
      expect(responses[20].status).toBe(409);
      expect(againstRelease).toBe(20);
    }
    const unreleased = responses.slice(21).filter((r) => r.status === 201).length;
    // Once cancelled, its remaining units are available to trucks without a release.
    expect(responses.slice(0, 20).every((r) => [201, 409].includes(r.status))).toBe(true);
    expect(unreleased).toBeGreaterThanOrEqual(10);
    expect((await levels())[TENT]).toEqual(
      expect.objectContaining({ onHand: 30 - againstRelease - unreleased, reserved: 0 }),
    );
    const after = await t.http().get(`/api/releases/${held.body.id}`).set(t.as()).expect(200);
    expect(after.body).toMatchObject({
      status: cancelled ? 'CANCELLED' : 'FULFILLED',
      lines: [{ sku: TENT, dispatched: againstRelease }],
    });
    await expectInvariants();
  }, 60_000);

  it('makes a release once for a repeated idempotency key, however it is repeated', async () => {
    await receive(t, warehouse, [{ sku: TENT, quantity: 10 }]);
    const key = randomUUID();
    const lines = [{ sku: TENT, quantity: 4 }];
    const racing = await Promise.all(Array.from({ length: 5 }, () => release(lines, {}, key)));
    // One runs; a repeat while it runs is 409, after it the stored answer is replayed.
    expect(racing.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    expect(racing.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const replay = await release(lines, {}, key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const ids = new Set(racing.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids).toEqual(new Set([replay.body.id]));
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM release');
    expect(n).toBe(1);
    expect((await levels())[TENT]).toMatchObject({ reserved: 4, available: 6 });
    await release([{ sku: TENT, quantity: 5 }], {}, key).expect(422);
    await expectInvariants();
  });

  it('dispatches without a release take only unreserved stock (409, available excludes reserved)', async () => {
    await receive(t, warehouse, [{ sku: TENT, quantity: 10 }]);
    await release([{ sku: TENT, quantity: 7 }]).expect(201);
    const refused = await dispatch([{ sku: TENT, quantity: 4 }]);
    expect(refused.status).toBe(409);
    expect(refused.body.shortages).toEqual([{ sku: TENT, requested: 4, available: 3 }]);
    await dispatch([{ sku: TENT, quantity: 3 }]).expect(201);
    expect((await levels())[TENT]).toMatchObject({ onHand: 7, reserved: 7, available: 0 });
    await expectInvariants();
  });

  it('consumes a release line by line, gives a cancelled dispatch back, frees what remains on cancel', async () => {
    await receive(t, warehouse, [
      { sku: TENT, quantity: 30 },
      { sku: BLANKET, quantity: 100 },
      { sku: LAMP, quantity: 10 },
    ]);
    const held = await release([
      { sku: TENT, quantity: 10 },
      { sku: BLANKET, quantity: 50 },
    ]).expect(201);
    const id = held.body.id;

    const beyond = await dispatch([{ sku: TENT, quantity: 11 }], { release: id });
    expect(beyond.status).toBe(422);
    expect(beyond.body.lines).toEqual([{ sku: TENT, requested: 11, remaining: 10 }]);
    const offRelease = await dispatch([{ sku: LAMP, quantity: 1 }], { release: id });
    expect(offRelease.status).toBe(422);
    expect(offRelease.body.code).toBe('release.linesExceed');
    const elsewhere = await dispatch([{ sku: TENT, quantity: 1 }], {
      release: id,
      destination: 'TJ',
    });
    expect(elsewhere.status).toBe(422);
    const unknown = await dispatch([{ sku: TENT, quantity: 1 }], { release: randomUUID() });
    expect(unknown.status).toBe(422);

    const first = await dispatch([{ sku: TENT, quantity: 4 }], { release: id }).expect(201);
    expect(first.body.release).toBe(id);
    let shown = await t.http().get(`/api/releases/${id}`).set(t.as()).expect(200);
    expect(shown.body).toMatchObject({
      status: 'PARTIAL',
      lines: [
        { sku: TENT, dispatched: 4, remaining: 6 },
        { sku: BLANKET, dispatched: 0, remaining: 50 },
      ],
      dispatches: [{ id: first.body.id, waybillNo: first.body.waybillNo, status: 'DISPATCHED' }],
    });
    expect((await levels())[TENT]).toMatchObject({ onHand: 26, reserved: 6, available: 20 });

    // Cancelling that truck puts its tents back on hand and back under the release.
    await post(`/api/dispatches/${first.body.id}/cancel`, warehouse, {
      reason: 'Truck broke down',
    }).expect(200);
    shown = await t.http().get(`/api/releases/${id}`).set(t.as()).expect(200);
    expect(shown.body).toMatchObject({
      status: 'OPEN',
      lines: [
        { sku: TENT, dispatched: 0, remaining: 10 },
        { sku: BLANKET, remaining: 50 },
      ],
      dispatches: [{ id: first.body.id, status: 'CANCELLED' }],
    });
    expect((await levels())[TENT]).toMatchObject({ onHand: 30, reserved: 10, available: 20 });

    await dispatch(
      [
        { sku: TENT, quantity: 10 },
        { sku: BLANKET, quantity: 20 },
      ],
      {
        release: id,
      },
    ).expect(201);
    const kept = await dispatch([{ sku: BLANKET, quantity: 5 }], { release: id }).expect(201);

    // Cancelling the release frees the 25 blankets that remain; the dispatched stay dispatched.
    const cancelled = await post(`/api/releases/${id}/cancel`, coordinator, {
      reason: 'Needs met by another agency',
    }).expect(200);
    expect(cancelled.body).toMatchObject({
      status: 'CANCELLED',
      cancelReason: 'Needs met by another agency',
      remainingTonnes: 0,
    });
    expect((await levels())[BLANKET]).toMatchObject({ onHand: 75, reserved: 0, available: 75 });
    await post(`/api/releases/${id}/cancel`, coordinator, { reason: 'again' }).expect(409);
    const closed = await dispatch([{ sku: BLANKET, quantity: 1 }], { release: id });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('release.closed');

    // A dispatch of a cancelled release, cancelled: its stock comes back available.
    await post(`/api/dispatches/${kept.body.id}/cancel`, warehouse, { reason: 'Returned' }).expect(
      200,
    );
    expect((await levels())[BLANKET]).toMatchObject({ onHand: 80, reserved: 0, available: 80 });
    await expectInvariants();
  });

  it('refuses an adjustment below what is reserved, naming the releases that hold it', async () => {
    await receive(t, warehouse, [{ sku: TENT, quantity: 10 }]);
    const a = await release([{ sku: TENT, quantity: 4 }]).expect(201);
    const b = await release([{ sku: TENT, quantity: 3 }]).expect(201);
    const refused = await post('/api/stock/adjustments', warehouse, {
      sku: TENT,
      delta: -4,
      reason: 'LOST',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('stock.reserved');
    expect(refused.body.message).toContain(a.body.number);
    expect(refused.body.message).toContain(b.body.number);
    expect(refused.body.releases).toEqual([
      { releaseId: a.body.id, number: a.body.number, reserved: 4 },
      { releaseId: b.body.id, number: b.body.number, reserved: 3 },
    ]);
    await post('/api/stock/adjustments', warehouse, {
      sku: TENT,
      delta: -3,
      reason: 'LOST',
    }).expect(201);
    expect((await levels())[TENT]).toMatchObject({ onHand: 7, reserved: 7, available: 0 });
    await expectInvariants();
  });

  it('counts households covered from unreserved stock only, exactly', async () => {
    await receive(
      t,
      warehouse,
      Object.entries(HH_CRI_5).map(([sku, n]) => ({ sku, quantity: n * 30 })),
    );
    const coverage = async () =>
      (await t.http().get('/api/stock/coverage?kit=HH-CRI-5').set(t.as()).expect(200)).body;
    expect((await coverage()).households).toBe(30);
    await release([{ kit: 'HH-CRI-5', quantity: 12 }]).expect(201);
    expect((await coverage()).households).toBe(18);
    // 3 more lamps reserved: lamps now limit, at 30 - 12 - 3 = 15.
    await release([{ sku: LAMP, quantity: 3 }]).expect(201);
    const now = await coverage();
    expect(now.households).toBe(15);
    expect(now.limitingItems[0]).toMatchObject({ sku: LAMP, available: 15, households: 15 });
    await expectInvariants();
  });

  it('reports the pipeline per destination and emergency in tonnes, volume, households, trucks', async () => {
    await receive(
      t,
      warehouse,
      Object.entries(HH_CRI_5).map(([sku, n]) => ({ sku, quantity: n * 100 })),
    );
    await receive(t, warehouse, [{ sku: 'CRI-RHU', quantity: 10 }]);
    const quake = await release([{ kit: 'HH-CRI-5', quantity: 40 }], {
      emergency: 'Earthquake',
    }).expect(201);
    await release([{ sku: 'CRI-RHU', quantity: 2 }], {
      destination: 'TJ',
      emergency: 'Floods',
    }).expect(201);
    // Half of the quake release leaves: 20 households' kits remain.
    await dispatch([{ kit: 'HH-CRI-5', quantity: 20 }], { release: quake.body.id }).expect(201);

    const { body } = await t.http().get('/api/stats/pipeline').set(t.as()).expect(200);
    const { body: plan } = await t
      .http()
      .post('/api/plans/load')
      .set(t.as())
      .send({ lines: Object.entries(HH_CRI_5).map(([sku, n]) => ({ sku, quantity: n * 20 })) })
      .expect(200);
    const { body: rhu } = await t
      .http()
      .post('/api/plans/load')
      .set(t.as())
      .send({ lines: [{ sku: 'CRI-RHU', quantity: 2 }] })
      .expect(200);
    const quakeGroup = body.groups.find((g: { destination: string }) => g.destination === 'AF');
    expect(quakeGroup).toEqual({
      destination: 'AF',
      destinationName: expect.any(String),
      emergency: 'Earthquake',
      releases: 1,
      tonnes: plan.tonnes,
      volumeM3: plan.volumeM3,
      households: 20,
      trucks: plan.trucks,
    });
    expect(body.groups.find((g: { destination: string }) => g.destination === 'TJ')).toMatchObject({
      emergency: 'Floods',
      releases: 1,
      tonnes: rhu.tonnes,
      households: 0,
      trucks: rhu.trucks,
    });
    expect(body).toMatchObject({
      hub: 'TMZ',
      releases: 2,
      households: 20,
      trucks: plan.trucks + rhu.trucks,
    });
    expect(body.tonnes).toBeCloseTo(plan.tonnes + rhu.tonnes, 3);
    // Yesterday nothing was promised yet.
    const yesterday = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const before = await t
      .http()
      .get(`/api/stats/pipeline?asOf=${yesterday}`)
      .set(t.as())
      .expect(200);
    expect(before.body).toMatchObject({ asOf: yesterday, releases: 0, tonnes: 0, groups: [] });
    // Reserved "as of" a day is answerable from the ledger too.
    const past = await levels(yesterday);
    expect(past[TENT]).toMatchObject({ onHand: 0, reserved: 0 });
  });

  it("puts the pipeline at the week's end in the weekly report, from the ledger", async () => {
    await receive(t, warehouse, [{ sku: TENT, quantity: 40 }]);
    const lastWeek = addDays(mondayOf(localDay(new Date(), 'Asia/Tashkent')), -7);
    const early = await release([{ sku: TENT, quantity: 10 }], { emergency: 'Quake' }).expect(201);
    // As if reserved on the Wednesday of last week (a release is made now; its ledger row dated).
    await t.dataSource.query(
      `UPDATE stock_movement SET occurred_at = $2 WHERE release_id = $1 AND type = 'RESERVED'`,
      [early.body.id, `${addDays(lastWeek, 2)}T10:00:00+05:00`],
    );
    await release([{ sku: TENT, quantity: 5 }], { destination: 'TJ' }).expect(201);
    // Dispatched now, after that week: still promised at its end.
    await dispatch([{ sku: TENT, quantity: 4 }], { release: early.body.id }).expect(201);
    const accepted = await post('/api/reports/weekly', coordinator, { weekStart: lastWeek }).expect(
      202,
    );
    await waitForReportJob(t, accepted.body.jobUrl);
    const { body: report } = await t
      .http()
      .get(`/api/reports/weekly/${lastWeek}`)
      .set(t.as())
      .expect(200);
    expect(report.pipeline).toEqual({
      releases: 1,
      tonnes: 0.55,
      volumeM3: expect.any(Number),
      households: 0,
      trucks: 1,
      groups: [expect.objectContaining({ destination: 'AF', emergency: 'Quake', releases: 1 })],
    });
    const md = await t
      .http()
      .get(`/api/reports/weekly/${lastWeek}?format=md`)
      .set(t.as())
      .expect(200);
    expect(md.text).toContain('## Pipeline');
    expect(md.text).toContain('At the end of the week 1 open release order promised 0.6 t (');
    const html = await t
      .http()
      .get(`/api/reports/weekly/${lastWeek}?format=html`)
      .set(t.as())
      .expect(200);
    expect(html.text).toContain('<h2>Pipeline</h2>');
    // Now: 6 tents of the early release and the 5 of the other remain.
    const now = await t.http().get('/api/stats/pipeline').set(t.as()).expect(200);
    expect(now.body).toMatchObject({ releases: 2, tonnes: 0.605 });
  });

  it('lists releases with filters, newest first', async () => {
    await receive(t, warehouse, [{ sku: TENT, quantity: 10 }]);
    const a = await release([{ sku: TENT, quantity: 1 }], { emergency: 'Quake' }).expect(201);
    const b = await release([{ sku: TENT, quantity: 1 }], { destination: 'TJ' }).expect(201);
    await post(`/api/releases/${b.body.id}/cancel`, coordinator, { reason: 'x' }).expect(200);
    const all = await t.http().get('/api/releases').set(t.as()).expect(200);
    expect(all.body.items.map((r: { id: string }) => r.id)).toEqual([b.body.id, a.body.id]);
    const open = await t.http().get('/api/releases?status=OPEN').set(t.as()).expect(200);
    expect(open.body.items.map((r: { id: string }) => r.id)).toEqual([a.body.id]);
    const tj = await t.http().get('/api/releases?destination=TJ').set(t.as()).expect(200);
    expect(tj.body.items.map((r: { id: string }) => r.id)).toEqual([b.body.id]);
    const quake = await t.http().get('/api/releases?emergency=Quake').set(t.as()).expect(200);
    expect(quake.body.items.map((r: { id: string }) => r.id)).toEqual([a.body.id]);
    await t.http().get('/api/releases?status=NOPE').set(t.as()).expect(400);
    await t.http().get(`/api/releases/${randomUUID()}`).set(t.as()).expect(404);
  });

  it('web: a coordinator creates a release, warehouse staff dispatch against it with the form filled in', async () => {
    await receive(t, warehouse, [
      { sku: TENT, quantity: 30 },
      { sku: BLANKET, quantity: 100 },
    ]);
    const planner = await webUser(t, 'coordinator', 'Web planner');
    const coordinatorWeb = await signIn(t, planner.name, planner.password);
    const form = await coordinatorWeb.get('/app/releases/new').expect(200);
    const posted = await coordinatorWeb
      .post('/app/releases')
      .type('form')
      .send({
        _csrf: csrfOf(form.text),
        idempotencyKey: formKeyOf(form.text),
        hub: 'TMZ',
        destination: 'AF',
        emergency: 'Winterisation',
        neededBy: '2026-12-20',
        sku: [TENT, BLANKET, ''],
        quantity: ['12', '1 000', ''],
      })
      .expect(409);
    const planned = await coordinatorWeb
      .post('/app/releases')
      .type('form')
      .send({
        _csrf: csrfOf(form.text),
        idempotencyKey: formKeyOf(form.text),
        hub: 'TMZ',
        destination: 'AF',
        sku: ['kit:HH-CRI-5'],
        quantity: ['1000'],
        plan: '1',
      })
      .expect(200);
    // "Plan the load" shows the trucks (1,000 kits: 6, as POST /api/plans/load says), reserves nothing.
    expect(planned.text).toContain('data-plan-trucks="6"');
    expect((await levels())[TENT]).toMatchObject({ reserved: 0 });
    // 1 000 blankets (as typed) are more than the 100 available: 409, shown beside the line,
    // nothing reserved.
    expect(posted.text).toContain('data-shortage="CRI-BLANKET-HT"');
    expect((await levels())[BLANKET]).toMatchObject({ reserved: 0 });
    const created = await coordinatorWeb
      .post('/app/releases')
      .type('form')
      .send({
        _csrf: csrfOf(posted.text),
        idempotencyKey: formKeyOf(posted.text),
        hub: 'TMZ',
        destination: 'AF',
        emergency: 'Winterisation',
        sku: [TENT, BLANKET],
        quantity: ['12', '40'],
      })
      .expect(303);
    const id = /\/app\/releases\/([0-9a-f-]{36})/.exec(created.headers.location)![1];
    const page = await coordinatorWeb.get(created.headers.location).expect(200);
    expect(page.text).toContain('data-done="created"');
    expect(page.text).toContain(`/app/releases/${id}/cancel`);
    expect(page.text).not.toContain('data-dispatch-against');
    const stockPage = await coordinatorWeb.get('/app/stock').expect(200);
    expect(stockPage.text).toMatch(
      /data-sku="CRI-FAMILY-TENT">.*data-on-hand="30".*data-reserved="12".*data-available="18"/,
    );
    const dashboard = await coordinatorWeb.get('/app').expect(200);
    expect(dashboard.text).toContain('data-figure="pipeline-releases" data-value="1"');

    const clerk = await webUser(t, 'warehouse', 'Web clerk');
    const clerkWeb = await signIn(t, clerk.name, clerk.password);
    const shown = await clerkWeb.get(`/app/releases/${id}`).expect(200);
    expect(shown.text).toContain(`href="/app/dispatches/new?release=${id}"`);
    expect(shown.text).not.toContain(`/app/releases/${id}/cancel`);
    const filled = await clerkWeb.get(`/app/dispatches/new?release=${id}`).expect(200);
    expect(filled.text).toContain(`name="release" value="${id}"`);
    expect(filled.text).toMatch(/<option value="AF"[^>]*selected/);
    expect(filled.text).toContain('value="Winterisation"');
    expect(filled.text).toMatch(/value="CRI-FAMILY-TENT"[^>]*selected/);
    expect(filled.text).toContain('id="quantity-0" name="quantity" inputmode="numeric" value="12"');
    expect(filled.text).toContain('id="quantity-1" name="quantity" inputmode="numeric" value="40"');
    await clerkWeb
      .post('/app/dispatches')
      .type('form')
      .send({
        _csrf: csrfOf(filled.text),
        idempotencyKey: formKeyOf(filled.text),
        hub: 'TMZ',
        release: id,
        destination: 'AF',
        truckPlate: '01 A 777 AA',
        sku: [TENT, BLANKET],
        quantity: ['12', '30'],
      })
      .expect(303);
    const after = await t.http().get(`/api/releases/${id}`).set(t.as()).expect(200);
    expect(after.body).toMatchObject({
      status: 'PARTIAL',
      lines: [
        { sku: TENT, remaining: 0 },
        { sku: BLANKET, remaining: 10 },
      ],
    });
    expect(after.body.dispatches).toHaveLength(1);
    const list = await clerkWeb.get('/app/releases?status=PARTIAL').expect(200);
    expect(list.text).toContain(`data-release="${id}"`);
    await clerkWeb.get('/app/releases/new').expect(403);
    await expectInvariants();
  });
});
