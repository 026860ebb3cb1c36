import { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger as PinoLogger } from 'pino';
import request from 'supertest';
import { DataSource, EntityManager } from 'typeorm';
import { ensureAdmin } from '../../src/auth/admin-bootstrap.js';
import { createApp } from '../../src/app.factory.js';
import { Environment, validateEnvironment } from '../../src/config/environment.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { ADVISORY_LOCK } from '../../src/database/advisory-locks.js';
import { ChangeNotifications, notifyChange } from '../../src/database/change-notifications.js';
import { retryOnConflict } from '../../src/database/transaction.js';
import { createRootLogger } from '../../src/logger.js';
import { seedReferenceData } from '../../src/reference-data/reference-data.seeder.js';

export const ADMIN_KEY = 'rh_test-admin-key-0123456789abcdef';

const runId = () => process.env.TEST_RUN_ID ?? `local${process.pid}`;
const worker = () => process.env.JEST_WORKER_ID ?? '1';

/** A database of this run's own; `suffix` gives a test a fresh one besides its worker's. */
export function testDatabaseUrl(suffix = `w${worker()}`): string {
  return `postgres://postgres@127.0.0.1:5432/relief_hub_test_${runId()}_${suffix}`;
}

export function testEnvironment(overrides: Record<string, string> = {}): Environment {
  return validateEnvironment({
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `rh-test-${runId()}-w${worker()}`,
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export interface TestApp {
  app: NestExpressApplication;
  dataSource: DataSource;
  /** supertest over the app's real HTTP server. */
  http(): ReturnType<typeof request>;
  /** Headers of a request signed with this key (the admin's by default). */
  as(apiKey?: string): Record<string, string>;
  /** Empties every table and queue, then seeds reference data and the admin again. */
  reset(): Promise<void>;
  /** A new user of that role, returning its API key. */
  createUser(role: 'admin' | 'warehouse' | 'coordinator', name?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole app (API and workers, as `npm start` runs it) on this worker's database and Redis;
 * `logger` (at the level it was made with) instead of the process's, for a test that reads logs.
 */
export async function startTestApp(
  overrides: Record<string, string> = {},
  logger?: PinoLogger,
): Promise<TestApp> {
  const env = testEnvironment(overrides);
  const running = await createApp(env, logger ?? createRootLogger(env));
  if (running.role === 'worker') throw new Error('startTestApp serves HTTP; use role all or api');
  const app = running.context;
  await app.init();
  const dataSource = app.get(DataSource);
  const http = () => request(app.getHttpServer());
  let users = 0;

  const testApp: TestApp = {
    app,
    dataSource,
    http,
    as: (apiKey = ADMIN_KEY) => ({ Authorization: `Bearer ${apiKey}` }),
    async reset() {
      const tables = dataSource.entityMetadatas.map((m) => `"${m.tableName}"`).join(', ');
      // A fold in flight holds outbox_event and then reads dispatch, while TRUNCATE locks
      // dispatch and then outbox_event: a deadlock. Folds (and the relay) hold this lock
      // shared, so taking it exclusively waits for them and keeps them out meanwhile; other
      // workers (energy rollups) may still collide, so retry as the app's own writes do.
      // Every process on the database forgets what it kept of the rows emptied here.
      let emptied: EntityManager | undefined;
      await retryOnConflict(() =>
        dataSource.transaction(async (manager) => {
          await manager.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK.rollups]);
          await manager.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
          await notifyChange(manager, '*');
          emptied = manager;
        }),
      );
      await app.get(ChangeNotifications).delivered(emptied!);
      await dataSource.transaction(async (manager) => {
        await seedReferenceData(manager);
        await ensureAdmin(manager, env.ADMIN_API_KEY, env.ADMIN_PASSWORD);
      });
      const jobs = app.get(JobsService, { strict: false });
      await Promise.all(jobs.allQueues().map((queue) => queue.obliterate({ force: true })));
    },
    async createUser(role, name) {
      users += 1;
      const response = await http()
        .post('/api/users')
        .set(testApp.as())
        .send({ name: name ?? `${role}-${users}-${Date.now()}`, role })
        .expect(201);
      return response.body.apiKey as string;
    },
    close: () => app.close(),
  };
  return testApp;
}
