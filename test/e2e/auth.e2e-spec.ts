import { Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { ACTION, IS_PUBLIC } from '../../src/auth/auth.decorators.js';
import { startTestApp, TestApp } from '../support/test-app.js';

describe('API keys and roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('answers 401 without a key, with an unknown key, and with a malformed header', async () => {
    const none = await t.http().get('/api/items').expect(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(none.body.message).toMatch(/API key is required/);
    await t.http().get('/api/items').set(t.as('rh_not-a-key-anyone-holds')).expect(401);
    await t.http().get('/api/items').set('Authorization', 'Basic abc').expect(401);
  });

  it('lets an admin create a warehouse user whose key works at once, shown once and stored hashed', async () => {
    const created = await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: 'Dilnoza (gate 2)', role: 'warehouse' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Dilnoza (gate 2)',
      role: 'warehouse',
      // A warehouse user created without hubs belongs to the default hub.
      hubs: ['TMZ'],
      apiKey: expect.stringMatching(/^rh_[A-Za-z0-9_-]{43}$/),
    });
    await t.http().get('/api/items').set(t.as(created.body.apiKey)).expect(200);

    const [row] = await t.dataSource.query('SELECT * FROM "user" WHERE id = $1', [created.body.id]);
    expect(JSON.stringify(row)).not.toContain(created.body.apiKey);
    expect(row.api_key_hash).toMatch(/^[0-9a-f]{64}$/);

    const list = await t.http().get('/api/users').set(t.as()).expect(200);
    expect(list.body.items.map((u: { name: string }) => u.name)).toContain('Dilnoza (gate 2)');
    expect(JSON.stringify(list.body)).not.toContain('apiKey');
  });

  it('revokes a key at once', async () => {
    const created = await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: 'leaver', role: 'coordinator' })
      .expect(201);
    await t.http().get('/api/items').set(t.as(created.body.apiKey)).expect(200);
    await t.http().delete(`/api/users/${created.body.id}`).set(t.as()).expect(204);
    const revoked = await t.http().get('/api/items').set(t.as(created.body.apiKey)).expect(401);
    expect(revoked.body.message).toMatch(/revoked/);
    const list = await t.http().get('/api/users').set(t.as()).expect(200);
    expect(list.body.items.find((u: { id: string }) => u.id === created.body.id)).toMatchObject({
      active: false,
      revokedAt: expect.any(String),
    });
  });

  it('rotating a key retires the old one', async () => {
    const created = await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: 'rotator', role: 'warehouse' })
      .expect(201);
    const rotated = await t
      .http()
      .post(`/api/users/${created.body.id}/rotate-key`)
      .set(t.as())
      .expect(200);
    expect(rotated.body.apiKey).not.toEqual(created.body.apiKey);
    await t.http().get('/api/items').set(t.as(created.body.apiKey)).expect(401);
    await t.http().get('/api/items').set(t.as(rotated.body.apiKey)).expect(200);
  });

  it('gives 403 to roles that may not write the catalogue or manage users', async () => {
    const coordinator = await t.createUser('coordinator');
    const warehouse = await t.createUser('warehouse');
    const item = { sku: 'X-1', name: 'x', unit: 'piece', unitWeightKg: 1, unitVolumeM3: 0.1 };
    for (const key of [coordinator, warehouse]) {
      const denied = await t.http().post('/api/items').set(t.as(key)).send(item).expect(403);
      expect(denied.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      // Admin alone: named once (it said "it needs admin or admin").
      expect(denied.body.message).toMatch(
        /^Role "(coordinator|warehouse)" may not do this; it needs admin$/,
      );
      await t
        .http()
        .post('/api/users')
        .set(t.as(key))
        .send({ name: 'x', role: 'admin' })
        .expect(403);
      await t.http().get('/api/users').set(t.as(key)).expect(403);
    }
    await t.http().get('/api/items/X-1').set(t.as()).expect(404);
  });

  it('serves no route that does not say what it does (public, or a @Can action)', async () => {
    const reflector = t.app.get(Reflector);
    const undeclared: string[] = [];
    let routes = 0;
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const { metatype } of module.controllers.values()) {
        const controller = metatype as Type | null;
        if (!controller) continue;
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          if (name === 'constructor') continue; // the class, whose path metadata is its prefix
          const handler = controller.prototype[name];
          if (typeof handler !== 'function' || !Reflect.hasMetadata(PATH_METADATA, handler)) {
            continue;
          }
          routes++;
          const targets = [handler, controller];
          if (reflector.getAllAndOverride(IS_PUBLIC, targets)) {
            // Public to the API key guard: health, and the web app, which its own guard signs in.
            continue;
          }
          if (!reflector.getAllAndOverride(ACTION, targets)) {
            undeclared.push(`${controller.name}.${name}`);
          }
        }
      }
    }
    expect(routes).toBeGreaterThan(40);
    expect(undeclared).toEqual([]);
  });

  it('rejects bad user input with 4xx and duplicate names with 409', async () => {
    await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: 'a', role: 'superuser' })
      .expect(400);
    await t.http().post('/api/users').set(t.as()).send({ role: 'warehouse' }).expect(400);
    await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: 'b', role: 'warehouse', apiKey: 'mine' })
      .expect(400);
    await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: 'twin', role: 'warehouse' })
      .expect(201);
    const twin = await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: 'twin', role: 'coordinator' })
      .expect(409);
    expect(twin.body.message).toMatch(/twin/);
    await t.http().delete('/api/users/not-a-uuid').set(t.as()).expect(400);
    await t
      .http()
      .delete('/api/users/00000000-0000-4000-8000-000000000000')
      .set(t.as())
      .expect(404);
  });

  it('never revokes the last active admin', async () => {
    const users = await t.http().get('/api/users').set(t.as()).expect(200);
    const admin = users.body.items.find((u: { role: string }) => u.role === 'admin');
    const refused = await t.http().delete(`/api/users/${admin.id}`).set(t.as()).expect(422);
    expect(refused.body.message).toMatch(/last active admin/);
    await t.http().get('/api/items').set(t.as()).expect(200);
  });

  it('pages users newest first with a cursor', async () => {
    for (let i = 0; i < 5; i += 1) await t.createUser('coordinator', `user-${i}`);
    const first = await t.http().get('/api/users?limit=4').set(t.as()).expect(200);
    expect(first.body.items.map((u: { name: string }) => u.name)).toEqual([
      'user-4',
      'user-3',
      'user-2',
      'user-1',
    ]);
    const second = await t
      .http()
      .get(`/api/users?limit=4&cursor=${first.body.nextCursor}`)
      .set(t.as())
      .expect(200);
    expect(second.body.items.map((u: { name: string }) => u.name)).toEqual(['user-0', 'admin']);
    expect(second.body.nextCursor).toBeNull();
    await t.http().get('/api/users?cursor=garbage').set(t.as()).expect(400);
    await t.http().get('/api/users?limit=501').set(t.as()).expect(400);
    await t.http().get('/api/users?limit=0').set(t.as()).expect(400);
  });

  it("stores a web password only as an argon2id hash; an admin sets anyone's, a user their own", async () => {
    const created = await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: 'Aziza', role: 'warehouse', password: 'correct horse battery' })
      .expect(201);
    expect(created.body).not.toHaveProperty('password');
    const hashOf = async (id: string) =>
      (await t.dataSource.query('SELECT password_hash FROM "user" WHERE id = $1', [id]))[0]
        .password_hash as string | null;
    const first = await hashOf(created.body.id);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
    expect(first).not.toContain('correct horse');

    const short = await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: 'Short', role: 'warehouse', password: 'too short' })
      .expect(400);
    expect(short.body.message).toEqual(['password must be at least 10 characters']);

    const other = await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: 'Other', role: 'coordinator' })
      .expect(201);
    const listed = await t.http().get('/api/users').set(t.as()).expect(200);
    const flags = Object.fromEntries(
      listed.body.items.map((u: { name: string; hasPassword: boolean }) => [u.name, u.hasPassword]),
    );
    expect(flags).toMatchObject({ Aziza: true, Other: false });

    const own = created.body.apiKey as string;
    await t
      .http()
      .post(`/api/users/${created.body.id}/password`)
      .set(t.as(own))
      .send({ password: 'a new long password' })
      .expect(204);
    expect(await hashOf(created.body.id)).not.toBe(first);
    const refused = await t
      .http()
      .post(`/api/users/${other.body.id}/password`)
      .set(t.as(own))
      .send({ password: 'not yours to set' })
      .expect(403);
    expect(refused.body.message).toMatch(/Only an admin/);
    expect(await hashOf(other.body.id)).toBeNull();
    await t
      .http()
      .post(`/api/users/${other.body.id}/password`)
      .set(t.as())
      .send({ password: 'set by the admin' })
      .expect(204);
    expect(await hashOf(other.body.id)).toMatch(/^\$argon2id\$/);
    await t
      .http()
      .post(`/api/users/${other.body.id}/password`)
      .set(t.as())
      .send({ password: 'short' })
      .expect(400);
    await t
      .http()
      .post('/api/users/00000000-0000-4000-8000-000000000000/password')
      .set(t.as())
      .send({ password: 'nobody has this id' })
      .expect(404);
    const users = await t.http().get('/api/users').set(t.as()).expect(200);
    expect(JSON.stringify(users.body)).not.toContain('argon2');
  });
});
