import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { JobName } from '../../src/jobs/jobs.constants.js';
import { OutboxRelay } from '../../src/outbox/outbox-relay.service.js';
import { ROWS_PER_TURN } from '../../src/common/turns.js';
import { FOLD } from '../../src/stats/rollup.service.js';
import { dispatchBody, importCsv, onHand, receive } from '../support/fixtures.js';
import {
  DESTINATIONS,
  expectedStats,
  generateHistory,
  HEADER,
  HistoricalDispatch,
  random,
  toCsv,
} from '../support/history.js';
import { drainOutbox, runJob } from '../support/jobs.js';
import { freePort } from '../support/infra.js';
import { startTestApp, TestApp } from '../support/test-app.js';

interface StatsBody {
  trucks: number;
  tonnes: number;
  destinations: { code: string; trucks: number; tonnes: number }[];
  items: { sku: string; quantity: number; tonnes: number }[];
}

const shape = (body: StatsBody & { volumeM3: number }) => ({
  trucks: body.trucks,
  tonnes: body.tonnes,
  volumeM3: body.volumeM3,
  destinations: Object.fromEntries(
    body.destinations.map((d) => [d.code, { trucks: d.trucks, tonnes: d.tonnes }]),
  ),
  items: Object.fromEntries(
    body.items.map((i) => [i.sku, { quantity: i.quantity, tonnes: i.tonnes }]),
  ),
});

describe('cumulative dispatch statistics', () => {
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

  const stats = async (query = '') =>
    (await t.http().get(`/api/stats/dispatches${query}`).set(t.as()).expect(200)).body;

  it('an imported history of a thousand waybills (several statements) equals an independent sum of the CSV', async () => {
    const history = generateHistory(1000, 7);
    const response = await importCsv(t, warehouse, toCsv(history)).expect(201);
    const lineCount = history.reduce((n, d) => n + d.lines.length, 0);
    // more lines than one statement writes: the import is stored in several, all or nothing
    expect(lineCount).toBeGreaterThan(ROWS_PER_TURN);
    expect(response.body).toEqual({ dispatches: 1000, lines: lineCount, skipped: 0 });
    await drainOutbox(t);
    for (const asOf of ['2022-12-31', '2023-03-17', '2023-06-30', '2024-05-31', '2024-12-31']) {
      const body = await stats(`?asOf=${asOf}`);
      const end = new Date(`${asOf}T24:00:00+05:00`);
      expect(shape(body)).toEqual(expectedStats(history, end));
      expect(body.pendingEvents).toBe(0);
    }
    // A window and an emergency, summed independently too.
    const windowed = await stats(
      '?from=2023-01-01&asOf=2023-12-31&emergency=Afghanistan%20situation',
    );
    const inWindow = history.filter(
      (d) =>
        d.emergency === 'Afghanistan situation' &&
        new Date(d.dispatchedAt) >= new Date('2023-01-01T00:00:00+05:00'),
    );
    expect(shape(windowed)).toEqual(expectedStats(inWindow, new Date('2024-01-01T00:00:00+05:00')));
    // A window from and to the middle of a month: days at both ends, whole months between.
    const partial = await stats('?from=2022-11-15&asOf=2024-02-10');
    const inPartial = history.filter(
      (d) => new Date(d.dispatchedAt) >= new Date('2022-11-15T00:00:00+05:00'),
    );
    expect(shape(partial)).toEqual(expectedStats(inPartial, new Date('2024-02-11T00:00:00+05:00')));
    // Importing the same file again skips every waybill and changes nothing.
    const again = await importCsv(t, warehouse, toCsv(history)).expect(201);
    expect(again.body).toEqual({ dispatches: 0, lines: 0, skipped: 1000 });
    // One that overlaps, across statements, stores exactly the waybills that are new.
    const more = generateHistory(300, 8, undefined, undefined, 'N');
    const overlapping = await importCsv(t, warehouse, toCsv([...history.slice(-600), ...more]));
    expect(overlapping.body).toEqual({
      dispatches: 300,
      lines: more.reduce((n, d) => n + d.lines.length, 0),
      skipped: 600,
    });
    await drainOutbox(t);
    expect(shape(await stats('?asOf=2024-12-31'))).toEqual(
      expectedStats([...history, ...more], new Date('2025-01-01T00:00:00+05:00')),
    );
    // History takes no stock.
    expect(Object.values(await onHand(t)).every((n) => n === 0)).toBe(true);
  });

  it('the published Termez figures give the published sentence', async () => {
    const names: Record<string, string> = {
      AF: 'Afghanistan',
      KG: 'Kyrgyz Republic',
      IR: 'Iran',
      MD: 'Moldova',
      PL: 'Poland',
      PK: 'Pakistan',
      RO: 'Romania',
      TJ: 'Tajikistan',
    };
    const rand = random(721);
    const history: HistoricalDispatch[] = generateHistory(
      721,
      721,
      Date.UTC(2021, 11, 15),
      Date.UTC(2024, 4, 30),
    ).map((d, i) => ({
      ...d,
      destination: i < 8 ? DESTINATIONS[i] : i < 500 ? 'AF' : DESTINATIONS[Math.floor(rand() * 8)],
      // 720 trucks at 10,051 kg and one at 10,280 kg: 7,247,000 kg.
      cargoWeightGrams: i === 720 ? 10_280_000 : 10_051_000,
    }));
    history[720].dispatchedAt = '2024-05-31T23:30:00+05:00';
    const late: HistoricalDispatch = {
      ...history[0],
      waybillNo: 'LATE-1',
      dispatchedAt: '2024-06-01T00:30:00+05:00',
    };
    await importCsv(t, warehouse, toCsv([...history, late])).expect(201);
    await drainOutbox(t);
    const body = await stats('?asOf=2024-05-31');
    expect(body.trucks).toBe(721);
    expect(body.tonnes).toBe(7247);
    expect(body.summary).toMatch(
      /^As of 31 May 2024, 721 trucks have been dispatched from the Termez hub to Afghanistan, /,
    );
    expect(body.summary).toContain('transporting 7,247 metric tons of relief items, including ');
    for (const name of Object.values(names))
      expect(body.summary).toContain(name === 'Kyrgyz Republic' ? 'the Kyrgyz Republic' : name);
    expect(body.lastDispatchAt).toBe('2024-05-31T18:30:00.000Z');
    expect((await stats('?asOf=2024-06-01')).trucks).toBe(722);
  });

  it('counts days in hub time: 23:30 Tashkent on 31 May is 31 May, 00:30 on 1 June is not', async () => {
    const [a, b] = generateHistory(2, 3);
    a.dispatchedAt = '2024-05-31T23:30:00+05:00';
    b.dispatchedAt = '2024-05-31T19:30:00Z'; // 00:30 on 1 June in Tashkent
    await importCsv(t, warehouse, toCsv([a, b])).expect(201);
    await drainOutbox(t);
    expect((await stats('?asOf=2024-05-31')).trucks).toBe(1);
    expect((await stats('?asOf=2024-06-01')).trucks).toBe(2);
    expect((await stats('?from=2024-06-01&asOf=2024-06-01')).trucks).toBe(1);
  });

  it('a live dispatch appears once its event is processed, and its cancellation takes it out', async () => {
    await receive(t, warehouse, [
      { sku: 'CRI-RHU', quantity: 10 },
      { sku: 'CRI-BLANKET-HT', quantity: 1000 },
    ]);
    const { body: dispatch } = await t
      .http()
      .post('/api/dispatches')
      .set(t.as(warehouse))
      .send(
        dispatchBody(
          [
            { sku: 'CRI-RHU', quantity: 4 },
            { sku: 'CRI-BLANKET-HT', quantity: 600 },
          ],
          { destination: 'KG' },
        ),
      )
      .expect(201);
    await drainOutbox(t);
    const live = await stats();
    expect(live).toMatchObject({
      trucks: 1,
      tonnes: 1.544,
      pendingEvents: 0,
      destinations: [{ code: 'KG', name: 'Kyrgyz Republic', trucks: 1, tonnes: 1.544 }],
      items: [
        { sku: 'CRI-BLANKET-HT', quantity: 600, tonnes: 0.9 },
        { sku: 'CRI-RHU', quantity: 4, tonnes: 0.644 },
      ],
      firstDispatchAt: dispatch.dispatchedAt,
      lastDispatchAt: dispatch.dispatchedAt,
    });
    expect(live.summary).toMatch(
      /1 truck has been dispatched from the Termez hub to the Kyrgyz Republic, transporting 2 metric tons of relief items, including blankets and refugee housing units\.$/,
    );
    await t
      .http()
      .post(`/api/dispatches/${dispatch.id}/cancel`)
      .set(t.as(warehouse))
      .send({ reason: 'x' })
      .expect(200);
    await drainOutbox(t);
    expect(await stats()).toMatchObject({
      trucks: 0,
      tonnes: 0,
      destinations: [],
      items: [],
      firstDispatchAt: null,
    });
  });

  it('folds look their dispatches and lines up by index and are never JIT-compiled, even in a plan made without statistics', async () => {
    // The workers prepare the folds once per connection; a generic plan made while the tables
    // were small and never analysed (autovacuum off, or before its first run) once scanned the
    // whole of dispatch and dispatch_line for every batch, longer and longer as they grew.
    await t.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL plan_cache_mode = force_generic_plan');
      // Whatever a plan's estimated cost, it is never JIT-compiled (see database.options.ts).
      await manager.query('SET LOCAL jit_above_cost = 0');
      for (const [i, sql] of FOLD.entries()) {
        await manager.query(`PREPARE fold_${i}(uuid[], uuid[], int) AS ${sql}`);
        const plan = (
          (await manager.query(`EXPLAIN EXECUTE fold_${i}(ARRAY[gen_random_uuid()], '{}', 1)`)) as {
            'QUERY PLAN': string;
          }[]
        )
          .map((row) => row['QUERY PLAN'])
          .join('\n');
        expect(plan).toContain('dispatch');
        expect(plan).not.toMatch(/Seq Scan on dispatch(_line)?\b/);
        expect(plan).not.toContain('JIT:');
        await manager.query(`DEALLOCATE fold_${i}`);
      }
    });
  });

  it('counts an event delivered twice once', async () => {
    const relay = t.app.get(OutboxRelay, { strict: false });
    await relay.stop();
    try {
      await receive(t, warehouse, [{ sku: 'CRI-RHU', quantity: 10 }]);
      await t
        .http()
        .post('/api/dispatches')
        .set(t.as(warehouse))
        .send(dispatchBody([{ sku: 'CRI-RHU', quantity: 2 }]))
        .expect(201);
      const events: { id: string }[] = await t.dataSource.query('SELECT id FROM outbox_event');
      expect(events).toHaveLength(1);
      expect((await stats()).pendingEvents).toBe(1);
      const eventIds = events.map((e) => e.id);
      expect(await runJob(t, JobName.ApplyOutboxEvents, { eventIds })).toEqual({ applied: 1 });
      expect(await runJob(t, JobName.ApplyOutboxEvents, { eventIds })).toEqual({ applied: 0 });
      expect(await stats()).toMatchObject({ trucks: 1, tonnes: 0.322, pendingEvents: 0 });
    } finally {
      relay.start();
    }
  });

  it('rebuild gives exactly the figures the incremental path gave', async () => {
    const rand = random(42);
    await receive(
      t,
      warehouse,
      ['CRI-BLANKET-HT', 'CRI-RHU', 'CRI-FAMILY-TENT', 'CRI-SOLAR-LAMP'].map((sku) => ({
        sku,
        quantity: 5000,
      })),
    );
    const live: string[] = [];
    for (let step = 0; step < 40; step += 1) {
      const roll = rand();
      if (roll < 0.6) {
        const { body } = await t
          .http()
          .post('/api/dispatches')
          .set(t.as(warehouse))
          .send(
            dispatchBody(
              [
                {
                  sku: rand() < 0.5 ? 'CRI-BLANKET-HT' : 'CRI-RHU',
                  quantity: 1 + Math.floor(rand() * 20),
                },
              ],
              {
                destination: DESTINATIONS[Math.floor(rand() * 8)],
                emergency: rand() < 0.5 ? 'Afghanistan situation' : undefined,
                dispatchedAt: new Date(
                  Date.now() - Math.floor(rand() * 20 * 86_400_000),
                ).toISOString(),
                cargoWeightKg: rand() < 0.3 ? 900.5 : undefined,
              },
            ),
          )
          .expect(201);
        live.push(body.id);
      } else if (roll < 0.8 && live.length) {
        const id = live.splice(Math.floor(rand() * live.length), 1)[0];
        await t
          .http()
          .post(`/api/dispatches/${id}/cancel`)
          .set(t.as(warehouse))
          .send({ reason: 'test' })
          .expect(200);
      } else {
        const history = generateHistory(
          5,
          step,
          Date.UTC(2022, 0, 1),
          Date.UTC(2024, 0, 1),
          `R${step}`,
        );
        await importCsv(t, warehouse, toCsv(history)).expect(201);
      }
    }
    await drainOutbox(t);
    const rollups = () =>
      t.dataSource.query(`
        SELECT 'd' AS k, hub_id, day::text, destination_id, emergency, trucks::text AS a, tonnage_kg::text AS b,
               volume_m3::text AS c, first_dispatch_at::text AS e, last_dispatch_at::text AS f
          FROM dispatch_rollup
        UNION ALL
        SELECT 'i', hub_id, day::text, destination_id, emergency, item_id::text, quantity::text,
               weight_kg::text, volume_m3::text, NULL
          FROM dispatch_item_rollup
        UNION ALL
        SELECT 'm', hub_id, month::text, destination_id, emergency, trucks::text, tonnage_kg::text,
               volume_m3::text, first_dispatch_at::text, last_dispatch_at::text
          FROM dispatch_month_rollup
        UNION ALL
        SELECT 'mi', hub_id, month::text, 0, emergency, item_id::text, quantity::text,
               weight_kg::text, volume_m3::text, NULL
          FROM dispatch_item_month_rollup
        ORDER BY 1, 2, 3, 4, 5, 6`);
    const queries = [
      '',
      '?asOf=2023-06-30',
      '?emergency=Afghanistan%20situation',
      '?from=2022-06-01&asOf=2023-12-31',
    ];
    const before = await Promise.all(queries.map((q) => stats(q)));
    const tablesBefore = await rollups();
    expect(tablesBefore.length).toBeGreaterThan(10);

    await t.dataSource.query('UPDATE dispatch_rollup SET trucks = trucks + 100'); // corrupt, so a no-op rebuild would fail
    const coordinator = await t.createUser('coordinator');
    await t.http().post('/api/stats/rebuild').set(t.as(coordinator)).expect(403);
    const { body } = await t.http().post('/api/stats/rebuild').set(t.as()).expect(202);
    expect(body.jobId).toEqual(expect.any(String));
    let state = '';
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && state !== 'completed';) {
      state = (await t.http().get(`/api/stats/rebuild/${body.jobId}`).set(t.as()).expect(200)).body
        .state;
      if (state === 'failed') throw new Error('rebuild failed');
      if (state !== 'completed') await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(state).toBe('completed');
    expect(await rollups()).toEqual(tablesBefore);
    expect(await Promise.all(queries.map((q) => stats(q)))).toEqual(before);
    await t.http().get('/api/stats/rebuild/nope').set(t.as()).expect(404);
  });

  it('a bad CSV answers 422 naming the rows, and imports nothing', async () => {
    const [one, two, three] = generateHistory(3, 11);
    one.lines = [
      { sku: 'CRI-RHU', quantity: 1 },
      { sku: 'CRI-BLANKET-HT', quantity: 2 },
      { sku: 'CRI-BUCKET-14L', quantity: 3 },
    ];
    two.lines = [
      { sku: 'CRI-RHU', quantity: 1 },
      { sku: 'CRI-BLANKET-HT', quantity: 2 },
      { sku: 'CRI-BUCKET-14L', quantity: 3 },
    ];
    three.lines = [{ sku: 'CRI-RHU', quantity: 1 }];
    const good = toCsv([one, two, three]).trim().split('\n');
    // rows 2-4: waybill one; 5-7: waybill two; 8: waybill three
    const bad = [...good];
    bad[6] = bad[6].replace('CRI-BUCKET-14L', 'CRI-NOPE'); // row 7
    bad[2] = bad[2].replace(/,2,/, ',two,'); // row 3
    bad[5] = bad[5].replace(two.truckPlate, 'OTHER 1'); // row 6 disagrees with row 5
    const response = await importCsv(t, warehouse, bad.join('\n')).expect(422);
    expect(response.body).toMatchObject({
      message: expect.stringMatching(
        /^Nothing was imported: row 3: quantity "two" .*\(and 2 more problems\)$/,
      ),
      errorCount: 3,
    });
    expect(response.body.errors).toEqual([
      { row: 3, column: 'quantity', message: expect.stringMatching(/quantity "two"/) },
      {
        row: 6,
        column: 'truck_plate',
        message: expect.stringMatching(/truck_plate "OTHER 1" differs .* row 5/),
      },
      { row: 7, column: 'sku', message: expect.stringMatching(/unknown SKU "CRI-NOPE"/) },
    ]);
    // Rows as a spreadsheet shows them: a blank line is a row, a quoted field over two lines one.
    const spread = [
      good[0],
      good[1], // row 2
      '', // row 3
      good[2].replace(/,[^,]*$/, ',"two\nlines"'), // row 4, its emergency not row 2's
      good[4].replace(',CRI-RHU,1,', ',CRI-RHU,one,'), // row 5
    ];
    const spreadsheet = await importCsv(t, warehouse, spread.join('\r\n')).expect(422);
    expect(spreadsheet.body.errors).toEqual([
      {
        row: 4,
        column: 'emergency',
        message: expect.stringMatching(/^emergency "two\nlines" differs .* row 2/),
      },
      { row: 5, column: 'quantity', message: expect.stringMatching(/^quantity "one"/) },
    ]);
    // Every problem is counted, the first 100 (in row order) listed.
    const many = [
      good[0],
      `${good[1]},extra`, // row 2: a field too many, found by the reader
      ...Array.from({ length: 150 }, (_, i) =>
        good[1].replace(/^[^,]*/, `BAD-${i}`).replace(',CRI-RHU,1,', ',CRI-RHU,x,'),
      ),
    ];
    const capped = await importCsv(t, warehouse, many.join('\n')).expect(422);
    expect(capped.body.errorCount).toBe(151);
    expect(capped.body.errors).toHaveLength(100);
    expect(capped.body.errors.slice(0, 2)).toEqual([
      { row: 2, message: 'has 9 fields; the header has 8' },
      { row: 3, column: 'quantity', message: expect.stringMatching(/^quantity "x"/) },
    ]);
    expect(capped.body.errors[99].row).toBe(101);
    expect(capped.body.message).toMatch(
      /^Nothing was imported: row 2: .*\(and 150 more problems\)$/,
    );
    const header = await importCsv(
      t,
      warehouse,
      ['waybill,date', ...good.slice(1)].join('\n'),
    ).expect(422);
    expect(header.body.errors).toEqual([
      { row: 1, message: expect.stringMatching(/expected waybill_no,dispatched_at/) },
    ]);
    const withField = (row: number, field: number, value: string) =>
      good.map((l, i) =>
        i === row - 1
          ? l
              .split(',')
              .map((f, j) => (j === field ? value : f))
              .join(',')
          : l,
      );
    const cases = [
      withField(8, 1, '2024-02-30T10:00:00+05:00'), // impossible date
      withField(8, 1, 'last tuesday'),
      withField(8, 2, 'ZZ'), // unknown destination
      withField(8, 3, ''), // no truck plate
      withField(2, 5, '0'), // quantity zero
      withField(2, 5, '1.5'),
      withField(8, 6, '-5'), // negative weighbridge
      good.map((l, i) => (i === 8 - 1 ? `${l},extra` : l)), // a column too many
      [...good, good[1]], // a SKU twice on a waybill
    ];
    for (const lines of cases) {
      const r = await importCsv(t, warehouse, lines.join('\n')).expect(422);
      expect(r.body.errors[0].row).toBeGreaterThan(1);
    }
    await importCsv(t, warehouse, '"unclosed,quote\n').expect(422);
    await t
      .http()
      .post('/api/dispatches/import')
      .set(t.as(warehouse))
      .send({ csv: 'no' })
      .expect(415);
    const coordinator = await t.createUser('coordinator');
    await importCsv(t, coordinator, good.join('\n')).expect(403);
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM dispatch');
    expect(n).toBe(0);
    expect(HEADER.split(',')).toHaveLength(8);
  });

  it('cancelling an imported dispatch returns no stock and takes it out of the figures', async () => {
    const [d] = generateHistory(1, 5);
    await importCsv(t, warehouse, toCsv([d])).expect(201);
    const list = await t.http().get('/api/dispatches').set(t.as()).expect(200);
    expect(list.body.items[0]).toMatchObject({
      waybillNo: d.waybillNo,
      historical: true,
      status: 'DISPATCHED',
    });
    await t
      .http()
      .post(`/api/dispatches/${list.body.items[0].id}/cancel`)
      .set(t.as(warehouse))
      .send({ reason: 'dup' })
      .expect(200);
    await drainOutbox(t);
    expect((await stats('?asOf=2030-01-01')).trucks).toBe(0);
    expect(Object.values(await onHand(t)).every((n) => n === 0)).toBe(true);
  });

  it('gives trucks and tonnes per week and per month, empty periods included', async () => {
    const history = generateHistory(60, 9, Date.UTC(2024, 0, 1), Date.UTC(2024, 3, 1));
    await importCsv(t, warehouse, toCsv(history)).expect(201);
    await drainOutbox(t);
    const monthly = await t
      .http()
      .get('/api/stats/dispatches/timeseries?interval=month&from=2023-12-01&to=2024-04-30')
      .set(t.as())
      .expect(200);
    expect(monthly.body.items.map((p: { periodStart: string }) => p.periodStart)).toEqual([
      '2023-12-01',
      '2024-01-01',
      '2024-02-01',
      '2024-03-01',
      '2024-04-01',
    ]);
    for (const period of monthly.body.items) {
      const [y, m] = period.periodStart.split('-').map(Number);
      const start = new Date(Date.UTC(y, m - 1, 1) - 5 * 3600_000);
      const end = new Date(Date.UTC(y, m, 1) - 5 * 3600_000);
      const inside = history.filter(
        (d) => new Date(d.dispatchedAt) >= start && new Date(d.dispatchedAt) < end,
      );
      expect({ trucks: period.trucks, tonnes: period.tonnes }).toEqual({
        trucks: inside.length,
        tonnes: expectedStats(inside, end).tonnes,
      });
    }
    const weekly = await t
      .http()
      .get('/api/stats/dispatches/timeseries?interval=week&from=2024-01-01&to=2024-03-31')
      .set(t.as())
      .expect(200);
    expect(weekly.body.items).toHaveLength(13);
    expect(weekly.body.items[0].periodStart).toBe('2024-01-01');
    expect(weekly.body.items.reduce((n: number, p: { trucks: number }) => n + p.trucks, 0)).toBe(
      60,
    );
    await t.http().get('/api/stats/dispatches/timeseries?interval=day').set(t.as()).expect(400);
    await t.http().get('/api/stats/dispatches?asOf=2024-02-30').set(t.as()).expect(400);
    await t
      .http()
      .get('/api/stats/dispatches?from=2024-05-01&asOf=2024-04-01')
      .set(t.as())
      .expect(400);
  });
});

function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  return new Promise((resolve, reject) => {
    redis.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve(redis);
    });
    redis.on('error', reject);
  });
}

describe('statistics while Redis is down', () => {
  it('keeps recording, counts pending events, and converges when Redis is back', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const t = await startTestApp({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      OUTBOX_REPUBLISH_AFTER_MS: '1000',
    });
    try {
      await t.reset();
      const warehouse = await t.createUser('warehouse');
      await receive(t, warehouse, [{ sku: 'CRI-FAMILY-TENT', quantity: 100 }]);
      const post = () =>
        t
          .http()
          .post('/api/dispatches')
          .set(t.as(warehouse))
          .send(dispatchBody([{ sku: 'CRI-FAMILY-TENT', quantity: 10 }]));
      await post().expect(201);
      await drainOutbox(t);

      redis.kill('SIGKILL');
      await once(redis, 'exit');
      const during = [];
      for (let i = 0; i < 4; i += 1) during.push((await post().expect(201)).body);
      await t
        .http()
        .post(`/api/dispatches/${during[0].id}/cancel`)
        .set(t.as(warehouse))
        .send({ reason: 'x' })
        .expect(200);
      const stale = (await t.http().get('/api/stats/dispatches').set(t.as()).expect(200)).body;
      expect(stale).toMatchObject({ trucks: 1, tonnes: 0.55, pendingEvents: 5 });

      redis = await startRedis(port);
      await drainOutbox(t, 30_000);
      const after = (await t.http().get('/api/stats/dispatches').set(t.as()).expect(200)).body;
      expect(after).toMatchObject({ trucks: 4, tonnes: 2.2, pendingEvents: 0 });
    } finally {
      await t.close();
      redis.kill('SIGKILL');
    }
  }, 60_000);
});
