import type { Socket } from 'node:net';
import { DataSource } from 'typeorm';
import { ensureDatabaseExists } from '../../src/database/database-bootstrap.js';
import {
  dataSourceOptions,
  loadMigrations,
  migratingDataSourceOptions,
} from '../../src/database/database.options.js';
import { runStatement } from '../../src/database/run-statement.js';
import { atCommit, inTransaction } from '../../src/database/transaction.js';
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

  it('moves the days pending an energy rollup into outbox events, then drops their table', async () => {
    const url = testDatabaseUrl('pending-days');
    await dropDatabase(url);
    await ensureDatabaseExists(url);
    const migrations = await loadMigrations();
    const timestamp = (migration: { name: string }) => Number(/\d+$/.exec(migration.name)![0]);
    const moving = 1795981003724; // EnergyPendingDaysIntoOutbox
    const migrate = async (before: number) => {
      const dataSource = new DataSource({
        ...dataSourceOptions(url, []),
        migrations: migrations.filter((m) => timestamp(m) < before),
      });
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
      return dataSource;
    };
    try {
      const before = await migrate(moving);
      try {
        await before.query(`
          INSERT INTO hub (code, name, short_name, time_zone)
          VALUES ('TMZ', 'Termez', 'Termez', 'Asia/Tashkent'), ('DXB', 'Dubai', 'Dubai', 'Asia/Dubai');
          INSERT INTO pv_system (hub_id, code, name, capacity_kwp)
          VALUES (1, 'TMZ-PV-1', 'Roof', 700), (2, 'DXB-PV-1', 'Roof', 50), (1, 'TMZ-PV-2', 'Car', 20);
          INSERT INTO energy_pending_day (system_id, day)
          VALUES (1, '2024-05-31'), (2, '2024-06-01'), (1, '2024-05-30');
          INSERT INTO outbox_event (type, hub_id, payload)
          VALUES ('DISPATCH_RECORDED', 1, '{"dispatchId": "a"}')`);
      } finally {
        await before.destroy();
      }
      const after = await migrate(Infinity);
      try {
        expect(
          await after.query('SELECT type, hub_id, payload FROM outbox_event ORDER BY id'),
        ).toEqual([
          { type: 'DISPATCH_RECORDED', hub_id: 1, payload: { dispatchId: 'a' } },
          {
            type: 'ENERGY_READINGS_RECORDED',
            hub_id: 1,
            payload: { systemId: 1, days: ['2024-05-30', '2024-05-31'] },
          },
          {
            type: 'ENERGY_READINGS_RECORDED',
            hub_id: 2,
            payload: { systemId: 2, days: ['2024-06-01'] },
          },
        ]);
        const [{ table }] = await after.query(`SELECT to_regclass('energy_pending_day') AS table`);
        expect(table).toBeNull();
      } finally {
        await after.destroy();
      }
    } finally {
      await dropDatabase(url);
    }
  });

  it('sends START TRANSACTION with the first statement, and the final statements with the COMMIT, one write each', async () => {
    const t = await startTestApp();
    // the socket's writes, spied on from the transaction's first statement; restored after it
    let restore = () => {};
    try {
      const writes: string[] = [];
      const value = await inTransaction(t.dataSource, async (manager) => {
        const client = (await manager.queryRunner!.connect()) as { connection: { stream: Socket } };
        const stream = client.connection.stream as Socket & {
          _write(chunk: Buffer, encoding: string, done: () => void): void;
          _writev(chunks: { chunk: Buffer }[], done: () => void): void;
        };
        const write = stream._write;
        const writev = stream._writev;
        restore = () => Object.assign(stream, { _write: write, _writev: writev });
        stream._write = function (chunk, encoding, done) {
          writes.push(chunk.toString('latin1'));
          return write.call(this, chunk, encoding, done);
        };
        stream._writev = function (chunks, done) {
          writes.push(chunks.map((c) => c.chunk.toString('latin1')).join(''));
          return writev.call(this, chunks, done);
        };
        const { rows } = await runStatement<{ one: number }>(manager, 'SELECT 1 AS one', []);
        atCommit(manager, { sql: 'SELECT 2 AS two', parameters: [] });
        atCommit(manager, { sql: 'SELECT 3 AS three', parameters: [] });
        return rows[0].one;
      });
      expect(value).toBe(1);
      expect(writes).toHaveLength(2);
      expect(writes[0]).toContain('START TRANSACTION');
      expect(writes[0]).toContain('SELECT 1 AS one');
      for (const sent of ['SELECT 2 AS two', 'SELECT 3 AS three', 'COMMIT']) {
        expect(writes[1]).toContain(sent);
      }
    } finally {
      restore();
      await t.close();
    }
  });
});
