import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dropDatabase } from '../support/infra.js';
import { drainOutbox } from '../support/jobs.js';
import { root } from '../support/processes.js';
import { startTestApp, TestApp, testDatabaseUrl } from '../support/test-app.js';

const run = promisify(execFile);

// The README's backup: pg_dump, then pg_restore into a new database, which must hold the same
// figures (test/backup/backup-restore.mjs compares them) and serve them as the original does.
describe('a backup restored into a new database', () => {
  let t: TestApp;
  let restored: TestApp | undefined;
  let restoredUrl: string | undefined;
  beforeAll(async () => {
    t = await startTestApp();
    await t.reset();
  });
  afterAll(async () => {
    await restored?.close();
    await t.close();
    if (restoredUrl) await dropDatabase(restoredUrl);
  });

  it('holds every row and the same stock and statistics', async () => {
    await t
      .http()
      .post('/api/receipts')
      .set(t.as())
      .send({ reference: 'R-BACKUP', lines: [{ sku: 'CRI-RHU', quantity: 9 }] })
      .expect(201);
    const ids: string[] = [];
    for (const plate of ['01 B 001 AA', '01 B 002 AA', '01 B 003 AA']) {
      const created = await t
        .http()
        .post('/api/dispatches')
        .set(t.as())
        .send({ destination: 'TJ', truckPlate: plate, lines: [{ sku: 'CRI-RHU', quantity: 2 }] })
        .expect(201);
      ids.push(created.body.id);
    }
    await t
      .http()
      .post(`/api/dispatches/${ids[2]}/cancel`)
      .set(t.as())
      .send({ reason: 'truck broke down' })
      .expect(200);
    await drainOutbox(t);
    const stats = (await t.http().get('/api/stats/dispatches').set(t.as()).expect(200)).body;
    expect(stats).toMatchObject({ trucks: 2, tonnes: 0.644 });

    const { stdout } = await run(
      process.execPath,
      ['test/backup/backup-restore.mjs', testDatabaseUrl(), '--keep'],
      { cwd: root },
    );
    const report = JSON.parse(stdout);
    restoredUrl = report.restoredUrl;
    expect(report).toMatchObject({
      same: true,
      statistics: { trucks: 2, tonnes: '0.644' },
      stock: [{ hub: 'TMZ', sku: 'CRI-RHU', onHand: '5' }],
    });
    expect(report.tables.dispatch).toMatch(/^3 rows, md5 [0-9a-f]{32}$/);

    // The restored database serves the same answers.
    restored = await startTestApp({
      DATABASE_URL: restoredUrl!,
      APP_ROLE: 'api',
      REDIS_PREFIX: `rh-test-${process.env.TEST_RUN_ID}-restored`,
    });
    const again = (await restored.http().get('/api/stats/dispatches').set(t.as()).expect(200)).body;
    expect(again).toEqual(stats);
    const stock = (await restored.http().get('/api/stock/CRI-RHU').set(t.as()).expect(200)).body;
    expect(stock).toEqual((await t.http().get('/api/stock/CRI-RHU').set(t.as()).expect(200)).body);
    expect(stock).toMatchObject({ onHand: 5 });
  });
});
