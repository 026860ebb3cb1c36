import { eventually } from '../support/eventually.js';
import { dropDatabase, freePort } from '../support/infra.js';
import { buildApp, runApp as run, START_MS, waitFor } from '../support/processes.js';
import { testDatabaseUrl } from '../support/test-app.js';

// The built app as `npm start` runs it: a real process, its own fresh database.
describe('the relief-hub process', () => {
  beforeAll(() => buildApp(), 300_000);

  it(
    'creates its database, prints the admin key, serves, and stops cleanly on SIGTERM',
    async () => {
      const url = testDatabaseUrl('process');
      await dropDatabase(url);
      const port = await freePort();
      const app = run({
        DATABASE_URL: url,
        PORT: String(port),
        REDIS_PREFIX: `rh-test-${process.env.TEST_RUN_ID}-process`,
      });
      try {
        await waitFor(() => app.out().includes('listening on'), 'the app to listen');
        expect(app.out()).toContain(
          `the API at http://localhost:${port}/api (docs at /api/docs), the staff web app at http://localhost:${port}/app`,
        );
        const key = /API key, shown only this once: (rh_[A-Za-z0-9_-]+)/.exec(app.out())?.[1];
        expect(key).toBeDefined();
        const items = await fetch(`http://127.0.0.1:${port}/api/items`, {
          headers: { Authorization: `Bearer ${key}` },
        });
        expect(items.status).toBe(200);
        expect(((await items.json()) as { items: unknown[] }).items).toHaveLength(10);
        // Nest closes HTTP, workers and connections, then re-raises the signal: exit by SIGTERM.
        app.child.kill('SIGTERM');
        expect(await app.exited).toEqual([null, 'SIGTERM']);
      } finally {
        app.child.kill('SIGKILL');
        await dropDatabase(url);
      }
    },
    3 * START_MS,
  );

  it(
    'runs the API and the workers as separate processes, the worker folding what the API records',
    async () => {
      const url = testDatabaseUrl('roles');
      await dropDatabase(url);
      const port = await freePort();
      const env = {
        DATABASE_URL: url,
        ADMIN_API_KEY: 'roles-admin-key-0123456789',
        REDIS_PREFIX: `rh-test-${process.env.TEST_RUN_ID}-roles`,
      };
      const api = run({ ...env, APP_ROLE: 'api', PORT: String(port) });
      const worker = run({ ...env, APP_ROLE: 'worker' });
      try {
        await waitFor(() => api.out().includes('listening on'), 'the API to listen');
        await waitFor(() => worker.out().includes('workers running'), 'the workers to run');
        const call = (path: string, body?: object) =>
          fetch(`http://127.0.0.1:${port}${path}`, {
            method: body ? 'POST' : 'GET',
            headers: {
              Authorization: `Bearer ${env.ADMIN_API_KEY}`,
              'Content-Type': 'application/json',
            },
            body: body ? JSON.stringify(body) : undefined,
          });
        expect(
          (
            await call('/api/receipts', {
              reference: 'R-1',
              lines: [{ sku: 'CRI-RHU', quantity: 5 }],
            })
          ).status,
        ).toBe(201);
        const dispatch = await call('/api/dispatches', {
          destination: 'TJ',
          truckPlate: '01 A 001 AA',
          lines: [{ sku: 'CRI-RHU', quantity: 2 }],
        });
        expect(dispatch.status).toBe(201);
        await eventually(
          async () =>
            expect(await (await call('/api/stats/dispatches')).json()).toMatchObject({
              trucks: 1,
              tonnes: 0.322,
              pendingEvents: 0,
            }),
          { timeoutMs: 30_000, intervalMs: 50 },
        );
        // The worker serves no HTTP.
        expect(worker.out()).not.toContain('listening on');
      } finally {
        api.child.kill('SIGTERM');
        worker.child.kill('SIGTERM');
        expect(await api.exited).toEqual([null, 'SIGTERM']);
        expect(await worker.exited).toEqual([null, 'SIGTERM']);
        await dropDatabase(url);
      }
    },
    3 * START_MS,
  );

  it('refuses to start on bad configuration, with one line naming the variable', async () => {
    const app = run({ PORT: 'not-a-port' });
    expect(await app.exited).toEqual([1, null]);
    expect(app.err().trim()).toBe(
      'Invalid configuration: PORT must be an integer number (got "not-a-port")',
    );
    expect(app.out()).toBe('');
  });

  it('says in one line when PostgreSQL cannot be reached or refuses the user', async () => {
    const port = await freePort();
    const unreachable = run({ DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${port}/rh` });
    expect(await unreachable.exited).toEqual([1, null]);
    expect(unreachable.err().trim()).toBe(
      `PostgreSQL is not reachable at 127.0.0.1:${port} (DATABASE_URL): ECONNREFUSED`,
    );
    const refused = run({ DATABASE_URL: 'postgres://no_such_user@127.0.0.1:5432/rh' });
    expect(await refused.exited).toEqual([1, null]);
    expect(refused.err().trim()).toMatch(
      /^PostgreSQL at 127\.0\.0\.1:5432 refused user "no_such_user" \(DATABASE_URL\): .*no_such_user.*$/,
    );
  });

  it(
    'with Redis unreachable: serves, says so once, and still exits soon after SIGTERM',
    async () => {
      const url = testDatabaseUrl('redis-down');
      await dropDatabase(url);
      const [port, redisPort] = [await freePort(), await freePort()];
      const app = run({
        DATABASE_URL: url,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        PORT: String(port),
        ADMIN_API_KEY: 'redis-down-admin-key-0123456789',
      });
      try {
        await waitFor(() => app.out().includes('listening on'), 'the app to listen');
        await waitFor(() => app.out().includes('Redis is unreachable'), 'the Redis line');
        const health = await fetch(`http://127.0.0.1:${port}/api/health`);
        expect(health.status).toBe(503);
        // Reconnections go on meanwhile; they are not printed one by one.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        expect(app.out().match(/Redis is unreachable/g)).toHaveLength(1);
        expect(app.err()).toBe('');
        app.child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const exited = await Promise.race([
          app.exited,
          new Promise<'still running'>((resolve) => {
            timer = setTimeout(() => resolve('still running'), 30_000);
          }),
        ]).finally(() => clearTimeout(timer)); // a pending timer kept jest's worker alive
        expect(exited).toEqual([1, null]);
        expect(app.out()).toContain('Shutdown did not finish within 8 s');
      } finally {
        app.child.kill('SIGKILL');
        await dropDatabase(url);
      }
    },
    3 * START_MS,
  );
});
