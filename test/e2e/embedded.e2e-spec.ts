import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answers } from '../../src/embedded/embedded-services.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/infra.js';
import { AppProcess, buildApp, runApp, START_MS, waitFor } from '../support/processes.js';

const ADMIN = 'embedded-admin-key-0123456789';

/** The ports the log says the embedded PostgreSQL and Redis listen on. */
function portsOf(app: AppProcess): { postgres: number; redis: number } {
  const postgres = /Started embedded PostgreSQL on 127\.0\.0\.1:(\d+)/.exec(app.out())?.[1];
  const redis = /Started redis-server \([^)]+\) on 127\.0\.0\.1:(\d+)/.exec(app.out())?.[1];
  return { postgres: Number(postgres), redis: Number(redis) };
}

// `npm start` on a machine with only Node: DATABASE_URL=embedded REDIS_URL=embedded, the data in
// a folder of its own, kept from one start to the next.
describe('the embedded PostgreSQL and Redis', () => {
  let dataDir: string;
  const started: AppProcess[] = [];
  beforeAll(async () => {
    await buildApp();
    dataDir = await mkdtemp(join(tmpdir(), 'relief-hub-embedded-'));
    // mkdtemp makes it 0700; run as root, PostgreSQL runs as the user postgres, which must get in.
    await chmod(dataDir, 0o755);
  }, 300_000);
  afterAll(async () => {
    for (const app of started) app.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(port: number): Promise<AppProcess> {
    const app = runApp({
      DATABASE_URL: 'embedded',
      REDIS_URL: 'embedded',
      DATA_DIR: dataDir,
      PORT: String(port),
      ADMIN_API_KEY: ADMIN,
    });
    started.push(app);
    await waitFor(() => app.out().includes('listening on') || app.child.exitCode !== null, 'start');
    expect(app.err()).toBe('');
    return app;
  }

  async function stop(app: AppProcess): Promise<void> {
    const { postgres, redis } = portsOf(app);
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual([null, 'SIGTERM']);
    // Both went down with it.
    expect([await answers(postgres), await answers(redis)]).toEqual([false, false]);
  }

  it(
    'records a dispatch, folds it into the statistics, and still has both after a restart',
    async () => {
      const began = Date.now();
      const port = await freePort();
      const call = async (path: string, body?: object) => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, {
          method: body ? 'POST' : 'GET',
          headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
          body: body ? JSON.stringify(body) : undefined,
        });
        return {
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        };
      };

      const first = await start(port);
      expect(first.out()).toContain(`(data in ${join(dataDir, 'postgres')}, new)`);
      expect(first.out()).toContain(`(data in ${join(dataDir, 'redis')}, append-only)`);
      const { postgres, redis } = portsOf(first);
      // 5432 and 6379 answer on this machine (the shared servers): the embedded ones took others.
      expect([postgres, redis]).not.toContain(5432);
      expect([postgres, redis]).not.toContain(6379);

      const receipt = await call('/api/receipts', {
        reference: 'R-EMB-1',
        lines: [{ sku: 'CRI-RHU', quantity: 5 }],
      });
      expect(receipt.status).toBe(201);
      const dispatch = await call('/api/dispatches', {
        destination: 'TJ',
        truckPlate: '01 A 001 AA',
        lines: [{ sku: 'CRI-RHU', quantity: 2 }],
      });
      expect(dispatch.status).toBe(201);
      await eventually(
        async () =>
          expect((await call('/api/stats/dispatches')).body).toMatchObject({
            trucks: 1,
            tonnes: 0.322,
            pendingEvents: 0,
          }),
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      // A job kept in Redis, to find again after the restart (append-only file).
      const rebuild = await call('/api/stats/rebuild', {});
      expect(rebuild.status).toBe(202);
      const jobId = rebuild.body.jobId as string;
      await eventually(
        async () =>
          expect((await call(`/api/stats/rebuild/${jobId}`)).body).toMatchObject({
            state: 'completed',
          }),
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      await stop(first);
      const firstRun = Date.now() - began;

      const second = await start(port);
      expect(second.out()).toContain(`(data in ${join(dataDir, 'postgres')}); it stops`);
      expect(second.out()).not.toContain('Applied migration');
      expect((await call('/api/stats/dispatches')).body).toMatchObject({
        trucks: 1,
        tonnes: 0.322,
      });
      expect((await call('/api/stock/CRI-RHU')).body).toMatchObject({ onHand: 3 });
      expect((await call(`/api/stats/rebuild/${jobId}`)).body).toMatchObject({
        state: 'completed',
      });
      await stop(second);
      // How long a first start (initdb, migrations) and a second one take here, for the README.
      console.info(
        `embedded: first run ${(firstRun / 1000).toFixed(1)} s, whole test ${((Date.now() - began) / 1000).toFixed(1)} s`,
      );
    },
    3 * START_MS,
  );

  it(
    'stops the servers a killed relief-hub left running, and starts on the same data',
    async () => {
      const port = await freePort();
      const killed = await start(port);
      const left = portsOf(killed);
      killed.child.kill('SIGKILL');
      await killed.exited;
      // Orphans: still serving, still holding the data folder.
      expect([await answers(left.postgres), await answers(left.redis)]).toEqual([true, true]);

      const next = await start(port);
      expect(next.out()).toMatch(/Stopped an embedded PostgreSQL \(pid \d+\) left running/);
      expect(next.out()).toMatch(/Stopped an embedded Redis \(pid \d+\) left running/);
      expect([await answers(left.postgres), await answers(left.redis)]).toEqual([false, false]);
      const stats = await fetch(`http://127.0.0.1:${port}/api/stats/dispatches`, {
        headers: { Authorization: `Bearer ${ADMIN}` },
      });
      expect(await stats.json()).toMatchObject({ trucks: 1, tonnes: 0.322 });
      await stop(next);
    },
    3 * START_MS,
  );

  it('is refused to a separate API or worker process, which shares its servers', async () => {
    const worker = runApp({ APP_ROLE: 'worker', REDIS_URL: 'embedded', DATA_DIR: dataDir });
    expect(await worker.exited).toEqual([1, null]);
    expect(worker.err().trim()).toBe(
      "Invalid configuration: REDIS_URL=embedded serves a single APP_ROLE=all process; APP_ROLE=worker needs a shared server's URL",
    );
    expect(worker.out()).toBe('');
  });
});
