import { dispatchBody, ledgerMismatches, onHand, receive } from '../support/fixtures.js';
import { drainOutbox, waitForReportJob } from '../support/jobs.js';
import { addDays, localDay } from '../../src/common/time/zoned.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { csrfOf, formKeyOf, signIn, webUser } from '../support/web.js';

/**
 * Issue 15: kits, households covered, kit lines on dispatches and load plans, over HTTP on the
 * real PostgreSQL and Redis.
 */

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

interface Coverage {
  hub: string;
  kit: string;
  householdSize: number;
  households: number;
  people: number;
  limitingItems: { sku: string; available: number; perKit: number; households: number }[];
}

/** Households a composition covers, computed here from the stock levels the API reports. */
function expectedHouseholds(stock: Record<string, number>, composition: Record<string, number>) {
  return Math.min(
    ...Object.entries(composition).map(([sku, n]) => Math.floor((stock[sku] ?? 0) / n)),
  );
}

describe('kits, households covered and load planning (issue 15)', () => {
  let t: TestApp;
  let warehouse: string;
  let coordinator: string;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.reset();
    warehouse = await t.createUser('warehouse');
    coordinator = await t.createUser('coordinator');
  });

  const coverage = async (kit = 'HH-CRI-5', key = coordinator): Promise<Coverage> =>
    (await t.http().get(`/api/stock/coverage?kit=${kit}`).set(t.as(key)).expect(200)).body;

  const stats = async () =>
    (await t.http().get('/api/stats/dispatches').set(t.as(coordinator)).expect(200)).body;

  it('seeds HH-CRI-5, readable by every key; only admins create and edit kits', async () => {
    const { body: kit } = await t
      .http()
      .get('/api/kits/HH-CRI-5')
      .set(t.as(coordinator))
      .expect(200);
    expect(kit).toMatchObject({
      code: 'HH-CRI-5',
      name: 'Household CRI kit, family of 5',
      householdSize: 5,
      version: 1,
      // 55 + 7.5 + 4 + 6.5 + 0.54 + 0.78 + 4.2 + 0.4 kg; 0.4485 m3
      weightKg: 78.92,
      volumeM3: 0.449,
    });
    expect(
      Object.fromEntries(
        kit.components.map((c: { sku: string; quantity: number }) => [c.sku, c.quantity]),
      ),
    ).toEqual(HH_CRI_5);
    const list = await t.http().get('/api/kits').set(t.as(warehouse)).expect(200);
    expect(list.body.items.map((k: { code: string }) => k.code)).toEqual(['HH-CRI-5']);
    await t.http().get('/api/kits/NOPE').set(t.as(warehouse)).expect(404);

    const body = {
      code: 'HH-CRI-7',
      name: 'Family of 7',
      householdSize: 7,
      components: [
        { sku: 'CRI-FAMILY-TENT', quantity: 1 },
        { sku: 'CRI-BLANKET-HT', quantity: 7 },
      ],
    };
    await t.http().post('/api/kits').set(t.as(warehouse)).send(body).expect(403);
    await t.http().post('/api/kits').set(t.as(coordinator)).send(body).expect(403);
    const created = await t.http().post('/api/kits').set(t.as()).send(body).expect(201);
    expect(created.body).toMatchObject({ code: 'HH-CRI-7', householdSize: 7, version: 1 });
    await t.http().post('/api/kits').set(t.as()).send(body).expect(409);
    const unknown = await t
      .http()
      .post('/api/kits')
      .set(t.as())
      .send({ ...body, code: 'K2', components: [{ sku: 'CRI-NOPE', quantity: 1 }] })
      .expect(422);
    expect(unknown.body.message).toContain('CRI-NOPE');
    for (const components of [
      [],
      [{ sku: 'CRI-RHU', quantity: 0 }],
      [{ sku: 'CRI-RHU', quantity: 1.5 }],
      [
        { sku: 'CRI-RHU', quantity: 1 },
        { sku: 'CRI-RHU', quantity: 2 },
      ],
      Array.from({ length: 51 }, (_, i) => ({ sku: `S-${i}`, quantity: 1 })),
    ]) {
      await t
        .http()
        .post('/api/kits')
        .set(t.as())
        .send({ ...body, code: 'K3', components })
        .expect(400);
    }
    await t
      .http()
      .post('/api/kits')
      .set(t.as())
      .send({ ...body, householdSize: 0 })
      .expect(400);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM kit`);
    expect(n).toBe(2);

    await t.http().patch('/api/kits/NOPE').set(t.as()).send({ name: 'x' }).expect(404);
    await t.http().patch('/api/kits/HH-CRI-7').set(t.as(warehouse)).send({ name: 'x' }).expect(403);
    const renamed = await t
      .http()
      .patch('/api/kits/HH-CRI-7')
      .set(t.as())
      .send({ name: 'Family of seven' })
      .expect(200);
    // a new name is no new composition
    expect(renamed.body).toMatchObject({ name: 'Family of seven', version: 1 });
  });

  it('covers exactly what the available stock allows, after receipts, dispatches and adjustments', async () => {
    // nothing held: 0 households, every component limiting
    let covered = await coverage();
    expect(covered).toMatchObject({ hub: 'TMZ', kit: 'HH-CRI-5', households: 0, people: 0 });
    expect(covered.limitingItems.length).toBeGreaterThanOrEqual(8);

    // everything for 40 households but solar lamps, which the hub never held
    await receive(
      t,
      warehouse,
      Object.entries(HH_CRI_5)
        .filter(([sku]) => sku !== 'CRI-SOLAR-LAMP')
        .map(([sku, n]) => ({ sku, quantity: n * 40 + 3 })),
    );
    covered = await coverage();
    expect(covered.households).toBe(0);
    expect(covered.limitingItems[0]).toEqual({
      sku: 'CRI-SOLAR-LAMP',
      name: expect.any(String),
      available: 0,
      perKit: 1,
      households: 0,
    });

    await receive(t, warehouse, [{ sku: 'CRI-SOLAR-LAMP', quantity: 100 }]);
    covered = await coverage();
    expect(covered.households).toBe(40);
    expect(covered.people).toBe(200);
    expect(covered.households).toBe(expectedHouseholds(await onHand(t), HH_CRI_5));
    // blankets and mats (203 / 5) set the number; then jerrycans (83 / 2) and a 43
    expect(covered.limitingItems.map((i) => [i.sku, i.households])).toEqual([
      ['CRI-BLANKET-HT', 40],
      ['CRI-SLEEPING-MAT', 40],
      ['CRI-JERRYCAN-20L', 41],
      ['CRI-BUCKET-14L', 43],
    ]);

    // a dispatch of 8 blankets: 5 x 40 + 3 - 8 = 195 blankets, 39 households
    await t
      .http()
      .post('/api/dispatches')
      .set(t.as(warehouse))
      .send(dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 8 }]))
      .expect(201);
    covered = await coverage();
    expect(covered.households).toBe(39);
    expect(covered.limitingItems[0]).toMatchObject({
      sku: 'CRI-BLANKET-HT',
      available: 195,
      perKit: 5,
      households: 39,
    });
    // the items that set the number, then the next two
    expect(covered.limitingItems).toHaveLength(3);

    // a damaged bucket count: 43 - 10 = 33 buckets
    await t
      .http()
      .post('/api/stock/adjustments')
      .set(t.as(warehouse))
      .send({ sku: 'CRI-BUCKET-14L', delta: -10, reason: 'DAMAGED' })
      .expect(201);
    covered = await coverage();
    expect(covered.households).toBe(33);
    expect(covered.limitingItems[0]).toMatchObject({ sku: 'CRI-BUCKET-14L', available: 33 });
    expect(covered.households).toBe(expectedHouseholds(await onHand(t), HH_CRI_5));

    // without kit: every kit, each as with kit=
    await t
      .http()
      .post('/api/kits')
      .set(t.as())
      .send({
        code: 'LAMPS-2',
        name: 'Two lamps',
        householdSize: 4,
        components: [{ sku: 'CRI-SOLAR-LAMP', quantity: 2 }],
      })
      .expect(201);
    const all = await t.http().get('/api/stock/coverage').set(t.as(warehouse)).expect(200);
    expect(all.body.hub).toBe('TMZ');
    expect(all.body.items.map((k: Coverage) => [k.kit, k.households, k.people])).toEqual([
      ['HH-CRI-5', 33, 165],
      ['LAMPS-2', 50, 200],
    ]);
    expect(all.body.items[0]).toEqual(await coverage());

    await t.http().get('/api/stock/coverage?kit=NOPE').set(t.as()).expect(422);
    await t.http().get('/api/stock/coverage?kit=a%20b').set(t.as()).expect(400);
    await t.http().get('/api/stock/coverage?hub=NOPE').set(t.as()).expect(422);
  });

  it('a kit dispatch takes exactly its components, counts its households once, and a cancellation takes them out', async () => {
    await receive(
      t,
      warehouse,
      Object.keys(HH_CRI_5).map((sku) => ({ sku, quantity: 1000 })),
    );
    const before = await onHand(t);
    const { body: dispatch } = await t
      .http()
      .post('/api/dispatches')
      .set(t.as(warehouse))
      .send(
        dispatchBody([
          { kit: 'HH-CRI-5', quantity: 10 },
          { sku: 'CRI-BLANKET-HT', quantity: 3 },
        ] as never),
      )
      .expect(201);
    expect(dispatch.kits).toEqual([{ code: 'HH-CRI-5', quantity: 10, householdSize: 5 }]);
    expect(dispatch.households).toBe(10);
    // kit lines expanded and merged with the item line of the same SKU
    const lines = Object.fromEntries(
      dispatch.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity]),
    );
    expect(lines).toEqual(
      Object.fromEntries(
        Object.entries(HH_CRI_5).map(([sku, n]) => [
          sku,
          n * 10 + (sku === 'CRI-BLANKET-HT' ? 3 : 0),
        ]),
      ),
    );
    expect(dispatch.totalWeightKg).toBe(789.2 + 4.5);
    const after = await onHand(t);
    for (const sku of Object.keys(before)) expect(before[sku] - after[sku]).toBe(lines[sku] ?? 0);
    expect(await ledgerMismatches(t)).toEqual([]);
    const { body: read } = await t
      .http()
      .get(`/api/dispatches/${dispatch.id}`)
      .set(t.as(coordinator))
      .expect(200);
    expect(read.kits).toEqual(dispatch.kits);
    expect(read.households).toBe(10);
    expect(read.lines).toEqual(dispatch.lines);

    // a second kit truck to Tajikistan, and one without kits
    const { body: second } = await t
      .http()
      .post('/api/dispatches')
      .set(t.as(warehouse))
      .send(dispatchBody([{ kit: 'HH-CRI-5', quantity: 25 }] as never, { destination: 'TJ' }))
      .expect(201);
    await t
      .http()
      .post('/api/dispatches')
      .set(t.as(warehouse))
      .send(dispatchBody([{ sku: 'CRI-SOLAR-LAMP', quantity: 5 }], { destination: 'TJ' }))
      .expect(201);
    await drainOutbox(t);
    let figures = await stats();
    expect(figures.trucks).toBe(3);
    expect(figures.households).toBe(35);
    const byDestination = (body: { destinations: { code: string; households: number }[] }) =>
      Object.fromEntries(body.destinations.map((d) => [d.code, d.households]));
    expect(byDestination(figures)).toEqual({ AF: 10, TJ: 25 });
    expect(figures.summary).toMatch(/, enough for 35 households\.$/);

    // cancelled: its households leave the statistics, its stock comes back
    await t
      .http()
      .post(`/api/dispatches/${second.id}/cancel`)
      .set(t.as(warehouse))
      .send({ reason: 'road closed' })
      .expect(200);
    await drainOutbox(t);
    figures = await stats();
    expect(figures.households).toBe(10);
    expect(byDestination(figures)).toEqual({ AF: 10, TJ: 0 });
    expect(figures.summary).toMatch(/, enough for 10 households\.$/);
    expect((await onHand(t))['CRI-FAMILY-TENT']).toBe(1000 - 10);

    // a rebuild gives the households the incremental path gave
    const households = () =>
      t.dataSource.query(`
        SELECT 'd' AS k, day::text AS period, destination_id, emergency, households::text
          FROM dispatch_rollup
        UNION ALL
        SELECT 'm', month::text, destination_id, emergency, households::text
          FROM dispatch_month_rollup
        ORDER BY 1, 2, 3, 4`);
    const incremental = await households();
    expect(incremental.length).toBeGreaterThan(0);
    await t.dataSource.query('UPDATE dispatch_rollup SET households = households + 7');
    await t.dataSource.query('UPDATE dispatch_month_rollup SET households = households + 7');
    const { body: job } = await t.http().post('/api/stats/rebuild').set(t.as()).expect(202);
    const { eventually } = await import('../support/eventually.js');
    await eventually(async () => {
      const { body } = await t.http().get(`/api/stats/rebuild/${job.jobId}`).set(t.as());
      expect(body.state).toBe('completed');
    });
    expect(await households()).toEqual(incremental);
    expect(await stats()).toEqual(figures);
  });

  it('the weekly report counts the households of its week and says so in words', async () => {
    await receive(
      t,
      warehouse,
      Object.keys(HH_CRI_5).map((sku) => ({ sku, quantity: 1000 })),
    );
    // a Monday 7 to 13 days ago, hub time: a week that has ended
    const today = localDay(new Date(), 'Asia/Tashkent');
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
    const weekStart = addDays(today, -weekday - 7);
    await t
      .http()
      .post('/api/dispatches')
      .set(t.as(warehouse))
      .send(
        dispatchBody([{ kit: 'HH-CRI-5', quantity: 40 }] as never, {
          dispatchedAt: `${addDays(weekStart, 2)}T10:00:00+05:00`,
        }),
      )
      .expect(201);
    const accepted = await t
      .http()
      .post('/api/reports/weekly')
      .set(t.as(coordinator))
      .send({ weekStart })
      .expect(202);
    await waitForReportJob(t, accepted.body.jobUrl);
    const { body: report } = await t
      .http()
      .get(`/api/reports/weekly/${weekStart}`)
      .set(t.as())
      .expect(200);
    expect(report.households).toBe(40);
    expect(report.destinations).toEqual([expect.objectContaining({ code: 'AF', households: 40 })]);
    expect(report.cumulative.summary).toMatch(/, enough for 40 households\.$/);
    const md = await t
      .http()
      .get(`/api/reports/weekly/${weekStart}?format=md`)
      .set(t.as())
      .expect(200);
    expect(md.text).toMatch(
      /\*\*1 truck left the hub this week with \d+\.\d t \(\d+\.\d m³\) of relief items, enough for 40 households\./,
    );
  });

  it('a kit edit applies from then on and never changes an earlier dispatch', async () => {
    await receive(
      t,
      warehouse,
      Object.keys(HH_CRI_5).map((sku) => ({ sku, quantity: 1000 })),
    );
    const send = (quantity: number) =>
      t
        .http()
        .post('/api/dispatches')
        .set(t.as(warehouse))
        .send(dispatchBody([{ kit: 'HH-CRI-5', quantity }] as never))
        .expect(201);
    const { body: first } = await send(2);
    const { body: edited } = await t
      .http()
      .patch('/api/kits/HH-CRI-5')
      .set(t.as())
      .send({
        householdSize: 6,
        components: [
          { sku: 'CRI-FAMILY-TENT', quantity: 1 },
          { sku: 'CRI-BLANKET-HT', quantity: 6 },
        ],
      })
      .expect(200);
    expect(edited).toMatchObject({ householdSize: 6, version: 2 });
    expect(edited.components).toHaveLength(2);

    const { body: again } = await t
      .http()
      .get(`/api/dispatches/${first.id}`)
      .set(t.as())
      .expect(200);
    expect(again.lines).toEqual(first.lines);
    expect(again.kits).toEqual([{ code: 'HH-CRI-5', quantity: 2, householdSize: 5 }]);
    expect(again.totalWeightKg).toBe(first.totalWeightKg);

    const { body: later } = await send(3);
    expect(later.kits).toEqual([{ code: 'HH-CRI-5', quantity: 3, householdSize: 6 }]);
    expect(
      Object.fromEntries(
        later.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity]),
      ),
    ).toEqual({ 'CRI-FAMILY-TENT': 3, 'CRI-BLANKET-HT': 18 });
    const versions = await t.dataSource.query(
      `SELECT kit_version FROM dispatch_kit ORDER BY kit_version`,
    );
    expect(versions).toEqual([{ kit_version: 1 }, { kit_version: 2 }]);
    // coverage follows the new composition: 1,000 - 2 - 3 tents, (1,000 - 10 - 18) / 6 blankets
    expect((await coverage()).households).toBe(Math.floor((1000 - 10 - 18) / 6));
  });

  it('refuses malformed or unknown kit lines with a 4xx, and writes nothing', async () => {
    await receive(t, warehouse, [{ sku: 'CRI-BLANKET-HT', quantity: 100 }]);
    const snapshot = () =>
      t.dataSource.query(
        `SELECT (SELECT count(*) FROM dispatch)::int AS d, (SELECT count(*) FROM stock_movement)::int AS m,
                (SELECT count(*) FROM outbox_event)::int AS o, (SELECT count(*) FROM dispatch_kit)::int AS k`,
      );
    const before = await snapshot();
    const post = (lines: unknown[]) =>
      t
        .http()
        .post('/api/dispatches')
        .set(t.as(warehouse))
        .send(dispatchBody(lines as never));
    for (const lines of [
      [{ sku: 'CRI-BLANKET-HT', kit: 'HH-CRI-5', quantity: 1 }],
      [{ quantity: 1 }],
      [{ kit: 'HH-CRI-5', quantity: 0 }],
      [{ kit: 'HH-CRI-5', quantity: -2 }],
      [{ kit: 'HH-CRI-5', quantity: 1.5 }],
      [{ kit: 'HH CRI 5', quantity: 1 }],
      [{ kit: 5, quantity: 1 }],
      [
        { kit: 'HH-CRI-5', quantity: 1 },
        { kit: 'HH-CRI-5', quantity: 2 },
      ],
    ]) {
      const response = await post(lines);
      expect([response.status, JSON.stringify(lines)]).toEqual([400, JSON.stringify(lines)]);
    }
    const unknown = await post([{ kit: 'NO-KIT', quantity: 1 }]).expect(422);
    expect(unknown.body.unknownKits).toEqual(['NO-KIT']);
    // 1,000,000,000 kits of 5 blankets: 5,000,000,000 blankets
    const huge = await post([{ kit: 'HH-CRI-5', quantity: 1_000_000_000 }]).expect(422);
    expect(huge.body.code).toBe('lines.tooLarge');
    // the components are short: 409 listing them, nothing taken
    const short = await post([{ kit: 'HH-CRI-5', quantity: 1 }]).expect(409);
    expect(short.body.shortages.map((s: { sku: string }) => s.sku)).toContain('CRI-FAMILY-TENT');
    expect(await snapshot()).toEqual(before);
  });

  it('plans loads: 1,000 HH-CRI-5 kits take 6 semi-trailers, volume binding', async () => {
    const plan = async (body: object, key = coordinator) =>
      t.http().post('/api/plans/load').set(t.as(key)).send(body);
    const { body } = await await plan({ lines: [{ kit: 'HH-CRI-5', quantity: 1000 }] });
    expect(body).toMatchObject({
      trucks: 6,
      lowerBound: 6,
      bindingConstraint: 'volume',
      tonnes: 78.92,
      volumeM3: 448.5,
      truck: { payloadKg: 22000, volumeM3: 82 },
    });
    expect(body.note).toMatch(/^6 trucks: volume binds \(448\.5 m3 \/ 82 m3 = 5\.47/);
    const kits = body.loads.reduce(
      (sum: number, load: { kits: { quantity: number }[] }) => sum + load.kits[0].quantity,
      0,
    );
    expect(kits).toBe(1000);
    for (const load of body.loads) {
      expect(load.weightKg).toBeLessThanOrEqual(22000);
      expect(load.volumeM3).toBeLessThanOrEqual(82);
      expect(load.loadFactor.volume).toBeLessThanOrEqual(1);
    }
    const blankets = body.loads
      .flatMap((l: { lines: { sku: string; quantity: number }[] }) => l.lines)
      .filter((l: { sku: string }) => l.sku === 'CRI-BLANKET-HT')
      .reduce((s: number, l: { quantity: number }) => s + l.quantity, 0);
    expect(blankets).toBe(5000);

    // the truck given; a warehouse key may plan too
    const small = await plan(
      {
        lines: [{ sku: 'CRI-PLASTIC-SHEET', quantity: 1000 }],
        truck: { payloadKg: 2000, volumeM3: 26 },
      },
      warehouse,
    );
    expect(small.status).toBe(200);
    expect(small.body).toMatchObject({ trucks: 3, bindingConstraint: 'weight' });

    for (const bad of [
      { lines: [] },
      { lines: [{ sku: 'CRI-RHU', quantity: 0 }] },
      { lines: [{ sku: 'CRI-RHU', kit: 'HH-CRI-5', quantity: 1 }] },
      { lines: Array.from({ length: 101 }, (_, i) => ({ sku: `S-${i}`, quantity: 1 })) },
      { lines: [{ sku: 'CRI-RHU', quantity: 1 }], truck: { payloadKg: 0, volumeM3: 82 } },
      { lines: [{ sku: 'CRI-RHU', quantity: 1 }], truck: { payloadKg: 22000 } },
    ]) {
      expect((await plan(bad)).status).toBe(400);
    }
    expect((await plan({ lines: [{ sku: 'CRI-NOPE', quantity: 1 }] })).status).toBe(422);
    expect((await plan({ lines: [{ kit: 'NO-KIT', quantity: 1 }] })).status).toBe(422);
    const tooBig = await plan({
      lines: [{ sku: 'CRI-RHU', quantity: 1 }],
      truck: { payloadKg: 100, volumeM3: 82 },
    });
    expect([tooBig.status, tooBig.body.code]).toEqual([422, 'plan.unitTooLarge']);
    const tooMany = await plan({ lines: [{ sku: 'CRI-RHU', quantity: 1_000_000 }] });
    expect([tooMany.status, tooMany.body.code]).toEqual([422, 'plan.tooLarge']);
    await t.http().post('/api/plans/load').send({ lines: [] }).expect(401);
  });

  it('web: households per kit on the dashboard and stock page, kit lines and a load plan on the dispatch form', async () => {
    const clerk = await webUser(t, 'warehouse', 'Kit Clerk');
    await receive(
      t,
      clerk.apiKey,
      Object.entries(HH_CRI_5).map(([sku, n]) => ({ sku, quantity: n * 300 })),
    );
    const agent = await signIn(t, clerk.name, clerk.password);
    const dashboard = await agent.get('/app').expect(200);
    expect(dashboard.text).toContain('Households covered');
    expect(dashboard.text).toMatch(/<tr data-kit="HH-CRI-5" data-households="300">/);
    expect(dashboard.text).toContain('data-limiting="CRI-BLANKET-HT"');

    // 300 kits: 134.55 m3, 2 semi-trailers by volume
    const stock = await agent.get('/app/stock').expect(200);
    expect(stock.text).toContain('300 households = 2 semi-trailers');
    expect(stock.text).toContain('data-trucks="2"');

    // the form offers kits; "Plan the load" shows the plan and records nothing
    const form = await agent.get('/app/dispatches/new').expect(200);
    expect(form.text).toContain('<option value="kit:HH-CRI-5"');
    const fields = {
      _csrf: csrfOf(form.text),
      idempotencyKey: formKeyOf(form.text),
      destination: 'AF',
      truckPlate: '01 A 123 BC',
      sku: ['kit:HH-CRI-5', 'CRI-RHU'],
      quantity: ['1000', '20'],
    };
    const planned = await agent
      .post('/app/dispatches')
      .type('form')
      .send({ ...fields, plan: '1' });
    expect(planned.status).toBe(200);
    // 1,000 kits and 20 RHUs: 471.1 m3 over 82 m3, 6 trucks at least
    expect(planned.text).toMatch(/data-plan-trucks="(6|7)"/);
    expect(planned.text).toContain('volume sets the number (at least 6)');
    const [{ n: none }] = await t.dataSource.query('SELECT count(*)::int AS n FROM dispatch');
    expect(none).toBe(0);

    // recorded: the kit line is expanded, the dispatch keeps the kit
    const recorded = await agent
      .post('/app/dispatches')
      .type('form')
      .send({ ...fields, sku: ['kit:HH-CRI-5'], quantity: ['12'] })
      .expect(303);
    const id = /\/app\/dispatches\/([0-9a-f-]{36})/.exec(recorded.headers.location)![1];
    const { body } = await t.http().get(`/api/dispatches/${id}`).set(t.as()).expect(200);
    expect(body.kits).toEqual([{ code: 'HH-CRI-5', quantity: 12, householdSize: 5 }]);
    expect(body.lines).toHaveLength(8);
    const page = await agent.get(`/app/dispatches/${id}`).expect(200);
    expect(page.text).toContain('12 × HH-CRI-5 (households of 5)');

    // Russian labels
    await agent
      .post('/app/language')
      .type('form')
      .send({ _csrf: csrfOf(stock.text), language: 'ru' });
    const ru = await agent.get('/app/stock').expect(200);
    expect(ru.text).toContain('Обеспечено семей');
  });
});
