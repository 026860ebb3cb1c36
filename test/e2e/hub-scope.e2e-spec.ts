import { JobName, QUEUE_OF } from '../../src/jobs/jobs.constants.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { dispatchBody } from '../support/fixtures.js';
import { eventually } from '../support/eventually.js';
import { drainOutbox, waitForReportJob } from '../support/jobs.js';
import { servedRoutes } from '../support/routes.js';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app.js';

/**
 * SPEC "Hubs a user may act at", route by route: every route of the API that reads or writes a
 * hub's data is in HUB_ROUTES, every other one in NOT_HUB_DATA, and the router is checked to
 * serve exactly those, so a new route that is in neither fails here until someone decides.
 */

const A = 'HUBA';
const B = 'HUBB';
const SKU = 'CRI-BLANKET-HT';

type Role = 'admin' | 'warehouse' | 'coordinator';
const ANY: Role[] = ['admin', 'warehouse', 'coordinator'];

/** What one hub has for the routes to name: a dispatch, a receipt, a PV system, a report. */
interface HubFixtures {
  code: string;
  receiptId: string;
  dispatchId: string;
  releaseId: string;
  system: string;
  weekStart: string;
  reportJobId: string;
}

interface Call {
  method: 'get' | 'post' | 'put' | 'patch';
  path: string;
  body?: object | string;
  csv?: boolean;
}

interface HubRoute {
  /** As the router declares it: method and path with `:params`. */
  route: string;
  /** Roles that may use the route at a hub they act at. */
  roles: Role[];
  /** The record is named by an id in the path: a user outside its hub gets 404, not 403. */
  byId?: boolean;
  /** 2xx status when allowed. */
  ok: number;
  /** The request, aimed at hub `at` (fresh records for writes that consume one). */
  call(at: HubFixtures, t: TestApp): Promise<Call>;
}

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${Date.now()}-${++sequence}`;

/** A dispatch of one blanket at the hub, by the admin: one for each write that consumes one. */
async function freshDispatch(t: TestApp, hub: string): Promise<string> {
  const { body } = await t
    .http()
    .post('/api/dispatches')
    .set(t.as())
    .send(dispatchBody([{ sku: SKU, quantity: 1 }], { hub }))
    .expect(201);
  return body.id;
}

/** A release of one blanket at the hub, by the admin: one for each cancel. */
async function freshRelease(t: TestApp, hub: string): Promise<string> {
  const { body } = await t
    .http()
    .post('/api/releases')
    .set(t.as())
    .send({ hub, destination: 'AF', lines: [{ sku: SKU, quantity: 1 }] })
    .expect(201);
  return body.id;
}

const HUB_ROUTES: HubRoute[] = [
  // Reads
  ...(
    [
      ['GET /api/stock', (h: HubFixtures) => `/api/stock?hub=${h.code}`],
      ['GET /api/stock/movements', (h: HubFixtures) => `/api/stock/movements?hub=${h.code}`],
      ['GET /api/stock/:sku', (h: HubFixtures) => `/api/stock/${SKU}?hub=${h.code}`],
      ['GET /api/receipts', (h: HubFixtures) => `/api/receipts?hub=${h.code}`],
      ['GET /api/dispatches', (h: HubFixtures) => `/api/dispatches?hub=${h.code}`],
      ['GET /api/dispatches/export', (h: HubFixtures) => `/api/dispatches/export?hub=${h.code}`],
      ['GET /api/stats/dispatches', (h: HubFixtures) => `/api/stats/dispatches?hub=${h.code}`],
      [
        'GET /api/stats/dispatches/timeseries',
        (h: HubFixtures) => `/api/stats/dispatches/timeseries?interval=week&hub=${h.code}`,
      ],
      ['GET /api/reports/weekly', (h: HubFixtures) => `/api/reports/weekly?hub=${h.code}`],
      [
        'GET /api/reports/weekly/:weekStart',
        (h: HubFixtures) => `/api/reports/weekly/${h.weekStart}?hub=${h.code}&format=md`,
      ],
      ['GET /api/energy/systems', (h: HubFixtures) => `/api/energy/systems?hub=${h.code}`],
      ['GET /api/energy/reports', (h: HubFixtures) => `/api/energy/reports?system=${h.system}`],
      ['GET /api/stats/emissions', (h: HubFixtures) => `/api/stats/emissions?hub=${h.code}`],
      ['GET /api/routes', (h: HubFixtures) => `/api/routes?hub=${h.code}`],
      ['GET /api/stock/coverage', (h: HubFixtures) => `/api/stock/coverage?hub=${h.code}`],
      ['GET /api/releases', (h: HubFixtures) => `/api/releases?hub=${h.code}`],
      ['GET /api/stats/pipeline', (h: HubFixtures) => `/api/stats/pipeline?hub=${h.code}`],
    ] as const
  ).map(([route, path]): HubRoute => ({
    route,
    roles: ANY,
    ok: 200,
    call: async (h) => ({ method: 'get', path: path(h) }),
  })),
  {
    route: 'GET /api/receipts/:id',
    roles: ANY,
    byId: true,
    ok: 200,
    call: async (h) => ({ method: 'get', path: `/api/receipts/${h.receiptId}` }),
  },
  {
    route: 'GET /api/dispatches/:id',
    roles: ANY,
    byId: true,
    ok: 200,
    call: async (h) => ({ method: 'get', path: `/api/dispatches/${h.dispatchId}` }),
  },
  {
    route: 'GET /api/releases/:id',
    roles: ANY,
    byId: true,
    ok: 200,
    call: async (h) => ({ method: 'get', path: `/api/releases/${h.releaseId}` }),
  },
  {
    route: 'GET /api/reports/weekly/jobs/:jobId',
    roles: ANY,
    byId: true,
    ok: 200,
    call: async (h) => ({ method: 'get', path: `/api/reports/weekly/jobs/${h.reportJobId}` }),
  },
  // Writes
  {
    route: 'POST /api/receipts',
    roles: ['admin', 'warehouse'],
    ok: 201,
    call: async (h) => ({
      method: 'post',
      path: '/api/receipts',
      body: { hub: h.code, reference: unique('GRN'), lines: [{ sku: SKU, quantity: 5 }] },
    }),
  },
  {
    route: 'POST /api/stock/adjustments',
    roles: ['admin', 'warehouse'],
    ok: 201,
    call: async (h) => ({
      method: 'post',
      path: '/api/stock/adjustments',
      body: { hub: h.code, sku: SKU, delta: -1, reason: 'LOST' },
    }),
  },
  {
    route: 'POST /api/dispatches',
    roles: ['admin', 'warehouse'],
    ok: 201,
    call: async (h) => ({
      method: 'post',
      path: '/api/dispatches',
      body: dispatchBody([{ sku: SKU, quantity: 2 }], { hub: h.code }),
    }),
  },
  {
    route: 'POST /api/dispatches/import',
    roles: ['admin', 'warehouse'],
    ok: 201,
    call: async (h) => ({
      method: 'post',
      path: `/api/dispatches/import?hub=${h.code}`,
      csv: true,
      body:
        'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg\n' +
        `${unique('OLD')},2023-02-01T10:00:00+05:00,AF,01 A 123 BC,${SKU},10,\n`,
    }),
  },
  {
    route: 'POST /api/dispatches/:id/cancel',
    roles: ['admin', 'warehouse'],
    byId: true,
    ok: 200,
    call: async (h, t) => ({
      method: 'post',
      path: `/api/dispatches/${await freshDispatch(t, h.code)}/cancel`,
      body: { reason: 'Truck broke down' },
    }),
  },
  {
    route: 'POST /api/dispatches/:id/delivery',
    roles: ['admin', 'warehouse'],
    byId: true,
    ok: 200,
    call: async (h, t) => ({
      method: 'post',
      path: `/api/dispatches/${await freshDispatch(t, h.code)}/delivery`,
      body: {
        deliveredAt: new Date().toISOString(),
        lines: [{ sku: SKU, receivedQuantity: 1 }],
      },
    }),
  },
  {
    route: 'POST /api/energy/readings',
    roles: ['admin', 'warehouse'],
    ok: 201,
    call: async (h) => {
      const start = new Date(Date.now() - 2 * 3_600_000 - (++sequence % 500) * 3_600_000);
      start.setUTCMinutes(0, 0, 0);
      const end = new Date(start.getTime() + 3_600_000);
      return {
        method: 'post',
        path: '/api/energy/readings',
        body: {
          system: h.system,
          readings: [{ start: start.toISOString(), end: end.toISOString(), generatedKwh: 12.5 }],
        },
      };
    },
  },
  {
    route: 'POST /api/releases',
    roles: ['admin', 'coordinator'],
    ok: 201,
    call: async (h) => ({
      method: 'post',
      path: '/api/releases',
      body: { hub: h.code, destination: 'AF', lines: [{ sku: SKU, quantity: 1 }] },
    }),
  },
  {
    route: 'POST /api/releases/:id/cancel',
    roles: ['admin', 'coordinator'],
    byId: true,
    ok: 200,
    call: async (h, t) => ({
      method: 'post',
      path: `/api/releases/${await freshRelease(t, h.code)}/cancel`,
      body: { reason: 'Plan changed' },
    }),
  },
  {
    route: 'POST /api/reports/weekly',
    roles: ['admin', 'coordinator'],
    ok: 202,
    call: async (h) => ({ method: 'post', path: '/api/reports/weekly', body: { hub: h.code } }),
  },
  {
    route: 'PATCH /api/energy/systems/:code',
    roles: ['admin'],
    ok: 200,
    call: async (h) => ({
      method: 'patch',
      path: `/api/energy/systems/${h.system}`,
      body: { name: unique('Array') },
    }),
  },
  {
    route: 'PUT /api/routes/:hub/:destination',
    roles: ['admin'],
    ok: 200,
    call: async (h) => ({
      method: 'put',
      path: `/api/routes/${h.code}/AF`,
      body: { distanceKm: 100 + (++sequence % 500), basis: 'measured' },
    }),
  },
  {
    route: 'POST /api/energy/systems',
    roles: ['admin'],
    ok: 201,
    call: async (h) => ({
      method: 'post',
      path: '/api/energy/systems',
      body: { hub: h.code, code: unique('PV'), name: 'Roof', capacityKwp: 10 },
    }),
  },
];

/** Routes that touch no hub's data: reference data, users and keys, rebuilds, health. */
const NOT_HUB_DATA = [
  'GET /api/health',
  'POST /api/users',
  'GET /api/users',
  'GET /api/users/me',
  'PATCH /api/users/:id',
  'POST /api/users/:id/rotate-key',
  'POST /api/users/:id/password',
  'DELETE /api/users/:id',
  'GET /api/audit',
  'GET /api/kits',
  'GET /api/kits/:code',
  'POST /api/kits',
  'PATCH /api/kits/:code',
  'POST /api/plans/load',
  'GET /api/hubs',
  'GET /api/hubs/:code',
  'POST /api/hubs',
  'GET /api/items',
  'GET /api/items/:sku',
  'POST /api/items',
  'PATCH /api/items/:sku',
  'GET /api/destinations',
  'GET /api/destinations/:code',
  'POST /api/destinations',
  // Whole-database rebuilds, admins' alone (an admin acts at every hub).
  'POST /api/stats/rebuild',
  'GET /api/stats/rebuild/:jobId',
];

describe('hubs a user may act at', () => {
  let t: TestApp;
  let hubs: Record<string, HubFixtures>;
  let ids: Record<string, number>;
  const keys: Record<string, string> = {};

  /** Creates a user with these hubs (API), returning its key. */
  async function user(role: Role, hubCodes?: string[]) {
    const { body } = await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name: unique(role), role, ...(hubCodes ? { hubs: hubCodes } : {}) })
      .expect(201);
    return body.apiKey as string;
  }

  /** What a hub holds, row by row, and what is queued for it: a refused request changes none. */
  async function holdings(code: string) {
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM dispatch WHERE hub_id = $1)::int AS dispatches,
              (SELECT count(*) FROM dispatch WHERE hub_id = $1 AND status <> 'DISPATCHED')::int
                AS "changedDispatches",
              (SELECT count(*) FROM receipt WHERE hub_id = $1)::int AS receipts,
              (SELECT count(*) FROM release WHERE hub_id = $1)::int AS releases,
              (SELECT count(*) FROM release WHERE hub_id = $1 AND status <> 'OPEN')::int
                AS "changedReleases",
              (SELECT COALESCE(sum(reserved), 0) FROM stock_level WHERE hub_id = $1)::int
                AS reserved,
              (SELECT count(*) FROM stock_movement WHERE hub_id = $1)::int AS movements,
              (SELECT COALESCE(sum(on_hand), 0) FROM stock_level WHERE hub_id = $1)::int AS "onHand",
              (SELECT count(*) FROM pv_system WHERE hub_id = $1)::int AS systems,
              (SELECT count(*) FROM energy_reading r JOIN pv_system s ON s.id = r.system_id
                WHERE s.hub_id = $1)::int AS readings,
              (SELECT count(*) FROM weekly_report WHERE hub_id = $1)::int AS reports,
              (SELECT count(*) FROM outbox_event WHERE hub_id = $1)::int AS events,
              (SELECT count(*) FROM idempotency_record)::int AS "idempotencyRecords"`,
      [ids[code]],
    );
    const queue = t.app.get(JobsService).queue(QUEUE_OF[JobName.BuildWeeklyReport]);
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    return { ...row, reportJobs: jobs.filter((job) => job?.data?.hub === code).length };
  }

  /** Waits for the background to be still: outbox folded, no report job waiting or running. */
  async function settle() {
    await drainOutbox(t);
    const queue = t.app.get(JobsService).queue(QUEUE_OF[JobName.BuildWeeklyReport]);
    await eventually(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
      expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0 });
    });
  }

  async function send(key: string, call: Call) {
    const request = t.http()[call.method](call.path).set(t.as(key));
    if (call.csv) return request.set('Content-Type', 'text/csv').send(call.body as string);
    return call.body === undefined ? request : request.send(call.body);
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.reset();
    ids = {};
    hubs = {};
    for (const code of [A, B]) {
      const created = await t
        .http()
        .post('/api/hubs')
        .set(t.as())
        .send({ code, name: `Hub ${code}`, timeZone: 'Asia/Tashkent' })
        .expect(201);
      expect(created.body.code).toBe(code);
      [{ id: ids[code] }] = await t.dataSource.query('SELECT id FROM hub WHERE code = $1', [code]);
      const receipt = await t
        .http()
        .post('/api/receipts')
        .set(t.as())
        .send({ hub: code, reference: `GRN-${code}`, lines: [{ sku: SKU, quantity: 10_000 }] })
        .expect(201);
      const system = `${code}-PV-1`;
      await t
        .http()
        .post('/api/energy/systems')
        .set(t.as())
        .send({ hub: code, code: system, name: 'Array', capacityKwp: 100 })
        .expect(201);
      const report = await t
        .http()
        .post('/api/reports/weekly')
        .set(t.as())
        .send({ hub: code })
        .expect(202);
      await waitForReportJob(t, report.body.jobUrl);
      hubs[code] = {
        code,
        receiptId: receipt.body.id,
        dispatchId: await freshDispatch(t, code),
        releaseId: await freshRelease(t, code),
        system,
        weekStart: report.body.weekStart,
        reportJobId: report.body.jobId,
      };
    }
    await drainOutbox(t);
    keys.clerkOfA = await user('warehouse', [A]);
    keys.coordinatorOfA = await user('coordinator', [A]);
    keys.globalCoordinator = await user('coordinator');
    keys.admin = ADMIN_KEY;
  }, 120_000);
  afterAll(() => t.close());

  it('has every API route either in the hub-data matrix or among the routes of no hub', () => {
    const served = servedRoutes(t, 'api').sort();
    const listed = [...HUB_ROUTES.map((r) => r.route), ...NOT_HUB_DATA].sort();
    expect(served.length).toBeGreaterThan(40);
    expect(new Set(listed).size).toBe(listed.length);
    expect(served).toEqual(listed);
  });

  const ACTORS: { name: string; role: Role; everywhere: boolean }[] = [
    { name: 'clerkOfA', role: 'warehouse', everywhere: false },
    { name: 'coordinatorOfA', role: 'coordinator', everywhere: false },
    { name: 'globalCoordinator', role: 'coordinator', everywhere: true },
    { name: 'admin', role: 'admin', everywhere: true },
  ];

  describe.each(ACTORS)('$name', (actor) => {
    it.each(HUB_ROUTES.map((r) => [r.route, r] as const))(
      '%s: allowed at its hubs, refused elsewhere with nothing written',
      async (_route, route) => {
        for (const code of [A, B]) {
          const roleMay = route.roles.includes(actor.role);
          const actsThere = actor.everywhere || code === A;
          const call = await route.call(hubs[code], t);
          const outcome = `${actor.name} ${call.method.toUpperCase()} ${call.path} at ${code}`;
          if (roleMay && actsThere) {
            const response = await send(keys[actor.name], call);
            expect([outcome, response.status]).toEqual([outcome, route.ok]);
            continue;
          }
          await settle();
          const before = await holdings(code);
          const response = await send(keys[actor.name], call);
          const status = !roleMay ? 403 : route.byId ? 404 : 403;
          expect([outcome, response.status]).toEqual([outcome, status]);
          if (roleMay && status === 403) {
            expect(response.body.message).toBe(`You do not act at hub ${code}`);
          }
          if (status === 404) {
            // The same answer as an id that exists nowhere: nothing to tell the hubs apart.
            expect(response.body.message).toMatch(/^No (dispatch|receipt|release|report job) /);
            expect(response.body).not.toHaveProperty('hub');
          }
          expect(await holdings(code)).toEqual(before);
        }
      },
    );
  });

  it("refuses a dispatch at one hub against another hub's release (422), writing nothing", async () => {
    await settle();
    const before = [await holdings(A), await holdings(B)];
    const refused = await t
      .http()
      .post('/api/dispatches')
      .set(t.as(keys.clerkOfA))
      .send(dispatchBody([{ sku: SKU, quantity: 1 }], { hub: A, release: hubs[B].releaseId }))
      .expect(422);
    expect(refused.body.code).toBe('release.unknown');
    expect([await holdings(A), await holdings(B)]).toEqual(before);
  });

  it("defaults a request to the user's only hub, else to DEFAULT_HUB (403 when not theirs)", async () => {
    const receipt = { reference: unique('GRN'), lines: [{ sku: SKU, quantity: 1 }] };
    const atA = await t
      .http()
      .post('/api/receipts')
      .set(t.as(keys.clerkOfA))
      .send(receipt)
      .expect(201);
    expect(atA.body.hub).toBe(A);
    const stock = await t.http().get('/api/stock').set(t.as(keys.clerkOfA)).expect(200);
    expect(stock.body.hub).toBe(A);

    const twoHubs = await user('warehouse', [A, B]);
    const refused = await t
      .http()
      .post('/api/receipts')
      .set(t.as(twoHubs))
      .send({ ...receipt, reference: unique('GRN') })
      .expect(403);
    expect(refused.body.message).toBe('You do not act at hub TMZ');
    await t
      .http()
      .post('/api/receipts')
      .set(t.as(twoHubs))
      .send({ ...receipt, reference: unique('GRN'), hub: B })
      .expect(201);
    // A global coordinator and an admin default to DEFAULT_HUB.
    const global = await t.http().get('/api/stock').set(t.as(keys.globalCoordinator)).expect(200);
    expect(global.body.hub).toBe('TMZ');
  });

  it('checks every system of a readings CSV: one at another hub refuses them all', async () => {
    const before = [await holdings(A), await holdings(B)];
    const start = new Date(Date.now() - 5 * 3_600_000);
    start.setUTCMinutes(0, 0, 0);
    const end = new Date(start.getTime() + 3_600_000).toISOString();
    const csv =
      'system,start,end,generated_kwh\n' +
      `${hubs[A].system},${start.toISOString()},${end},1\n` +
      `${hubs[B].system},${start.toISOString()},${end},1\n`;
    const refused = await t
      .http()
      .post('/api/energy/readings')
      .set(t.as(keys.clerkOfA))
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(403);
    expect(refused.body.message).toBe(`You do not act at hub ${B}`);
    expect([await holdings(A), await holdings(B)]).toEqual(before);
  });

  it('lists only the dispatches of the hub asked for, to a user who may read both', async () => {
    const [atA, atB] = await Promise.all(
      [A, B].map((code) =>
        t.http().get(`/api/dispatches?hub=${code}`).set(t.as(keys.globalCoordinator)).expect(200),
      ),
    );
    expect(atA.body.items.length).toBeGreaterThan(0);
    expect(atB.body.items.length).toBeGreaterThan(0);
    expect(new Set(atA.body.items.map((d: { hub: string }) => d.hub))).toEqual(new Set([A]));
    expect(new Set(atB.body.items.map((d: { hub: string }) => d.hub))).toEqual(new Set([B]));
  });
});
