import { addDays, lastFullWeek } from '../../src/common/time/zoned.js';
import { eventually } from '../support/eventually.js';
import { dropDatabase, freePort } from '../support/infra.js';
import { AppProcess, buildApp, runApp, START_MS, waitFor } from '../support/processes.js';
import { testDatabaseUrl } from '../support/test-app.js';

const ADMIN = 'cluster-admin-key-0123456789';
const DISPATCHES = 90;
const IN_FLIGHT = 6;
/** CRI-RHU, a Refugee Housing Unit: 161 kg. */
const UNIT_TONNES = 0.161;

// Production's layout in small: two API processes behind a client that fails over (as a load
// balancer would), two worker processes, one PostgreSQL database and one Redis prefix. One of
// each is killed with SIGKILL in the middle of a stream of dispatches.
describe('two API and two worker processes, one of each killed mid-load', () => {
  const url = testDatabaseUrl('cluster');
  const started: AppProcess[] = [];
  beforeAll(async () => {
    await buildApp();
    await dropDatabase(url);
  }, 300_000);
  afterAll(async () => {
    for (const app of started) app.child.kill('SIGKILL');
    await Promise.all(started.map((app) => app.exited));
    await dropDatabase(url);
  });

  it(
    'loses no dispatch, counts none twice, and keeps one weekly report per week',
    async () => {
      const env = {
        DATABASE_URL: url,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: `rh-test-${process.env.TEST_RUN_ID}-cluster`,
        ADMIN_API_KEY: ADMIN,
        // An event whose fold died with its worker is queued again after this, not 30 s.
        OUTBOX_REPUBLISH_AFTER_MS: '2000',
      };
      const ports = [await freePort(), await freePort()];
      const apis = ports.map((port) => runApp({ ...env, APP_ROLE: 'api', PORT: String(port) }));
      const workers = [0, 1].map(() => runApp({ ...env, APP_ROLE: 'worker' }));
      started.push(...apis, ...workers);
      for (const api of apis) await waitFor(() => api.out().includes('listening on'), 'an API');
      for (const worker of workers) {
        await waitFor(() => worker.out().includes('workers running'), 'a worker');
      }

      const alive = new Set([0, 1]);
      /** Sends to the API processes in turn, to the other one when one does not answer. */
      async function call<T = Record<string, unknown>>(
        path: string,
        body?: object,
        key?: string,
        turn = 0,
      ): Promise<{ status: number; body: T }> {
        for (let attempt = 0; ; attempt++) {
          const api = [...alive][(turn + attempt) % alive.size];
          try {
            const response = await fetch(`http://127.0.0.1:${ports[api]}${path}`, {
              method: body ? 'POST' : 'GET',
              headers: {
                Authorization: `Bearer ${ADMIN}`,
                'Content-Type': 'application/json',
                ...(key ? { 'Idempotency-Key': key } : {}),
              },
              body: body ? JSON.stringify(body) : undefined,
            });
            // 409: the same key still runs (on a process just killed, until PostgreSQL notices).
            if (response.status === 409 && key && attempt < 200) {
              await new Promise((resolve) => setTimeout(resolve, 50));
              continue;
            }
            return { status: response.status, body: (await response.json()) as T };
          } catch (error) {
            if (attempt >= 200) throw error;
          }
        }
      }

      expect(
        (
          await call('/api/receipts', {
            reference: 'R-CLUSTER',
            lines: [{ sku: 'CRI-RHU', quantity: 1000 }],
          })
        ).status,
      ).toBe(201);

      // Half the trucks left in each of the last two full weeks (hub time, Tashkent, UTC+5).
      const weeks = [lastFullWeek(new Date(), 'Asia/Tashkent')];
      weeks.unshift(addDays(weeks[0], -7));
      const dispatch = (i: number) => ({
        destination: 'TJ',
        truckPlate: `01 C ${String(i).padStart(3, '0')} AA`,
        dispatchedAt: `${addDays(weeks[i % 2], i % 7)}T10:${String(i % 60).padStart(2, '0')}:00+05:00`,
        lines: [{ sku: 'CRI-RHU', quantity: 1 }],
      });

      let next = 0;
      let done = 0;
      const statuses: number[] = [];
      const killed = new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (done < DISPATCHES / 3) return;
          clearInterval(check);
          // Mid-load: one API process and one worker die without a chance to clean up.
          alive.delete(0);
          apis[0].child.kill('SIGKILL');
          workers[0].child.kill('SIGKILL');
          resolve();
        }, 5);
      });
      const reportsDuringLoad: Promise<unknown>[] = [];
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async (_, lane) => {
          while (next < DISPATCHES) {
            const i = next++;
            const answer = await call('/api/dispatches', dispatch(i), `cluster-${i}`, i);
            statuses.push(answer.status);
            done++;
            if (i % 30 === lane) {
              reportsDuringLoad.push(call('/api/reports/weekly', { weekStart: weeks[i % 2] }));
            }
          }
        }),
      );
      await killed;
      expect(await apis[0].exited).toEqual([null, 'SIGKILL']);
      expect(await workers[0].exited).toEqual([null, 'SIGKILL']);
      expect(statuses).toEqual(Array(DISPATCHES).fill(201));

      // Exactly once: every dispatch counted, none twice, the stock taken once per truck.
      const perWeek = [0, 1].map(
        (w) => Array.from({ length: DISPATCHES }).filter((_, i) => i % 2 === w).length,
      );
      await eventually(
        async () =>
          expect((await call('/api/stats/dispatches')).body).toMatchObject({
            trucks: DISPATCHES,
            tonnes: Number((DISPATCHES * UNIT_TONNES).toFixed(3)),
            pendingEvents: 0,
          }),
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      const series = await call<{
        items: { periodStart: string; trucks: number; tonnes: number }[];
      }>(
        `/api/stats/dispatches/timeseries?interval=week&from=${weeks[0]}&to=${addDays(weeks[1], 6)}`,
      );
      expect(series.body.items.map((p) => [p.periodStart, p.trucks, p.tonnes])).toEqual(
        weeks.map((week, w) => [week, perWeek[w], Number((perWeek[w] * UNIT_TONNES).toFixed(3))]),
      );
      expect((await call('/api/stock/CRI-RHU')).body).toMatchObject({ onHand: 1000 - DISPATCHES });

      // Each week's report built again now (any process may run it): one report per week.
      await Promise.all(reportsDuringLoad);
      const jobs = await Promise.all(
        [...weeks, ...weeks].map(
          async (weekStart) =>
            (await call<{ jobId: string }>('/api/reports/weekly', { weekStart })).body.jobId,
        ),
      );
      for (const jobId of jobs) {
        await eventually(
          async () =>
            expect((await call(`/api/reports/weekly/jobs/${jobId}`)).body).toMatchObject({
              state: 'completed',
            }),
          { timeoutMs: 60_000, intervalMs: 100 },
        );
      }
      const reports = (
        await call<{ items: { weekStart: string; trucks: number }[] }>('/api/reports/weekly')
      ).body.items;
      expect(reports.map((r) => [r.weekStart, r.trucks])).toEqual(
        [weeks[1], weeks[0]].map((week, i) => [week, perWeek[1 - i]]),
      );
    },
    4 * START_MS,
  );
});
