import { readFile } from 'node:fs/promises';
import { root } from '../support/processes.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const TOKEN = 'prometheus-scrape-token-0123456789';

/** The value of one sample of the exposition, by name and exact labels; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}) {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '')
      .split(/,(?=\w+=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (have === wanted) return Number(m[3]);
  }
  return undefined;
}

// The API alone (no workers, no relay): what is recorded stays in the outbox and the queues, so
// the gauges have something to show.
describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api', METRICS_TOKEN: TOKEN });
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  const scrape = async () =>
    (await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200)).text;

  it('answers Prometheus text to METRICS_TOKEN and to an admin key, 401 or 403 to anyone else', async () => {
    const none = await t.http().get('/metrics').expect(401);
    expect(none.body).toMatchObject({ statusCode: 401 });
    await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}x`).expect(401);
    await t
      .http()
      .get('/metrics')
      .set(t.as(await t.createUser('warehouse')))
      .expect(403);
    // The token opens /metrics, nothing else.
    await t.http().get('/api/items').set('Authorization', `Bearer ${TOKEN}`).expect(401);
    const admin = await t.http().get('/metrics').set(t.as()).expect(200);
    expect(admin.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scrape();
    // Node's process metrics.
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
  });

  it('counts requests by route pattern and status, never by raw URL', async () => {
    const id = '00000000-0000-4000-8000-00000000abcd';
    await t.http().get(`/api/dispatches/${id}`).set(t.as()).expect(404);
    await t.http().get(`/api/dispatches/${id}`).set(t.as()).expect(404);
    await t.http().get('/api/items').set(t.as()).expect(200);
    await t.http().get('/api/no-such-route').set(t.as()).expect(404);
    const text = await scrape();
    const route = { method: 'GET', route: '/api/dispatches/:id', status: '404' };
    expect(sample(text, 'http_requests_total', route)).toBe(2);
    expect(
      sample(text, 'http_requests_total', { method: 'GET', route: '/api/items', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }),
    ).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', route)).toBe(2);
    expect(sample(text, 'http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(2);
    expect(text).not.toContain(id);
  });

  it('shows the outbox backlog, the fold lag, the queues and the weekly reports', async () => {
    let text = await scrape();
    expect(sample(text, 'relief_hub_fold_lag_seconds', { job: 'apply-outbox-events' })).toBe(0);
    expect(sample(text, 'relief_hub_fold_lag_seconds', { job: 'roll-up-energy' })).toBe(0);
    expect(sample(text, 'relief_hub_outbox_pending_events', { type: 'DISPATCH_RECORDED' })).toBe(
      undefined,
    );

    await t
      .http()
      .post('/api/receipts')
      .set(t.as())
      .send({ reference: 'R-1', lines: [{ sku: 'CRI-RHU', quantity: 5 }] })
      .expect(201);
    for (const plate of ['01 A 001 AA', '01 A 002 AA']) {
      await t
        .http()
        .post('/api/dispatches')
        .set(t.as())
        .send({ destination: 'TJ', truckPlate: plate, lines: [{ sku: 'CRI-RHU', quantity: 1 }] })
        .expect(201);
    }
    // The first was recorded ten minutes ago, as if the workers had been down since.
    await t.dataSource.query(
      `UPDATE outbox_event SET created_at = now() - interval '10 minutes'
        WHERE id = (SELECT min(id) FROM outbox_event)`,
    );
    await t.http().post('/api/stats/rebuild').set(t.as()).expect(202);
    const [hub] = await t.dataSource.query(`SELECT id FROM hub WHERE code = 'TMZ'`);
    // Long-standing hub, no report yet: overdue whatever the day.
    await t.dataSource.query(`UPDATE hub SET created_at = '2024-01-01T00:00:00Z'`);

    text = await scrape();
    expect(sample(text, 'relief_hub_outbox_pending_events', { type: 'DISPATCH_RECORDED' })).toBe(2);
    const oldest = sample(text, 'relief_hub_outbox_oldest_event_age_seconds', {
      type: 'DISPATCH_RECORDED',
    });
    expect(oldest).toBeGreaterThanOrEqual(600);
    expect(oldest).toBeLessThan(3600);
    expect(sample(text, 'relief_hub_fold_lag_seconds', { job: 'apply-outbox-events' })).toBe(
      oldest,
    );
    expect(sample(text, 'relief_hub_fold_lag_seconds', { job: 'roll-up-energy' })).toBe(0);
    expect(sample(text, 'relief_hub_queue_jobs', { queue: 'stats', state: 'waiting' })).toBe(1);
    for (const state of ['active', 'failed', 'delayed']) {
      expect(sample(text, 'relief_hub_queue_jobs', { queue: 'stats', state })).toBe(0);
    }
    expect(sample(text, 'relief_hub_queue_jobs', { queue: 'reports', state: 'failed' })).toBe(0);
    expect(sample(text, 'relief_hub_weekly_report_overdue', { hub: 'TMZ' })).toBe(1);
    expect(
      sample(text, 'relief_hub_weekly_report_last_generated_timestamp_seconds', { hub: 'TMZ' }),
    ).toBe(undefined);

    // The report of last week arrives (as the Monday job writes it): no longer overdue.
    const [{ week }] = await t.dataSource.query(
      `SELECT (date_trunc('week', (now() AT TIME ZONE 'Asia/Tashkent') - interval '7 days'))::date::text AS week`,
    );
    await t.dataSource.query(
      `INSERT INTO weekly_report (hub_id, week_start, week_end, trucks, tonnes, content, content_hash,
                                  generated_at, delivery_status)
       VALUES ($1, $2, $2::date + 6, 0, 0, '{}', repeat('0', 64), '2026-01-05T01:00:00Z', 'NOT_CONFIGURED')`,
      [hub.id, week],
    );
    text = await scrape();
    expect(sample(text, 'relief_hub_weekly_report_overdue', { hub: 'TMZ' })).toBe(0);
    expect(
      sample(text, 'relief_hub_weekly_report_last_generated_timestamp_seconds', { hub: 'TMZ' }),
    ).toBe(Date.parse('2026-01-05T01:00:00Z') / 1000);
  });

  it('serves every series the sample alert rules in docs/prometheus/ ask for', async () => {
    const rules = await readFile(`${root}docs/prometheus/alerts.yml`, 'utf8');
    const asked = [...new Set([...rules.matchAll(/\b(relief_hub_\w+)/g)].map(([name]) => name))];
    expect(asked.sort()).toEqual([
      'relief_hub_outbox_oldest_event_age_seconds',
      'relief_hub_queue_jobs',
      'relief_hub_weekly_report_overdue',
    ]);
    const text = await scrape();
    for (const name of asked)
      expect([name, text.includes(`# TYPE ${name} gauge`)]).toEqual([name, true]);
  });
});
