import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dropDatabase, freePort } from '../support/infra.js';
import { testDatabaseUrl } from '../support/test-app.js';

const root = new URL('../../', import.meta.url).pathname;

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, out: () => stdout, err: () => stderr };
}

// A fresh database is created and migrated before the app listens: on a machine busy with the
// rest of the suite that has taken more than 30 s. A timeout shows what the process printed.
async function waitFor(
  condition: () => boolean,
  what: string,
  child?: ReturnType<typeof run>,
  ms = 90_000,
) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) {
      const output = child ? `; it printed:\n${child.out()}${child.err()}` : '';
      throw new Error(`timed out waiting for ${what}${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The built app as `npm start` runs it: a real process, its own fresh database.
describe('the relief-hub process', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build'], {
      cwd: root,
    });
  }, 120_000);

  it('creates its database, prints the admin key, serves, and stops cleanly on SIGTERM', async () => {
    const url = testDatabaseUrl('process');
    await dropDatabase(url);
    const port = await freePort();
    const app = run({
      DATABASE_URL: url,
      PORT: String(port),
      REDIS_PREFIX: `rh-test-${process.env.TEST_RUN_ID}-process`,
    });
    try {
      await waitFor(() => app.out().includes('listening on'), 'the app to listen', app);
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
  }, 180_000);

  it('runs the API and the workers as separate processes, the worker folding what the API records', async () => {
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
      await waitFor(() => api.out().includes('listening on'), 'the API to listen', api);
      await waitFor(() => worker.out().includes('workers running'), 'the workers to run', worker);
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
      let stats = { trucks: 0, tonnes: 0, pendingEvents: 1 };
      const deadline = Date.now() + 30_000;
      while ((stats.trucks !== 1 || stats.pendingEvents !== 0) && Date.now() < deadline) {
        stats = (await (await call('/api/stats/dispatches')).json()) as typeof stats;
        if (stats.trucks !== 1) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(stats).toMatchObject({ trucks: 1, tonnes: 0.322, pendingEvents: 0 });
      // The worker serves no HTTP.
      expect(worker.out()).not.toContain('listening on');
    } finally {
      api.child.kill('SIGTERM');
      worker.child.kill('SIGTERM');
      expect(await api.exited).toEqual([null, 'SIGTERM']);
      expect(await worker.exited).toEqual([null, 'SIGTERM']);
      await dropDatabase(url);
    }
  }, 180_000);

  it('refuses to start on bad configuration, with one line naming the variable', async () => {
    const app = run({ PORT: 'not-a-port' });
    expect(await app.exited).toEqual([1, null]);
    expect(app.err().trim()).toBe(
      'Invalid configuration: PORT must be an integer number (got "not-a-port")',
    );
    expect(app.out()).toBe('');
  });
});
