import { ItemsService } from '../../src/catalogue/items.service.js';
import { Clock } from '../../src/common/clock.service.js';
import { TransactionRunner } from '../../src/database/transaction.js';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app.js';
import { csrfOf, signIn, webUser } from '../support/web.js';

interface Row {
  id: string;
  at: string;
  actor: { id: string; name: string } | null;
  action: string;
  target: { type: string; id: string };
  changes: Record<string, [unknown, unknown]>;
  denied: { method: string; route: string; status: number; hub: string | null; caller: string };
  requestId: string | null;
  ip: string | null;
}

const ITEM = {
  sku: 'CRI-AUDIT',
  name: 'Audit lamp',
  unit: 'piece',
  unitWeightKg: 1.25,
  unitVolumeM3: 0.004,
};

describe('audit trail', () => {
  let t: TestApp;
  let adminId: string;

  beforeAll(async () => {
    // The flood below sends 1,000 requests on one key within a second: above the default limits.
    t = await startTestApp({ RATE_LIMIT_BURST: '100000', RATE_LIMIT_PER_SECOND: '100000' });
  });
  beforeEach(async () => {
    await t.reset();
    t.app.get(Clock).set(undefined);
    adminId = (await t.http().get('/api/users/me').set(t.as()).expect(200)).body.id;
  });
  afterAll(() => t.close());

  /** The whole trail through the API, newest first. */
  async function trail(query = ''): Promise<Row[]> {
    const response = await t.http().get(`/api/audit?limit=500${query}`).set(t.as()).expect(200);
    return response.body.items as Row[];
  }

  /** The records the requests of a test made (the start-up's own are left out). */
  async function made(query = ''): Promise<Row[]> {
    return (await trail(query)).filter(
      (row) => row.actor !== null || row.action === 'access.denied',
    );
  }

  const deniedRows = async () =>
    (await t.dataSource.query(
      `SELECT * FROM audit_record WHERE action = 'access.denied' ORDER BY id`,
    )) as { denied: Row['denied']; actor_id: string | null; target_id: string }[];

  it('records each change to a user once, with who, the request id and the fields, never a secret', async () => {
    const created = await t
      .http()
      .post('/api/users')
      .set(t.as())
      .set('X-Request-Id', 'req-create-1')
      .send({ name: 'Dilnoza', role: 'warehouse', password: 'first password 123' })
      .expect(201);
    const id = created.body.id as string;
    await t
      .http()
      .post(`/api/users/${id}/password`)
      .set(t.as())
      .send({ password: 'second password 456' })
      .expect(204);
    const rotated = await t.http().post(`/api/users/${id}/rotate-key`).set(t.as()).expect(200);
    await t
      .http()
      .post('/api/hubs')
      .set(t.as())
      .send({ code: 'DXB', name: 'Dubai hub', timeZone: 'Asia/Dubai' })
      .expect(201);
    await t
      .http()
      .patch(`/api/users/${id}`)
      .set(t.as())
      .send({ role: 'coordinator', hubs: ['DXB', 'TMZ'] })
      .expect(200);
    // A change that changes nothing, and one refused (unknown hub), leave no record.
    await t.http().patch(`/api/users/${id}`).set(t.as()).send({ role: 'coordinator' }).expect(200);
    await t
      .http()
      .patch(`/api/users/${id}`)
      .set(t.as())
      .send({ hubs: ['NOPE'] })
      .expect(422);
    await t.http().delete(`/api/users/${id}`).set(t.as()).expect(204);

    const rows = (await made()).filter((r) => r.target.type === 'user').reverse();
    expect(rows.map((r) => r.action)).toEqual([
      'user.created',
      'user.passwordSet',
      'user.keyRotated',
      'user.updated',
      'user.revoked',
    ]);
    for (const row of rows) {
      expect(row.actor).toEqual({ id: adminId, name: 'admin' });
      expect(row.target).toEqual({ type: 'user', id });
      expect(row.ip).toMatch(/127\.0\.0\.1/);
      expect(row.requestId).toEqual(expect.any(String));
    }
    const [create, password, rotate, update, revoke] = rows;
    expect(create.requestId).toBe('req-create-1');
    expect(create.changes).toEqual({
      name: [null, 'Dilnoza'],
      role: [null, 'warehouse'],
      hubs: [null, ['TMZ']],
      passwordChangedAt: [null, expect.any(String)],
    });
    expect(update.changes).toEqual({
      role: ['warehouse', 'coordinator'],
      hubs: [['TMZ'], ['DXB', 'TMZ']],
    });
    const firstSet = create.changes.passwordChangedAt[1] as string;
    expect(password.changes).toEqual({ passwordChangedAt: [firstSet, expect.any(String)] });
    expect(Date.parse(password.changes.passwordChangedAt[1] as string)).toBeGreaterThanOrEqual(
      Date.parse(firstSet),
    );
    expect(rotate.changes).toEqual({});
    expect(revoke.changes).toEqual({ revokedAt: [null, expect.any(String)] });

    // No key, password or hash anywhere in the table, whatever column.
    const [user] = await t.dataSource.query(
      'SELECT api_key_hash, password_hash FROM "user" WHERE id = $1',
      [id],
    );
    const everything = JSON.stringify(await t.dataSource.query('SELECT * FROM audit_record'));
    for (const secret of [
      created.body.apiKey,
      rotated.body.apiKey,
      'first password 123',
      'second password 456',
      user.api_key_hash,
      user.password_hash,
      ADMIN_KEY,
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/argon2|"(apiKey|apiKeyHash|passwordHash|password)"/);
  });

  // A field empty before and after is no change: a created record lists the fields given.
  it('records hubs, items (before and after), destinations and PV systems as they change', async () => {
    await t
      .http()
      .post('/api/hubs')
      .set(t.as())
      .send({ code: 'AMM', name: 'Amman hub', timeZone: 'Asia/Amman', countryCode: 'JO' })
      .expect(201);
    await t.http().post('/api/items').set(t.as()).send(ITEM).expect(201);
    await t
      .http()
      .patch(`/api/items/${ITEM.sku}`)
      .set(t.as())
      .send({ unitWeightKg: 1.5, name: 'Audit lamp (solar)', unit: 'piece' })
      .expect(200);
    await t
      .http()
      .post('/api/destinations')
      .set(t.as())
      .send({ code: 'SY', name: 'Syria', iso2: 'SY' })
      .expect(201);
    await t
      .http()
      .post('/api/energy/systems')
      .set(t.as())
      .send({ hub: 'AMM', code: 'AMM-PV-1', name: 'Roof', capacityKwp: 50.5 })
      .expect(201);
    await t
      .http()
      .patch('/api/energy/systems/AMM-PV-1')
      .set(t.as())
      .send({ capacityKwp: 60, targetPerformanceRatio: 0.75 })
      .expect(200);
    await t
      .http()
      .put('/api/routes/AMM/SY')
      .set(t.as())
      .send({ distanceKm: 420, basis: 'estimate' })
      .expect(200);
    await t
      .http()
      .put('/api/routes/AMM/SY')
      .set(t.as())
      .send({ distanceKm: 433.5, basis: 'odometer' })
      .expect(200);
    await t
      .http()
      .post('/api/kits')
      .set(t.as())
      .send({ code: 'AUD-KIT', name: 'Audit kit', components: [{ sku: ITEM.sku, quantity: 2 }] })
      .expect(201);
    await t
      .http()
      .patch('/api/kits/AUD-KIT')
      .set(t.as())
      .send({
        householdSize: 4,
        components: [
          { sku: ITEM.sku, quantity: 3 },
          { sku: 'CRI-BLANKET-HT', quantity: 4 },
        ],
      })
      .expect(200);

    const rows = (await made()).reverse();
    expect(rows.map((r) => [r.action, r.target])).toEqual([
      ['hub.created', { type: 'hub', id: 'AMM' }],
      ['item.created', { type: 'item', id: ITEM.sku }],
      ['item.updated', { type: 'item', id: ITEM.sku }],
      ['destination.created', { type: 'destination', id: 'SY' }],
      ['pvSystem.created', { type: 'pvSystem', id: 'AMM-PV-1' }],
      ['pvSystem.updated', { type: 'pvSystem', id: 'AMM-PV-1' }],
      ['route.created', { type: 'route', id: 'AMM-SY' }],
      ['route.updated', { type: 'route', id: 'AMM-SY' }],
      ['kit.created', { type: 'kit', id: 'AUD-KIT' }],
      ['kit.updated', { type: 'kit', id: 'AUD-KIT' }],
    ]);
    const [hub, item, update, destination, pv, pvUpdate, route, routeUpdate, kit, kitUpdate] = rows;
    expect(kit.changes).toEqual({
      code: [null, 'AUD-KIT'],
      name: [null, 'Audit kit'],
      householdSize: [null, 5],
      version: [null, 1],
      components: [null, { [ITEM.sku]: 2 }],
    });
    expect(kitUpdate.changes).toEqual({
      householdSize: [5, 4],
      version: [1, 2],
      components: [{ [ITEM.sku]: 2 }, { [ITEM.sku]: 3, 'CRI-BLANKET-HT': 4 }],
    });
    expect(hub.changes).toEqual({
      code: [null, 'AMM'],
      name: [null, 'Amman hub'],
      shortName: [null, 'Amman hub'],
      timeZone: [null, 'Asia/Amman'],
      countryCode: [null, 'JO'],
    });
    expect(item.changes).toMatchObject({
      sku: [null, ITEM.sku],
      unitWeightKg: [null, 1.25],
      unitVolumeM3: [null, 0.004],
    });
    // Only what changed: the unit was sent again as it was.
    expect(update.changes).toEqual({
      name: ['Audit lamp', 'Audit lamp (solar)'],
      unitWeightKg: [1.25, 1.5],
    });
    expect(destination.changes).toEqual({
      code: [null, 'SY'],
      name: [null, 'Syria'],
      iso2: [null, 'SY'],
    });
    expect(pv.changes).toEqual({
      code: [null, 'AMM-PV-1'],
      hub: [null, 'AMM'],
      name: [null, 'Roof'],
      capacityKwp: [null, 50.5],
      targetPerformanceRatio: [null, 0.8],
    });
    expect(pvUpdate.changes).toEqual({
      capacityKwp: [50.5, 60],
      targetPerformanceRatio: [0.8, 0.75],
    });
    expect(route.changes).toEqual({
      hub: [null, 'AMM'],
      destination: [null, 'SY'],
      distanceKm: [null, 420],
      basis: [null, 'estimate'],
    });
    expect(routeUpdate.changes).toEqual({
      distanceKm: [420, 433.5],
      basis: ['estimate', 'odometer'],
    });
  });

  it('records a language chosen in the web app as a change to the user', async () => {
    const user = await webUser(t, 'warehouse', 'Aziz');
    const agent = await signIn(t, user.name, user.password);
    const page = await agent.get('/app').expect(200);
    await agent
      .post('/app/language')
      .type('form')
      .send({ _csrf: csrfOf(page.text), language: 'ru', next: '/app' })
      .expect(303);
    const [row] = await made('&action=user.updated');
    expect(row).toMatchObject({
      actor: { id: user.id, name: 'Aziz' },
      target: { type: 'user', id: user.id },
      changes: { language: [null, 'ru'] },
    });
  });

  it('leaves no record of a change that fails (409, 422, a rollback)', async () => {
    await t.http().post('/api/items').set(t.as()).send(ITEM).expect(201);
    const before = await t.dataSource.query('SELECT max(id) AS last FROM audit_record');

    // 409: the SKU exists; the same name twice at once: one of them fails inside its transaction.
    await t.http().post('/api/items').set(t.as()).send(ITEM).expect(409);
    const racing = await Promise.all(
      [1, 2, 3, 4].map(() =>
        t.http().post('/api/users').set(t.as()).send({ name: 'Twin', role: 'coordinator' }),
      ),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    // 422: an unknown hub; the last active admin.
    await t
      .http()
      .post('/api/energy/systems')
      .set(t.as())
      .send({ hub: 'NOPE', code: 'X-PV', name: 'X', capacityKwp: 1 })
      .expect(422);
    await t.http().delete(`/api/users/${adminId}`).set(t.as()).expect(422);
    // A change whose transaction rolls back after the record was written.
    await expect(
      t.app.get(TransactionRunner).run(async () => {
        await t.app.get(ItemsService).update(ITEM.sku, { unitWeightKg: 9 });
        throw new Error('something later in the same unit of work failed');
      }),
    ).rejects.toThrow('something later');

    // Of all that, only the one user created made a record.
    const added = await t.dataSource.query(
      'SELECT action, target_id FROM audit_record WHERE id > $1 ORDER BY id',
      [before[0].last],
    );
    const twin = racing.find((r) => r.status === 201)!.body.id;
    expect(added).toEqual([{ action: 'user.created', target_id: twin }]);
    const item = await t.http().get(`/api/items/${ITEM.sku}`).set(t.as()).expect(200);
    expect(item.body.unitWeightKg).toBe(1.25);
  });

  it('records a flood of 1,000 refused writes on one key and route as one access.denied a minute', async () => {
    const clock = t.app.get(Clock);
    clock.set(new Date('2026-11-29T10:15:20.000Z'));
    const warehouseKey = await t.createUser('warehouse', 'Gate clerk');
    const [clerk] = await t.dataSource.query(`SELECT id FROM "user" WHERE name = 'Gate clerk'`);

    const flood = async (send: () => Promise<{ status: number }>, n: number) => {
      const statuses: number[] = [];
      for (let i = 0; i < n; i += 50) {
        const batch = await Promise.all(Array.from({ length: Math.min(50, n - i) }, send));
        statuses.push(...batch.map((r) => r.status));
      }
      return statuses;
    };
    const refused = await flood(
      () => t.http().post('/api/items?hub=TMZ').set(t.as(warehouseKey)).send(ITEM),
      1000,
    );
    expect(refused).toEqual(Array(1000).fill(403));

    let denied = await deniedRows();
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({
      actor_id: clerk.id,
      target_id: 'POST /api/items',
      denied: {
        method: 'POST',
        route: '/api/items',
        status: 403,
        hub: 'TMZ',
        caller: `user:${clerk.id}`,
      },
    });

    // Another route, an unknown key, no key at all: one record each; a GET is no write.
    await flood(() => t.http().patch('/api/items/CRI-RHU').set(t.as(warehouseKey)).send({}), 100);
    await flood(() => t.http().post('/api/hubs').set(t.as('rh_leaked-or-made-up')).send({}), 100);
    await flood(() => t.http().delete(`/api/users/${clerk.id}`), 100);
    await flood(() => t.http().get('/api/audit').set(t.as(warehouseKey)), 100);
    denied = await deniedRows();
    expect(denied.map((d) => [d.target_id, d.denied.status, d.denied.caller])).toEqual([
      ['POST /api/items', 403, `user:${clerk.id}`],
      ['PATCH /api/items/:sku', 403, `user:${clerk.id}`],
      ['POST /api/hubs', 401, expect.stringMatching(/^key:[0-9a-f]{12}$/)],
      ['DELETE /api/users/:id', 401, expect.stringMatching(/^ip:.*127\.0\.0\.1$/)],
    ]);
    expect(JSON.stringify(denied)).not.toContain('rh_leaked-or-made-up');

    // The next minute, the same flood is recorded again, once.
    clock.set(new Date('2026-11-29T10:16:01.000Z'));
    await flood(() => t.http().post('/api/items').set(t.as(warehouseKey)).send(ITEM), 200);
    denied = await deniedRows();
    expect(denied.filter((d) => d.target_id === 'POST /api/items')).toHaveLength(2);
    // Still nothing was written by the refused requests.
    expect((await t.http().get(`/api/items/${ITEM.sku}`).set(t.as())).status).toBe(404);
  });

  it('records refused web forms: a forged one by role, one without a session', async () => {
    const coordinator = await webUser(t, 'coordinator', 'Nodira');
    const agent = await signIn(t, coordinator.name, coordinator.password);
    const page = await agent.get('/app').expect(200);
    await agent
      .post('/app/adjustments')
      .type('form')
      .send({ _csrf: csrfOf(page.text), sku: 'CRI-RHU', delta: '5', reason: 'COUNT' })
      .expect(403);
    await t.http().post('/app/receipts').type('form').send({ reference: 'x' }).expect(401);
    const rows = await made('&action=access.denied');
    expect(rows.map((r) => [r.target.id, r.denied.status, r.actor?.name ?? null]).sort()).toEqual([
      ['POST /app/adjustments', 403, 'Nodira'],
      ['POST /app/receipts', 401, null],
    ]);
  });

  it('is for admins only, and no route changes or deletes a record', async () => {
    const warehouse = await t.createUser('warehouse');
    const coordinator = await t.createUser('coordinator');
    await t.http().get('/api/audit').set(t.as(warehouse)).expect(403);
    await t.http().get('/api/audit').set(t.as(coordinator)).expect(403);
    await t.http().get('/api/audit').expect(401);
    await t.http().delete('/api/audit').set(t.as()).expect(404);
    await t.http().patch('/api/audit').set(t.as()).send({}).expect(404);

    const [first] = await t.dataSource.query('SELECT id FROM audit_record ORDER BY id LIMIT 1');
    await expect(
      t.dataSource.query(`UPDATE audit_record SET action = 'x' WHERE id = $1`, [first.id]),
    ).rejects.toThrow(/never changed or deleted/);
    await expect(
      t.dataSource.query('DELETE FROM audit_record WHERE id = $1', [first.id]),
    ).rejects.toThrow(/never changed or deleted/);
  });

  it('filters by actor, action, target type and time, and pages newest first', async () => {
    const clock = t.app.get(Clock);
    clock.set(new Date('2026-11-27T23:30:00.000Z'));
    await t.http().post('/api/items').set(t.as()).send(ITEM).expect(201);
    clock.set(new Date('2026-11-28T08:00:00.000Z'));
    const second = await webUser(t, 'admin', 'Second admin');
    await t
      .http()
      .post('/api/destinations')
      .set(t.as(second.apiKey))
      .send({ code: 'SY', name: 'Syria' })
      .expect(201);
    clock.set(new Date('2026-11-29T12:00:00.000Z'));
    for (const [i, weight] of [2, 3, 4, 5].entries()) {
      await t
        .http()
        .patch(`/api/items/${ITEM.sku}`)
        .set(t.as(i % 2 ? second.apiKey : ADMIN_KEY))
        .send({ unitWeightKg: weight })
        .expect(200);
    }

    const all = await made();
    expect(all.map((r) => r.action)).toEqual([
      'item.updated',
      'item.updated',
      'item.updated',
      'item.updated',
      'destination.created',
      'user.created',
      'item.created',
    ]);
    const actions = async (query: string) => (await made(query)).map((r) => r.action);
    expect(await actions(`&actor=${second.id}`)).toEqual([
      'item.updated',
      'item.updated',
      'destination.created',
    ]);
    expect(await actions('&actor=Second%20admin')).toHaveLength(3);
    expect(await actions('&action=item.updated')).toHaveLength(4);
    expect(await actions('&targetType=destination')).toEqual(['destination.created']);
    expect(await actions('&targetType=item&from=2026-11-28&to=2026-11-28')).toEqual([]);
    expect(await actions('&from=2026-11-28&to=2026-11-28')).toEqual([
      'destination.created',
      'user.created',
    ]);
    expect(await actions('&to=2026-11-28T00:00:00%2B00:00&targetType=item')).toEqual([
      'item.created',
    ]);
    expect(
      (await made('&action=item.updated&actor=admin')).map((r) => r.changes.unitWeightKg),
    ).toEqual([
      [3, 4],
      [1.25, 2],
    ]);

    // Pages of two walk the same trail, newest first, each record once.
    const walked: Row[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Row[]; nextCursor: string | null } } = await t
        .http()
        .get(`/api/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(t.as())
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      walked.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked.map((r) => r.id)).toEqual((await trail()).map((r) => r.id));

    for (const bad of [
      'from=2026-02-30',
      'to=yesterday',
      'from=2026-11-28T10:00',
      'targetType=kitchen',
      'action=DROP%20TABLE',
      'limit=0',
      'cursor=abc',
    ]) {
      const response = await t.http().get(`/api/audit?${bad}`).set(t.as());
      expect([bad, response.status]).toEqual([bad, 400]);
    }
  });

  it('shows admins the trail in the web app, filtered, in English and Russian; nobody else', async () => {
    const admin = await webUser(t, 'admin', 'Web admin');
    await t.http().post('/api/items').set(t.as()).send(ITEM).expect(201);
    await t
      .http()
      .patch(`/api/items/${ITEM.sku}`)
      .set(t.as())
      .send({ unitWeightKg: 1.5 })
      .expect(200);
    const agent = await signIn(t, admin.name, admin.password);

    const home = await agent.get('/app').expect(200);
    expect(home.text).toContain('<a href="/app/audit">Audit trail</a>');
    const page = await agent.get('/app/audit?targetType=item&action=item.updated').expect(200);
    const rows = [...page.text.matchAll(/data-action="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toEqual(['item.updated']);
    expect(page.text).toContain('unitWeightKg: 1.25 → 1.5');
    expect(page.text).toContain('Item: CRI-AUDIT');
    // Today, in the hub's days, holds everything; a day long gone holds nothing.
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tashkent' });
    const all = await agent.get(`/app/audit?from=${today}&to=${today}`).expect(200);
    expect(all.text).toMatch(/data-action="item.created"/);
    const old = await agent.get('/app/audit?from=2020-01-01&to=2020-01-31').expect(200);
    expect(old.text).toContain('No records match.');
    const bad = await agent.get('/app/audit?from=2020-02-30').expect(400);
    expect(bad.text).toContain('aria-invalid="true"');

    await agent
      .post('/app/language')
      .type('form')
      .send({ _csrf: csrfOf(home.text), language: 'ru', next: '/app/audit' })
      .expect(303);
    const ru = await agent.get('/app/audit').expect(200);
    expect(ru.text).toContain('Журнал аудита');
    expect(ru.text).toContain('До → после');

    const clerk = await webUser(t, 'warehouse', 'Web clerk');
    const clerkAgent = await signIn(t, clerk.name, clerk.password);
    const clerkHome = await clerkAgent.get('/app').expect(200);
    expect(clerkHome.text).not.toContain('/app/audit');
    await clerkAgent.get('/app/audit').expect(403);
  });
});
