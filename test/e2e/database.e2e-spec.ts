import { DataSource } from 'typeorm';
import { migratingDataSourceOptions } from '../../src/database/database.options.js';
import { ENTITIES } from '../../src/entities.js';
import { dropDatabase } from '../support/infra.js';
import { startTestApp, TestApp, testDatabaseUrl } from '../support/test-app.js';

describe('database', () => {
  it('has migrations that match the entities (generate finds nothing to do)', async () => {
    const t = await startTestApp();
    await t.close();
    const dataSource = new DataSource(
      await migratingDataSourceOptions(testDatabaseUrl(), ENTITIES),
    );
    await dataSource.initialize();
    try {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      expect(await dataSource.showMigrations()).toBe(false);
    } finally {
      await dataSource.destroy();
    }
  });

  it('creates a missing database, and two apps starting at once seed it once', async () => {
    const url = testDatabaseUrl('twice');
    await dropDatabase(url);
    const apps: TestApp[] = await Promise.all([
      startTestApp({ DATABASE_URL: url, ADMIN_API_KEY: '' }),
      startTestApp({ DATABASE_URL: url, ADMIN_API_KEY: '' }),
    ]);
    try {
      const counts = await apps[0].dataSource.query(`
        SELECT (SELECT count(*) FROM hub)::int AS hubs, (SELECT count(*) FROM item)::int AS items,
               (SELECT count(*) FROM destination)::int AS destinations,
               (SELECT count(*) FROM "user" WHERE role = 'admin')::int AS admins`);
      expect(counts[0]).toEqual({ hubs: 1, items: 10, destinations: 8, admins: 1 });
      // A third start, with admin edits in between, changes nothing.
      await apps[0].dataSource.query(`UPDATE item SET name = 'Edited' WHERE sku = 'CRI-RHU'`);
      apps.push(await startTestApp({ DATABASE_URL: url, ADMIN_API_KEY: '' }));
      const again = await apps[2].dataSource.query(
        `SELECT count(*)::int AS items, max(name) FILTER (WHERE sku = 'CRI-RHU') AS rhu FROM item`,
      );
      expect(again[0]).toEqual({ items: 10, rhu: 'Edited' });
      expect((await apps[2].dataSource.query(`SELECT count(*)::int AS n FROM "user"`))[0].n).toBe(
        1,
      );
    } finally {
      await Promise.all(apps.map((a) => a.close()));
      await dropDatabase(url);
    }
  });

  it('keeps an admin holding ADMIN_API_KEY, restoring one that was revoked', async () => {
    const t = await startTestApp();
    try {
      await t.reset();
      await t.dataSource.query(`UPDATE "user" SET revoked_at = now()`);
      await t.http().get('/api/items').set(t.as()).expect(401);
    } finally {
      await t.close();
    }
    const restarted = await startTestApp();
    try {
      await restarted.http().get('/api/items').set(restarted.as()).expect(200);
    } finally {
      await restarted.close();
    }
  });
});
