import {
  counts,
  dispatchBody,
  importCsv,
  ledgerMismatches,
  onHand,
  receive,
} from '../support/fixtures.js';
import { Clock } from '../../src/common/clock.service.js';
import { drainOutbox } from '../support/jobs.js';
import { startTestApp, TestApp } from '../support/test-app.js';

describe('truck dispatches', () => {
  let t: TestApp;
  let warehouse: string;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    warehouse = await t.createUser('warehouse', 'Dilshod');
  });
  afterAll(() => t.close());

  const post = (body: object, key = warehouse) =>
    t.http().post('/api/dispatches').set(t.as(key)).send(body);

  it('dispatches 40 blankets and 2 RHUs: 382 kg, 0.382 t, volumes, waybill, load factor', async () => {
    await receive(t, warehouse, [
      { sku: 'CRI-BLANKET-HT', quantity: 100 },
      { sku: 'CRI-RHU', quantity: 5 },
    ]);
    const response = await post(
      dispatchBody(
        [
          { sku: 'CRI-BLANKET-HT', quantity: 40 },
          { sku: 'CRI-RHU', quantity: 2 },
        ],
        { emergency: 'Herat earthquake', driverName: 'Rustam', trailerPlate: '01 B 777 CD' },
      ),
    ).expect(201);
    const year = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Tashkent',
      year: 'numeric',
    }).format(new Date());
    expect(response.body).toMatchObject({
      waybillNo: expect.stringMatching(new RegExp(`^TMZ-${year}-\\d{6}$`)),
      hub: 'TMZ',
      destination: 'AF',
      status: 'DISPATCHED',
      emergency: 'Herat earthquake',
      historical: false,
      cargoWeightKg: null,
      lines: [
        {
          sku: 'CRI-BLANKET-HT',
          quantity: 40,
          unitWeightKg: 1.5,
          unitVolumeM3: 0.0117,
          weightKg: 60,
          volumeM3: 0.468,
          receivedQuantity: null,
          damagedQuantity: null,
          missingQuantity: null,
        },
        {
          sku: 'CRI-RHU',
          quantity: 2,
          unitWeightKg: 161,
          unitVolumeM3: 1.13,
          weightKg: 322,
          volumeM3: 2.26,
          receivedQuantity: null,
          damagedQuantity: null,
          missingQuantity: null,
        },
      ],
      totalWeightKg: 382,
      totalVolumeM3: 2.728,
      tonnes: 0.382,
      // 382 / 22,000 kg and 2.728 / 82 m3
      loadFactor: { weight: 0.017, volume: 0.033 },
      recordedBy: { name: 'Dilshod' },
    });
    expect(await onHand(t)).toMatchObject({ 'CRI-BLANKET-HT': 60, 'CRI-RHU': 3 });
    const fetched = await t
      .http()
      .get(`/api/dispatches/${response.body.id}`)
      .set(t.as())
      .expect(200);
    expect(fetched.body).toEqual(response.body);
    const movements = await t
      .http()
      .get('/api/stock/movements?type=DISPATCH')
      .set(t.as())
      .expect(200);
    expect(
      movements.body.items
        .map((m: { quantity: number; dispatchId: string }) => [m.quantity, m.dispatchId])
        .sort(),
    ).toEqual(
      [
        [-2, response.body.id],
        [-40, response.body.id],
      ].sort(),
    );
  });

  it('counts the weighbridge figure as the tonnage when given', async () => {
    await receive(t, warehouse, [{ sku: 'CRI-FAMILY-TENT', quantity: 200 }]);
    const { body } = await post(
      dispatchBody([{ sku: 'CRI-FAMILY-TENT', quantity: 180 }], { cargoWeightKg: 10120.5 }),
    ).expect(201);
    // 180 tents x 55 kg = 9,900 kg on paper; the weighbridge said 10,120.5 kg
    expect(body).toMatchObject({
      totalWeightKg: 9900,
      cargoWeightKg: 10120.5,
      tonnes: 10.121,
      totalVolumeM3: 50.4,
    });
    expect(body.loadFactor).toEqual({ weight: 0.46, volume: 0.615 });
  });

  it('numbers waybills per hub and year, and refuses a duplicate waybill', async () => {
    await receive(t, warehouse, [{ sku: 'CRI-SOLAR-LAMP', quantity: 100 }]);
    const one = await post(dispatchBody([{ sku: 'CRI-SOLAR-LAMP', quantity: 1 }])).expect(201);
    const two = await post(dispatchBody([{ sku: 'CRI-SOLAR-LAMP', quantity: 1 }])).expect(201);
    const seq = (w: string) => Number(w.slice(-6));
    expect(seq(two.body.waybillNo)).toBeGreaterThan(seq(one.body.waybillNo));
    const older = await post(
      dispatchBody([{ sku: 'CRI-SOLAR-LAMP', quantity: 1 }], {
        dispatchedAt: new Date(Date.now() - 5 * 86_400_000).toISOString(),
      }),
    ).expect(201);
    expect(older.body.waybillNo).toMatch(/^TMZ-\d{4}-\d{6}$/);
    await post(
      dispatchBody([{ sku: 'CRI-SOLAR-LAMP', quantity: 1 }], { waybillNo: 'PAPER-17' }),
    ).expect(201);
    const duplicate = await post(
      dispatchBody([{ sku: 'CRI-SOLAR-LAMP', quantity: 1 }], { waybillNo: one.body.waybillNo }),
    ).expect(409);
    expect(duplicate.body.message).toMatch(/already exists/);
    expect((await onHand(t))['CRI-SOLAR-LAMP']).toBe(96);
  });

  it('skips a generated number that a waybill typed by hand already holds', async () => {
    await receive(t, warehouse, [{ sku: 'CRI-SOLAR-LAMP', quantity: 10 }]);
    const one = await post(dispatchBody([{ sku: 'CRI-SOLAR-LAMP', quantity: 1 }])).expect(201);
    const [, prefix, n] = /^(.*-)(\d{6})$/.exec(one.body.waybillNo)!;
    const next = (k: number) => `${prefix}${String(Number(n) + k).padStart(6, '0')}`;
    // The clerk typed the next two numbers from a paper book.
    for (const k of [1, 2]) {
      await post(
        dispatchBody([{ sku: 'CRI-SOLAR-LAMP', quantity: 1 }], { waybillNo: next(k) }),
      ).expect(201);
    }
    const generated = await post(dispatchBody([{ sku: 'CRI-SOLAR-LAMP', quantity: 1 }])).expect(
      201,
    );
    expect(generated.body.waybillNo).toBe(next(3));
    expect((await counts(t)).dispatches).toBe(4);
    expect((await onHand(t))['CRI-SOLAR-LAMP']).toBe(6);
  });

  it('race: stock of 10, 50 concurrent one-unit dispatches: exactly 10 win', async () => {
    await receive(t, warehouse, [{ sku: 'CRI-KITCHEN-SET-B', quantity: 10 }]);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        post(dispatchBody([{ sku: 'CRI-KITCHEN-SET-B', quantity: 1 }])),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    expect(
      new Set(responses.filter((r) => r.status === 201).map((r) => r.body.waybillNo)).size,
    ).toBe(10);
    expect((await onHand(t))['CRI-KITCHEN-SET-B']).toBe(0);
    expect(await ledgerMismatches(t)).toEqual([]);
    expect((await counts(t)).dispatches).toBe(10);
  });

  it('deadlock: 40 concurrent dispatches of the same 5 SKUs in shuffled order: no 500', async () => {
    const skus = [
      'CRI-BLANKET-HT',
      'CRI-SLEEPING-MAT',
      'CRI-JERRYCAN-20L',
      'CRI-BUCKET-14L',
      'CRI-PLASTIC-SHEET',
    ];
    await receive(
      t,
      warehouse,
      skus.map((sku) => ({ sku, quantity: 1000 })),
    );
    const shuffled = () => [...skus].sort(() => Math.random() - 0.5);
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(dispatchBody(shuffled().map((sku) => ({ sku, quantity: 1 + (i % 7) })))),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(201));
    const taken = responses.reduce((sum, r) => sum + r.body.lines[0].quantity, 0);
    const levels = await onHand(t);
    for (const sku of skus) expect(levels[sku]).toBe(1000 - taken);
    expect(await ledgerMismatches(t)).toEqual([]);
  });

  it('a dispatch short on two lines answers 409 listing both, and writes nothing', async () => {
    await receive(t, warehouse, [
      { sku: 'CRI-BLANKET-HT', quantity: 100 },
      { sku: 'CRI-RHU', quantity: 1 },
      { sku: 'CRI-BUCKET-14L', quantity: 50 },
    ]);
    const before = await counts(t);
    const response = await post(
      dispatchBody([
        { sku: 'CRI-BLANKET-HT', quantity: 50 },
        { sku: 'CRI-RHU', quantity: 3 },
        { sku: 'CRI-BUCKET-14L', quantity: 51 },
      ]),
    ).expect(409);
    expect(response.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(response.body.shortages).toEqual(
      expect.arrayContaining([
        { sku: 'CRI-RHU', requested: 3, available: 1 },
        { sku: 'CRI-BUCKET-14L', requested: 51, available: 50 },
      ]),
    );
    expect(response.body.shortages).toHaveLength(2);
    expect(await counts(t)).toEqual(before);
    expect(await onHand(t)).toMatchObject({
      'CRI-BLANKET-HT': 100,
      'CRI-RHU': 1,
      'CRI-BUCKET-14L': 50,
    });
  });

  it('cancel puts the stock back and takes the dispatch out of DISPATCHED; twice is 409', async () => {
    await receive(t, warehouse, [{ sku: 'CRI-PLASTIC-ROLL', quantity: 20 }]);
    const { body } = await post(dispatchBody([{ sku: 'CRI-PLASTIC-ROLL', quantity: 8 }])).expect(
      201,
    );
    expect((await onHand(t))['CRI-PLASTIC-ROLL']).toBe(12);
    const cancelled = await t
      .http()
      .post(`/api/dispatches/${body.id}/cancel`)
      .set(t.as(warehouse))
      .send({ reason: 'Border closed' })
      .expect(200);
    expect(cancelled.body).toMatchObject({
      status: 'CANCELLED',
      cancelReason: 'Border closed',
      cancelledAt: expect.any(String),
    });
    expect((await onHand(t))['CRI-PLASTIC-ROLL']).toBe(20);
    const active = await t.http().get('/api/dispatches?status=DISPATCHED').set(t.as()).expect(200);
    expect(active.body.items.map((d: { id: string }) => d.id)).not.toContain(body.id);
    const all = await t.http().get('/api/dispatches').set(t.as()).expect(200);
    expect(all.body.items.map((d: { id: string }) => d.id)).toContain(body.id);
    const again = await t
      .http()
      .post(`/api/dispatches/${body.id}/cancel`)
      .set(t.as(warehouse))
      .send({ reason: 'again' })
      .expect(409);
    expect(again.body.message).toMatch(/CANCELLED/);
    expect((await onHand(t))['CRI-PLASTIC-ROLL']).toBe(20);
    const movements = await t
      .http()
      .get('/api/stock/movements?type=DISPATCH_CANCELLED')
      .set(t.as())
      .expect(200);
    expect(movements.body.items).toEqual([
      expect.objectContaining({ quantity: 8, dispatchId: body.id, note: 'Border closed' }),
    ]);
    expect(await ledgerMismatches(t)).toEqual([]);
    await t
      .http()
      .post(`/api/dispatches/${body.id}/cancel`)
      .set(t.as(warehouse))
      .send({})
      .expect(400);
  });

  it('records a delivery with 2 damaged and 3 missing blankets; a delivered dispatch cannot be cancelled', async () => {
    await receive(t, warehouse, [
      { sku: 'CRI-BLANKET-HT', quantity: 100 },
      { sku: 'CRI-BUCKET-14L', quantity: 10 },
    ]);
    const { body } = await post(
      dispatchBody([
        { sku: 'CRI-BLANKET-HT', quantity: 50 },
        { sku: 'CRI-BUCKET-14L', quantity: 10 },
      ]),
    ).expect(201);
    const deliveredAt = new Date().toISOString();
    const delivery = (lines: object[]) =>
      t
        .http()
        .post(`/api/dispatches/${body.id}/delivery`)
        .set(t.as(warehouse))
        .send({ deliveredAt, lines, note: 'Mazar warehouse' });
    // Every line once, and never more than was sent.
    await delivery([{ sku: 'CRI-BLANKET-HT', receivedQuantity: 45, damagedQuantity: 2 }]).expect(
      422,
    );
    await delivery([
      { sku: 'CRI-BLANKET-HT', receivedQuantity: 49, damagedQuantity: 2 },
      { sku: 'CRI-BUCKET-14L', receivedQuantity: 10 },
    ]).expect(422);
    await delivery([
      { sku: 'CRI-BLANKET-HT', receivedQuantity: 45, damagedQuantity: 2 },
      { sku: 'CRI-BUCKET-14L', receivedQuantity: 10 },
      { sku: 'CRI-RHU', receivedQuantity: 1 },
    ]).expect(422);
    const delivered = await delivery([
      { sku: 'CRI-BLANKET-HT', receivedQuantity: 45, damagedQuantity: 2 },
      { sku: 'CRI-BUCKET-14L', receivedQuantity: 10 },
    ]).expect(200);
    expect(delivered.body).toMatchObject({
      status: 'DELIVERED',
      delivery: { deliveredAt, note: 'Mazar warehouse' },
    });
    expect(delivered.body.lines).toEqual([
      expect.objectContaining({
        sku: 'CRI-BLANKET-HT',
        quantity: 50,
        receivedQuantity: 45,
        damagedQuantity: 2,
        missingQuantity: 3,
      }),
      expect.objectContaining({
        sku: 'CRI-BUCKET-14L',
        quantity: 10,
        receivedQuantity: 10,
        damagedQuantity: 0,
        missingQuantity: 0,
      }),
    ]);
    const fetched = await t.http().get(`/api/dispatches/${body.id}`).set(t.as()).expect(200);
    expect(fetched.body).toEqual(delivered.body);
    const losses = await t
      .http()
      .get('/api/stock/movements?type=TRANSIT_LOSS')
      .set(t.as())
      .expect(200);
    expect(losses.body.items).toEqual([
      expect.objectContaining({
        sku: 'CRI-BLANKET-HT',
        quantity: 0,
        damagedQuantity: 2,
        missingQuantity: 3,
        dispatchId: body.id,
      }),
    ]);
    expect((await onHand(t))['CRI-BLANKET-HT']).toBe(50);
    await t
      .http()
      .post(`/api/dispatches/${body.id}/cancel`)
      .set(t.as(warehouse))
      .send({ reason: 'x' })
      .expect(409);
    await delivery([
      { sku: 'CRI-BLANKET-HT', receivedQuantity: 45, damagedQuantity: 2 },
      { sku: 'CRI-BUCKET-14L', receivedQuantity: 10 },
    ]).expect(409);
    expect(await ledgerMismatches(t)).toEqual([]);
  });

  it("keeps a dispatch's weight when the catalogue weight is edited afterwards", async () => {
    await receive(t, warehouse, [{ sku: 'CRI-RHU', quantity: 4 }]);
    const { body } = await post(dispatchBody([{ sku: 'CRI-RHU', quantity: 2 }])).expect(201);
    await t
      .http()
      .patch('/api/items/CRI-RHU')
      .set(t.as())
      .send({ unitWeightKg: 170.25 })
      .expect(200);
    const fetched = await t.http().get(`/api/dispatches/${body.id}`).set(t.as()).expect(200);
    expect(fetched.body).toMatchObject({
      totalWeightKg: 322,
      tonnes: 0.322,
      lines: [expect.objectContaining({ unitWeightKg: 161, weightKg: 322 })],
    });
    const next = await post(dispatchBody([{ sku: 'CRI-RHU', quantity: 2 }])).expect(201);
    expect(next.body).toMatchObject({ totalWeightKg: 340.5 });
  });

  it('lists with filters and a cursor, newest first', async () => {
    await receive(t, warehouse, [{ sku: 'CRI-SOLAR-LAMP', quantity: 100 }]);
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
    const made = [];
    for (const [daysAgo, destination] of [
      [6, 'AF'],
      [4, 'TJ'],
      [3, 'AF'],
      [1, 'KG'],
      [0, 'AF'],
    ] as const) {
      made.push(
        (
          await post(
            dispatchBody([{ sku: 'CRI-SOLAR-LAMP', quantity: 1 }], {
              destination,
              dispatchedAt: at(daysAgo),
            }),
          ).expect(201)
        ).body,
      );
    }
    const afghan = await t
      .http()
      .get('/api/dispatches?destination=AF&limit=2')
      .set(t.as())
      .expect(200);
    expect(afghan.body.items.map((d: { id: string }) => d.id)).toEqual([made[4].id, made[2].id]);
    const rest = await t
      .http()
      .get(`/api/dispatches?destination=AF&limit=2&cursor=${afghan.body.nextCursor}`)
      .set(t.as())
      .expect(200);
    expect(rest.body.items.map((d: { id: string }) => d.id)).toEqual([made[0].id]);
    expect(rest.body.nextCursor).toBeNull();
    await t.http().get('/api/dispatches?destination=XX').set(t.as()).expect(422);
    await t.http().get('/api/dispatches?status=LOST').set(t.as()).expect(400);
    await t.http().get('/api/dispatches/not-a-uuid').set(t.as()).expect(400);
    await t
      .http()
      .get('/api/dispatches/00000000-0000-4000-8000-000000000000')
      .set(t.as())
      .expect(404);
  });

  it("takes 'now' from the app's Clock: default times, the future, cancellations, today", async () => {
    const clock = t.app.get(Clock);
    const now = '2024-06-03T04:15:00.000Z'; // 09:15 in Termez
    clock.set(new Date(now));
    try {
      const receipt = await receive(t, warehouse, [{ sku: 'CRI-RHU', quantity: 2 }]);
      expect(receipt.receivedAt).toBe(now);
      const { body } = await post(dispatchBody([{ sku: 'CRI-RHU', quantity: 1 }])).expect(201);
      expect(body).toMatchObject({
        dispatchedAt: now,
        waybillNo: expect.stringMatching(/^TMZ-2024-/),
      });
      // The wall clock's time is years ahead of this clock: in the future.
      const ahead = await post(
        dispatchBody([{ sku: 'CRI-RHU', quantity: 1 }], { dispatchedAt: new Date().toISOString() }),
      ).expect(422);
      expect(ahead.body).toMatchObject({
        code: 'time.inFuture',
        message: 'dispatchedAt is in the future',
      });
      const cancelled = await t
        .http()
        .post(`/api/dispatches/${body.id}/cancel`)
        .set(t.as(warehouse))
        .send({ reason: 'Clock test' })
        .expect(200);
      expect(cancelled.body.cancelledAt).toBe(now);
      const imported = await importCsv(
        t,
        warehouse,
        'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg\n' +
          'OLD-1,2024-06-03T09:10,AF,X 1,CRI-RHU,1,\n' +
          'OLD-2,2024-06-03T09:30,AF,X 1,CRI-RHU,1,\n',
      ).expect(422);
      expect(imported.body.errors).toEqual([
        { row: 3, column: 'dispatched_at', message: 'dispatched_at is in the future' },
      ]);
      const stats = await t.http().get('/api/stats/dispatches').set(t.as()).expect(200);
      expect(stats.body.asOf).toBe('2024-06-03');
    } finally {
      clock.set(undefined);
    }
  });

  it("imports times without an offset in the hub's zone, across its daylight-saving switches", async () => {
    await t
      .http()
      .post('/api/hubs')
      .set(t.as())
      .send({ code: 'CPH', name: 'Copenhagen', timeZone: 'Europe/Copenhagen' })
      .expect(201);
    const rows = [
      ['CPH-1', '2024-03-31T01:30'], // winter time, +01:00
      ['CPH-2', '2024-03-31T02:30'], // skipped by the spring-forward: read as 03:30 +02:00
      ['CPH-3', '2024-03-31 12:00:00'], // summer time, +02:00
      ['CPH-4', '2024-10-27T02:30'], // repeated at fall-back: the first one, +02:00
      ['CPH-5', '2024-10-27T03:30'], // winter time again, +01:00
      ['CPH-6', '2024-10-27T03:30:00+05:00'], // an offset wins over the hub's zone
    ];
    const csv = [
      'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg',
      ...rows.map(([waybill, at]) => `${waybill},${at},AF,DK 1,CRI-RHU,1,`),
    ].join('\n');
    // A clerk of Copenhagen: Dilshod is Termez's, and refused there.
    await importCsv(t, warehouse, csv).query({ hub: 'CPH' }).expect(403);
    const { body: clerk } = await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: 'Mette', role: 'warehouse', hubs: ['CPH'] })
      .expect(201);
    await importCsv(t, clerk.apiKey, csv).query({ hub: 'CPH' }).expect(201);
    const { body } = await t.http().get('/api/dispatches?hub=CPH').set(t.as()).expect(200);
    const at = Object.fromEntries(
      body.items.map((d: { waybillNo: string; dispatchedAt: string }) => [
        d.waybillNo,
        d.dispatchedAt,
      ]),
    );
    expect(at).toEqual({
      'CPH-1': '2024-03-31T00:30:00.000Z',
      'CPH-2': '2024-03-31T01:30:00.000Z',
      'CPH-3': '2024-03-31T10:00:00.000Z',
      'CPH-4': '2024-10-27T00:30:00.000Z',
      'CPH-5': '2024-10-27T02:30:00.000Z',
      'CPH-6': '2024-10-26T22:30:00.000Z',
    });
  });

  it('gives coordinators 403 on every writing route, and lets them read', async () => {
    await receive(t, warehouse, [{ sku: 'CRI-RHU', quantity: 4 }]);
    const { body } = await post(dispatchBody([{ sku: 'CRI-RHU', quantity: 1 }])).expect(201);
    const coordinator = await t.createUser('coordinator');
    await drainOutbox(t); // the statistics take the dispatch's outbox event while we count
    const before = await counts(t);
    await post(dispatchBody([{ sku: 'CRI-RHU', quantity: 1 }]), coordinator).expect(403);
    await t
      .http()
      .post(`/api/dispatches/${body.id}/cancel`)
      .set(t.as(coordinator))
      .send({ reason: 'x' })
      .expect(403);
    await t
      .http()
      .post(`/api/dispatches/${body.id}/delivery`)
      .set(t.as(coordinator))
      .send({
        deliveredAt: new Date().toISOString(),
        lines: [{ sku: 'CRI-RHU', receivedQuantity: 1 }],
      })
      .expect(403);
    await t.http().get('/api/dispatches').set(t.as(coordinator)).expect(200);
    await t.http().get(`/api/dispatches/${body.id}`).set(t.as(coordinator)).expect(200);
    expect(await counts(t)).toEqual(before);
  });
});
