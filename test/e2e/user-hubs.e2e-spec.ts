import { DataSource } from 'typeorm';
import { hashApiKey } from '../../src/auth/api-key.js';
import { ensureDatabaseExists } from '../../src/database/database-bootstrap.js';
import { dataSourceOptions, loadMigrations } from '../../src/database/database.options.js';
import { dropDatabase } from '../support/infra.js';
import { startTestApp, TestApp, testDatabaseUrl } from '../support/test-app.js';

/** SPEC "Hubs a user may act at": the users' side (POST, PATCH, me) and users from before. */
describe('users and their hubs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    for (const code of ['AMM', 'NBO']) {
      await t
        .http()
        .post('/api/hubs')
        .set(t.as())
        .send({ code, name: `Hub ${code}`, timeZone: 'Asia/Tashkent' })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  const create = (body: object) => t.http().post('/api/users').set(t.as()).send(body);
  const patch = (id: string, body: object) =>
    t.http().patch(`/api/users/${id}`).set(t.as()).send(body);
  const userCount = async () =>
    (await t.dataSource.query('SELECT count(*)::int AS n FROM "user"'))[0].n as number;
  const memberships = async () =>
    t.dataSource.query('SELECT user_id, hub_code FROM user_hub ORDER BY user_id, hub_code');

  it('gives a warehouse user the default hub, or the hubs named (sorted), shown everywhere', async () => {
    const plain = await create({ name: 'Clerk', role: 'warehouse' }).expect(201);
    expect(plain.body.hubs).toEqual(['TMZ']);
    const two = await create({ name: 'Roamer', role: 'warehouse', hubs: ['NBO', 'AMM'] }).expect(
      201,
    );
    expect(two.body.hubs).toEqual(['AMM', 'NBO']);
    const me = await t.http().get('/api/users/me').set(t.as(two.body.apiKey)).expect(200);
    expect(me.body).toEqual({
      id: two.body.id,
      name: 'Roamer',
      role: 'warehouse',
      hubs: ['AMM', 'NBO'],
      hasPassword: false,
      language: null,
    });
    const list = await t.http().get('/api/users').set(t.as()).expect(200);
    const hubsOf = Object.fromEntries(
      list.body.items.map((u: { name: string; hubs: string[] }) => [u.name, u.hubs]),
    );
    expect(hubsOf).toEqual({ admin: [], Clerk: ['TMZ'], Roamer: ['AMM', 'NBO'] });
  });

  it('makes a coordinator without hubs global and one with hubs scoped to them', async () => {
    const global = await create({ name: 'Global', role: 'coordinator' }).expect(201);
    const empty = await create({ name: 'Empty', role: 'coordinator', hubs: [] }).expect(201);
    const scoped = await create({ name: 'Scoped', role: 'coordinator', hubs: ['AMM'] }).expect(201);
    expect([global.body.hubs, empty.body.hubs, scoped.body.hubs]).toEqual([[], [], ['AMM']]);
    for (const key of [global.body.apiKey, empty.body.apiKey]) {
      await t.http().get('/api/stock?hub=NBO').set(t.as(key)).expect(200);
    }
    await t.http().get('/api/stock?hub=AMM').set(t.as(scoped.body.apiKey)).expect(200);
    const refused = await t
      .http()
      .get('/api/stock?hub=NBO')
      .set(t.as(scoped.body.apiKey))
      .expect(403);
    expect(refused.body.message).toBe('You do not act at hub NBO');
  });

  it('refuses hubs for an admin, none for a warehouse user and unknown codes, writing nothing', async () => {
    const before = await userCount();
    const admin = await create({ name: 'Boss', role: 'admin', hubs: ['AMM'] }).expect(422);
    expect(admin.body.message).toBe('An admin acts at every hub: send no hubs for an admin');
    const none = await create({ name: 'Nowhere', role: 'warehouse', hubs: [] }).expect(422);
    expect(none.body.message).toBe('A warehouse user belongs to at least one hub');
    const unknown = await create({ name: 'Lost', role: 'warehouse', hubs: ['AMM', 'KBL'] }).expect(
      422,
    );
    expect(unknown.body.message).toBe('Unknown hub KBL');
    await create({ name: 'Twice', role: 'warehouse', hubs: ['AMM', 'AMM'] }).expect(400);
    await create({ name: 'Bad', role: 'warehouse', hubs: ['a b'] }).expect(400);
    await create({ name: 'Bad2', role: 'warehouse', hubs: 'AMM' }).expect(400);
    expect(await userCount()).toBe(before);
    expect(await memberships()).toEqual([]);
    await create({ name: 'Boss', role: 'admin', hubs: [] }).expect(201);
  });

  it('lets an admin give a user a second hub, effective on the next request', async () => {
    const clerk = await create({ name: 'Clerk', role: 'warehouse' }).expect(201);
    const key = clerk.body.apiKey;
    const receipt = { reference: 'GRN-1', lines: [{ sku: 'CRI-BLANKET-HT', quantity: 1 }] };
    await t
      .http()
      .post('/api/receipts')
      .set(t.as(key))
      .send({ ...receipt, hub: 'AMM' })
      .expect(403);
    const changed = await patch(clerk.body.id, { hubs: ['TMZ', 'AMM'] }).expect(200);
    expect(changed.body).toMatchObject({
      id: clerk.body.id,
      role: 'warehouse',
      hubs: ['AMM', 'TMZ'],
    });
    await t
      .http()
      .post('/api/receipts')
      .set(t.as(key))
      .send({ ...receipt, hub: 'AMM' })
      .expect(201);
    // Two hubs: a request naming none is at DEFAULT_HUB, one of theirs.
    const atDefault = await t.http().post('/api/receipts').set(t.as(key)).send(receipt).expect(201);
    expect(atDefault.body.hub).toBe('TMZ');

    // Taken away again: refused at once.
    await patch(clerk.body.id, { hubs: ['AMM'] }).expect(200);
    await t.http().get('/api/stock?hub=TMZ').set(t.as(key)).expect(403);
    // With one hub, that hub is the default.
    expect((await t.http().get('/api/stock').set(t.as(key)).expect(200)).body.hub).toBe('AMM');
  });

  it('checks a change as a creation is checked, and changes nothing when it is refused', async () => {
    const clerk = await create({ name: 'Clerk', role: 'warehouse', hubs: ['AMM'] }).expect(201);
    const id = clerk.body.id;
    const before = await memberships();
    await patch(id, { hubs: [] }).expect(422);
    expect((await patch(id, { hubs: ['AMM', 'KBL'] }).expect(422)).body.message).toBe(
      'Unknown hub KBL',
    );
    await patch(id, { role: 'admin', hubs: ['AMM'] }).expect(422);
    await patch(id, { role: 'superuser' }).expect(400);
    await patch(id, { name: 'Renamed' }).expect(400);
    expect(await memberships()).toEqual(before);
    expect((await t.http().get('/api/users/me').set(t.as(clerk.body.apiKey))).body).toMatchObject({
      role: 'warehouse',
      hubs: ['AMM'],
    });
    await patch('00000000-0000-4000-8000-000000000000', { hubs: ['AMM'] }).expect(404);
    await t.http().delete(`/api/users/${id}`).set(t.as()).expect(204);
    await patch(id, { hubs: ['NBO'] }).expect(409);
  });

  it('changes roles: a coordinator keeps the hubs, an admin drops them, a warehouse user gets one', async () => {
    const user = await create({ name: 'Multi', role: 'warehouse', hubs: ['AMM'] }).expect(201);
    const id = user.body.id;
    expect((await patch(id, { role: 'coordinator' }).expect(200)).body).toMatchObject({
      role: 'coordinator',
      hubs: ['AMM'],
    });
    expect((await patch(id, { role: 'admin' }).expect(200)).body).toMatchObject({
      role: 'admin',
      hubs: [],
    });
    expect(await memberships()).toEqual([]);
    expect((await patch(id, { role: 'warehouse' }).expect(200)).body).toMatchObject({
      role: 'warehouse',
      hubs: ['TMZ'],
    });
    // The last active admin keeps the role.
    const [{ id: adminId }] = await t.dataSource.query(
      `SELECT id FROM "user" WHERE role = 'admin'`,
    );
    const refused = await patch(adminId, { role: 'coordinator' }).expect(422);
    expect(refused.body.message).toBe('The last active admin cannot be given another role');
    // Only admins change users.
    await t
      .http()
      .patch(`/api/users/${id}`)
      .set(t.as(user.body.apiKey))
      .send({ hubs: ['NBO'] })
      .expect(403);
  });
});

describe('users from before hubs', () => {
  it('puts warehouse users in the default hub and leaves coordinators global, by the migration', async () => {
    const url = testDatabaseUrl('user-hubs');
    await dropDatabase(url);
    await ensureDatabaseExists(url);
    const migrations = await loadMigrations();
    const timestamp = (migration: { name: string }) => Number(/\d+$/.exec(migration.name)![0]);
    const userHubs = 1795990814014; // UserHubs
    try {
      const before = new DataSource({
        ...dataSourceOptions(url, []),
        migrations: migrations.filter((m) => timestamp(m) < userHubs),
      });
      await before.initialize();
      try {
        await before.runMigrations({ transaction: 'each' });
        await before.query(
          `INSERT INTO hub (code, name, short_name, time_zone)
           VALUES ('TMZ', 'Termez', 'Termez', 'Asia/Tashkent'), ('DXB', 'Dubai', 'Dubai', 'Asia/Dubai');
           INSERT INTO "user" (name, role, api_key_hash)
           VALUES ('old clerk', 'warehouse', '${hashApiKey('rh_old-clerk-key')}'),
                  ('old coordinator', 'coordinator', '${hashApiKey('rh_old-coordinator-key')}')`,
        );
      } finally {
        await before.destroy();
      }
      // The app's own start-up migrates the rest, as an upgrade would.
      const t = await startTestApp({ DATABASE_URL: url });
      try {
        const clerk = await t.http().get('/api/users/me').set(t.as('rh_old-clerk-key')).expect(200);
        expect(clerk.body).toMatchObject({ name: 'old clerk', role: 'warehouse', hubs: ['TMZ'] });
        const coordinator = await t
          .http()
          .get('/api/users/me')
          .set(t.as('rh_old-coordinator-key'))
          .expect(200);
        expect(coordinator.body).toMatchObject({ role: 'coordinator', hubs: [] });
        await t.http().get('/api/stock').set(t.as('rh_old-clerk-key')).expect(200);
        await t
          .http()
          .post('/api/receipts')
          .set(t.as('rh_old-clerk-key'))
          .send({ reference: 'GRN', lines: [{ sku: 'CRI-BLANKET-HT', quantity: 1 }] })
          .expect(201);
        await t.http().get('/api/stock?hub=DXB').set(t.as('rh_old-clerk-key')).expect(403);
        await t.http().get('/api/stock?hub=DXB').set(t.as('rh_old-coordinator-key')).expect(200);
      } finally {
        await t.close();
      }
    } finally {
      await dropDatabase(url);
    }
  });
});
