import { Logger as PinoLogger } from 'pino';
import { DataSource } from 'typeorm';
import { ensureAdmin } from './auth/admin-bootstrap.js';
import { Environment } from './config/environment.js';
import { seedReferenceData } from './reference-data/reference-data.seeder.js';
import { ADVISORY_LOCK } from './database/advisory-locks.js';
import { ensureDatabaseExists } from './database/database-bootstrap.js';
import { DatabaseUnavailableError } from './database/database-unavailable.error.js';
import { migratingDataSourceOptions } from './database/database.options.js';
import { ENTITIES } from './entities.js';

/**
 * Everything the database needs before the app serves: created when missing, migrated, reference
 * data seeded, an admin present. Runs before Nest starts, once per process, under a lock.
 */
export async function prepareDatabase(
  env: Pick<Environment, 'DATABASE_URL' | 'ADMIN_API_KEY' | 'ADMIN_PASSWORD'>,
  log: PinoLogger,
): Promise<void> {
  try {
    await migrateAndSeed(env, log);
  } catch (error) {
    throw DatabaseUnavailableError.from(error, env.DATABASE_URL) ?? error;
  }
}

async function migrateAndSeed(
  env: Pick<Environment, 'DATABASE_URL' | 'ADMIN_API_KEY' | 'ADMIN_PASSWORD'>,
  log: PinoLogger,
): Promise<void> {
  if (await ensureDatabaseExists(env.DATABASE_URL)) {
    log.info(`Created database ${new URL(env.DATABASE_URL).pathname.slice(1)}`);
  }
  const dataSource = new DataSource({
    ...(await migratingDataSourceOptions(env.DATABASE_URL, ENTITIES)),
    extra: { max: 2 },
  });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK.startup]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) log.info(`Applied migration ${migration.name}`);
    await dataSource.transaction(async (manager) => {
      await seedReferenceData(manager);
      const admin = await ensureAdmin(manager, env.ADMIN_API_KEY, env.ADMIN_PASSWORD);
      if (admin.generatedApiKey) {
        log.warn(
          `Created admin user "${admin.name}". Its API key, shown only this once: ${admin.generatedApiKey}`,
        );
      } else if (admin.name) {
        log.info(`Created admin user "${admin.name}" holding ADMIN_API_KEY`);
      }
      if (admin.password?.given) {
        log.info(
          `Gave admin user "${admin.password.admin}" the password in ADMIN_PASSWORD: sign in at /app/login`,
        );
      } else if (admin.password) {
        log.info(
          `ADMIN_PASSWORD left unused: admin user "${admin.password.admin}" has a password already (change it with POST /api/users/:id/password)`,
        );
      }
    });
  } finally {
    await lock
      .query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK.startup])
      .catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}
