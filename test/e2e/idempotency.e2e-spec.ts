import { IdempotencyService } from '../../src/common/idempotency/idempotency.service.js';
import { JobName } from '../../src/jobs/jobs.constants.js';
import { counts, dispatchBody, onHand, receive } from '../support/fixtures.js';
import { eventually } from '../support/eventually.js';
import { runJob } from '../support/jobs.js';
import { startTestApp, TestApp } from '../support/test-app.js';

describe('Idempotency-Key', () => {
  let t: TestApp;
  let warehouse: string;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    warehouse = await t.createUser('warehouse');
    await receive(t, warehouse, [{ sku: 'CRI-BLANKET-HT', quantity: 1000 }]);
  });
  afterAll(() => t.close());

  const post = (key: string, body: object, apiKey = warehouse) =>
    t.http().post('/api/dispatches').set(t.as(apiKey)).set('Idempotency-Key', key).send(body);

  it('the same key and body five times: one dispatch, five identical bodies, replay header on four', async () => {
    const body = dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 10 }]);
    const responses = [];
    for (let i = 0; i < 5; i += 1) responses.push(await post('truck-17-retry', body));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(responses.map((r) => r.text)).size).toBe(1);
    expect(responses.map((r) => r.headers['idempotent-replayed'])).toEqual([
      undefined,
      'true',
      'true',
      'true',
      'true',
    ]);
    expect((await counts(t)).dispatches).toBe(1);
    expect((await onHand(t))['CRI-BLANKET-HT']).toBe(990);
    // Key order does not make a body different.
    const reordered = await t
      .http()
      .post('/api/dispatches')
      .set(t.as(warehouse))
      .set('Idempotency-Key', 'truck-17-retry')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ lines: body.lines, truckPlate: body.truckPlate, destination: 'AF' }))
      .expect(201);
    expect(reordered.headers['idempotent-replayed']).toBe('true');
  });

  it('the same key with another body: 422, nothing written', async () => {
    await post('k-1', dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 10 }])).expect(201);
    const other = await post('k-1', dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 11 }])).expect(
      422,
    );
    expect(other.body.message).toMatch(/different body/);
    expect((await counts(t)).dispatches).toBe(1);
    expect((await onHand(t))['CRI-BLANKET-HT']).toBe(990);
  });

  it('the same key sent concurrently ten times: still one dispatch', async () => {
    const body = dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 5 }]);
    const responses = await Promise.all(Array.from({ length: 10 }, () => post('burst', body)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(statuses).toContain(201);
    const inFlight = responses.filter((r) => r.status === 409);
    for (const r of inFlight) expect(r.body.message).toMatch(/still in flight/);
    const created = responses.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect((await counts(t)).dispatches).toBe(1);
    expect((await onHand(t))['CRI-BLANKET-HT']).toBe(995);
    // Once the first has finished, a retry replays it.
    const retry = await post('burst', body).expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.id).toBe(created[0].body.id);
  });

  it('a repeat that waits for the first (a double click) replays it once the first commits', async () => {
    // The waiting repeat's first statement begins before the first commits, so it cannot see the
    // first's record; its insert finds it, and it runs again to replay it (RecordedMeanwhile).
    const service = t.app.get(IdempotencyService);
    const scope = { apiKeyHash: 'f'.repeat(64), method: 'POST', path: '/app/x', key: 'dbl' };
    const hash = 'a'.repeat(64); // request_hash is a char(64)
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runs: string[] = [];
    const write = (who: string) => async () => {
      runs.push(who);
      if (who === 'first') await gate;
      return { who };
    };
    const first = service.run(scope, hash, 201, write('first'), { wait: true });
    await eventually(() => expect(runs).toEqual(['first']));
    const second = service.run(scope, hash, 201, write('second'), { wait: true });
    // The second is waiting for the key's lock: let its statement start, then release the first.
    await eventually(async () => {
      const [{ waiting }] = await t.dataSource.query(
        `SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(waiting).toBe(1);
    });
    release();
    expect(await first).toEqual({ replayed: false, status: 201, body: { who: 'first' } });
    expect(await second).toEqual({ replayed: true, status: 201, body: { who: 'first' } });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM idempotency_record WHERE key = 'dbl'`,
    );
    expect(n).toBe(1);
  });

  it('does not store failures: a corrected retry with the same key runs', async () => {
    const short = await post(
      'fix-me',
      dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 5000 }]),
    ).expect(409);
    expect(short.body.shortages).toHaveLength(1);
    await post('fix-me', dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 5000 }])).expect(409);
    const fixed = await post(
      'fix-me',
      dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 500 }]),
    ).expect(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
    const invalid = await post('bad-then-good', { destination: 'AF' }).expect(400);
    expect(invalid.body.statusCode).toBe(400);
    await post('bad-then-good', dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 1 }])).expect(201);
    expect((await counts(t)).dispatches).toBe(2);
  });

  it('scopes keys to the API key, method and path', async () => {
    const other = await t.createUser('warehouse');
    const body = dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 1 }]);
    const a = await post('shared', body).expect(201);
    const b = await post('shared', body, other).expect(201);
    expect(b.body.id).not.toBe(a.body.id);
    const receipt = await t
      .http()
      .post('/api/receipts')
      .set(t.as(warehouse))
      .set('Idempotency-Key', 'shared')
      .send({ reference: 'GRN-1', lines: [{ sku: 'CRI-RHU', quantity: 3 }] })
      .expect(201);
    expect(receipt.headers['idempotent-replayed']).toBeUndefined();
    const cancel = (key: string) =>
      t
        .http()
        .post(`/api/dispatches/${a.body.id}/cancel`)
        .set(t.as(warehouse))
        .set('Idempotency-Key', key)
        .send({ reason: 'x' });
    const first = await cancel('c-1').expect(200);
    expect(first.body).toMatchObject({ id: a.body.id, status: 'CANCELLED', cancelReason: 'x' });
    const replayed = await cancel('c-1').expect(200);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.text).toBe(first.text);
    await cancel('c-2').expect(409);
    expect((await counts(t)).dispatches).toBe(2);
  });

  it('refuses keys that are empty or longer than 255 characters', async () => {
    const body = dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 1 }]);
    await post('x'.repeat(256), body).expect(400);
    await post('', body).expect(400);
    await post('x'.repeat(255), body).expect(201);
  });

  it('purges records older than the retention in a maintenance job', async () => {
    await post('old', dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 1 }])).expect(201);
    await post('new', dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity: 1 }])).expect(201);
    await t.dataSource.query(
      `UPDATE idempotency_record SET created_at = now() - interval '3 days' WHERE key = 'old'`,
    );
    expect(await runJob(t, JobName.PurgeIdempotencyKeys, {})).toEqual({ purged: 1 });
    const keys = await t.dataSource.query('SELECT key FROM idempotency_record ORDER BY key');
    expect(keys).toEqual([{ key: 'new' }]);
  });
});
