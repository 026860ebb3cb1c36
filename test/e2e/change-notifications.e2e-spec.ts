import pg from 'pg';
import { CHANGE_LISTENER } from '../../src/database/change-notifications.js';
import { eventually } from '../support/eventually.js';
import { dropDatabase, freePort } from '../support/infra.js';
import { AppProcess, buildApp, runApp, START_MS, waitFor } from '../support/processes.js';
import { testDatabaseUrl } from '../support/test-app.js';

const ADMIN = 'caches-admin-key-0123456789';
const SKU = 'CRI-BLANKET-HT';

/** What these tests read of the answers. */
interface Body {
  id: string;
  apiKey: string;
  message: string;
  role: string;
  lines: { quantity: number; unitWeightKg: number }[];
  emissions: { distanceKm: number };
}

interface Answer {
  status: number;
  body: Body;
}

// Two API processes on one database, each with its own caches of keys and catalogue: a change
// made through A must be what B serves on the very next request (issue 19: "revocation takes
// effect at once" with the key lookup cached).
describe('caches of two processes, kept right by change notifications', () => {
  const url = testDatabaseUrl('caches');
  const started: AppProcess[] = [];
  const ports: number[] = [];
  /** On the test's database, and on `postgres` for what must not run on it. */
  let db: pg.Client;
  let server: pg.Client;

  beforeAll(async () => {
    await buildApp();
    await dropDatabase(url);
    const env = {
      DATABASE_URL: url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `rh-test-${process.env.TEST_RUN_ID}-caches`,
      ADMIN_API_KEY: ADMIN,
    };
    // One after the other: both would migrate the new database at once otherwise.
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const app = runApp({ ...env, APP_ROLE: 'api', PORT: String(port) });
      started.push(app);
      ports.push(port);
      await waitFor(() => app.out().includes('listening on'), 'an API');
    }
    db = new pg.Client({ connectionString: url });
    await db.connect();
    server = new pg.Client({ connectionString: new URL('/postgres', url).href });
    await server.connect();
  }, START_MS * 3);

  afterAll(async () => {
    await db?.end();
    await server?.end();
    for (const app of started) app.child.kill('SIGTERM');
    await Promise.all(started.map((app) => app.exited));
    await dropDatabase(url);
  });

  async function call(
    process: 'A' | 'B',
    method: string,
    path: string,
    key = ADMIN,
    body?: object,
  ): Promise<Answer> {
    const response = await fetch(`http://127.0.0.1:${ports[process === 'A' ? 0 : 1]}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Body };
  }

  let users = 0;
  async function newUser(role: string, hubs?: string[]): Promise<{ id: string; apiKey: string }> {
    users += 1;
    const created = await call('A', 'POST', '/api/users', ADMIN, {
      name: `user-${users}`,
      role,
      ...(hubs ? { hubs } : {}),
    });
    expect(created.status).toBe(201);
    return { id: created.body.id, apiKey: created.body.apiKey };
  }

  const adjust = (key: string, hub = 'TMZ', delta = 100) =>
    call('B', 'POST', '/api/stock/adjustments', key, {
      hub,
      sku: SKU,
      delta,
      reason: 'OPENING_BALANCE',
    });
  const dispatch = (key: string, lines: object[] = [{ sku: SKU, quantity: 1 }]) =>
    call('B', 'POST', '/api/dispatches', key, { destination: 'AF', truckPlate: '01A123BC', lines });

  it('refuses a key revoked through A on the next request to B, every time', async () => {
    for (let round = 0; round < 8; round++) {
      const user = await newUser('warehouse');
      // Twice: the first request fills B's cache, the second is answered from it.
      expect((await call('B', 'GET', '/api/items', user.apiKey)).status).toBe(200);
      expect((await call('B', 'GET', '/api/items', user.apiKey)).status).toBe(200);
      expect((await call('A', 'DELETE', `/api/users/${user.id}`)).status).toBe(204);
      expect((await call('B', 'GET', '/api/items', user.apiKey)).status).toBe(401);
    }
  });

  it('serves a rotated key on B at once, and refuses the old one', async () => {
    const user = await newUser('warehouse');
    expect((await call('B', 'GET', '/api/users/me', user.apiKey)).status).toBe(200);
    const rotated = await call('A', 'POST', `/api/users/${user.id}/rotate-key`);
    expect(rotated.status).toBe(200);
    expect((await call('B', 'GET', '/api/users/me', user.apiKey)).status).toBe(401);
    const me = await call('B', 'GET', '/api/users/me', rotated.body.apiKey);
    expect([me.status, me.body.id]).toEqual([200, user.id]);
  });

  it("applies a role change and a hub's removal made through A to B's next request", async () => {
    const clerk = await newUser('warehouse');
    expect((await adjust(clerk.apiKey)).status).toBe(201);
    const demoted = await call('A', 'PATCH', `/api/users/${clerk.id}`, ADMIN, {
      role: 'coordinator',
    });
    expect(demoted.status).toBe(200);
    expect((await adjust(clerk.apiKey)).status).toBe(403);
    expect((await call('B', 'GET', '/api/users/me', clerk.apiKey)).body.role).toBe('coordinator');

    const hub = await call('A', 'POST', '/api/hubs', ADMIN, {
      code: 'DXB',
      name: 'Dubai',
      timeZone: 'Asia/Dubai',
    });
    expect(hub.status).toBe(201);
    const roamer = await newUser('warehouse', ['DXB', 'TMZ']);
    expect((await adjust(roamer.apiKey, 'DXB')).status).toBe(201);
    const moved = await call('A', 'PATCH', `/api/users/${roamer.id}`, ADMIN, { hubs: ['TMZ'] });
    expect(moved.status).toBe(200);
    const refused = await adjust(roamer.apiKey, 'DXB');
    expect([refused.status, refused.body.message]).toEqual([403, 'You do not act at hub DXB']);
    expect((await adjust(roamer.apiKey, 'TMZ')).status).toBe(201);
  });

  it("dispatches through B at the catalogue, kit and route as A's edits left them", async () => {
    const clerk = await newUser('warehouse');
    expect((await adjust(clerk.apiKey, 'TMZ', 10_000)).status).toBe(201);
    const first = await dispatch(clerk.apiKey);
    expect(first.status).toBe(201);
    expect(first.body.lines[0].unitWeightKg).toBe(1.5);
    expect(first.body.emissions.distanceKm).toBe(90);

    const edited = await call('A', 'PATCH', `/api/items/${SKU}`, ADMIN, { unitWeightKg: 1.75 });
    expect(edited.status).toBe(200);
    const route = await call('A', 'PUT', '/api/routes/TMZ/AF', ADMIN, { distanceKm: 95 });
    expect(route.status).toBe(200);
    const second = await dispatch(clerk.apiKey);
    expect(second.status).toBe(201);
    expect(second.body.lines[0].unitWeightKg).toBe(1.75);
    expect(second.body.emissions.distanceKm).toBe(95);

    const kit = await call('A', 'POST', '/api/kits', ADMIN, {
      code: 'BLANKETS',
      name: 'Blankets',
      components: [{ sku: SKU, quantity: 2 }],
    });
    expect(kit.status).toBe(201);
    const byKit = () => dispatch(clerk.apiKey, [{ kit: 'BLANKETS', quantity: 1 }]);
    expect((await byKit()).body.lines[0].quantity).toBe(2);
    const recomposed = await call('A', 'PATCH', '/api/kits/BLANKETS', ADMIN, {
      components: [{ sku: SKU, quantity: 3 }],
    });
    expect(recomposed.status).toBe(200);
    const third = await byKit();
    expect([third.body.lines[0].quantity, third.body.lines[0].unitWeightKg]).toEqual([3, 1.75]);
  });

  it("forgets everything on an operator's notification after a hand edit, and survives junk", async () => {
    const user = await newUser('warehouse');
    expect((await call('B', 'GET', '/api/items', user.apiKey)).status).toBe(200);
    await db.query('UPDATE "user" SET revoked_at = now() WHERE id = $1', [user.id]);
    await db.query(
      `SELECT pg_notify('relief_hub_changes', 'null'), pg_notify('relief_hub_changes', '[')`,
    );
    await db.query(`SELECT pg_notify('relief_hub_changes', '{"t":"*","n":"manual"}')`);
    await eventually(
      async () => expect((await call('B', 'GET', '/api/items', user.apiKey)).status).toBe(401),
      { timeoutMs: 5_000 },
    );
    expect((await call('A', 'GET', '/api/items')).status).toBe(200);
  });

  it('reads the database while the listener is lost, and caches again once it is back', async () => {
    const dbName = new URL(url).pathname.slice(1);
    const listeners = async () =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = $1 AND application_name LIKE $2`,
          [dbName, `${CHANGE_LISTENER} %`],
        )
      ).rows[0].n;
    const revokeBySql = (id: string) =>
      db.query('UPDATE "user" SET revoked_at = now() WHERE id = $1', [id]);
    expect(await listeners()).toBe(2);

    // A hand edit sends no notification: while the listener listens, B keeps the key a while.
    const kept = await newUser('warehouse');
    expect((await call('B', 'GET', '/api/items', kept.apiKey)).status).toBe(200);
    await revokeBySql(kept.id);
    expect((await call('B', 'GET', '/api/items', kept.apiKey)).status).toBe(200);

    // The listeners lose their connections and cannot reconnect for now.
    const cut = await newUser('warehouse');
    const during = await newUser('warehouse');
    expect((await call('B', 'GET', '/api/items', cut.apiKey)).status).toBe(200);
    await server.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
    try {
      await server.query(
        `SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
          WHERE datname = $1 AND application_name LIKE $2`,
        [dbName, `${CHANGE_LISTENER} %`],
      );
      expect(await listeners()).toBe(0);
      // What B kept before the loss is not used: the hand edit is seen at once.
      await revokeBySql(cut.id);
      expect((await call('B', 'GET', '/api/items', cut.apiKey)).status).toBe(401);
      // Nor is anything kept while the listener is away.
      expect((await call('B', 'GET', '/api/items', during.apiKey)).status).toBe(200);
      await revokeBySql(during.id);
      expect((await call('B', 'GET', '/api/items', during.apiKey)).status).toBe(401);
    } finally {
      await server.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
    }

    // Back, each process says so, and B caches again (the hand edit waits for the backstop).
    await eventually(async () => expect(await listeners()).toBe(2), { timeoutMs: 30_000 });
    for (const app of started) {
      await waitFor(() => app.out().includes('Listening for changes again'), 'a listener back');
    }
    const after = await newUser('warehouse');
    expect((await call('B', 'GET', '/api/items', after.apiKey)).status).toBe(200);
    await revokeBySql(after.id);
    expect((await call('B', 'GET', '/api/items', after.apiKey)).status).toBe(200);
    // And a revocation through A reaches B again.
    const last = await newUser('warehouse');
    expect((await call('B', 'GET', '/api/items', last.apiKey)).status).toBe(200);
    expect((await call('A', 'DELETE', `/api/users/${last.id}`)).status).toBe(204);
    expect((await call('B', 'GET', '/api/items', last.apiKey)).status).toBe(401);
  });
});
