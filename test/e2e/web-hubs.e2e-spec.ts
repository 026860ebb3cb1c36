import { JobName, QUEUE_OF } from '../../src/jobs/jobs.constants.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { dispatchBody } from '../support/fixtures.js';
import { servedRoutes } from '../support/routes.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { Agent, csrfOf, formKeyOf, signIn } from '../support/web.js';

/**
 * The web app at a network of hubs: each user's pages show a hub they act at, switched when
 * they have several, and a form naming another hub (forged) is the 403 page and records nothing.
 */
const A = 'HUBA';
const B = 'HUBB';
const SKU = 'CRI-BLANKET-HT';
const PASSWORD = 'a long web password';

type Role = 'admin' | 'warehouse' | 'coordinator';

describe('the web app and hubs', () => {
  let t: TestApp;
  let ids: Record<string, number>;
  let dispatchAtB: string;
  let releaseAtB: string;

  async function webUserAt(role: Role, name: string, hubs?: string[]) {
    await t
      .http()
      .post('/api/users')
      .set(t.as())
      .send({ name, role, password: PASSWORD, ...(hubs ? { hubs } : {}) })
      .expect(201);
    return signIn(t, name, PASSWORD);
  }

  /** Everything a form could have written at the hub, and the report builds queued for it. */
  async function holdings(code: string) {
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM dispatch WHERE hub_id = $1)::int AS dispatches,
              (SELECT count(*) FROM dispatch WHERE hub_id = $1 AND status <> 'DISPATCHED')::int
                AS "changedDispatches",
              (SELECT count(*) FROM receipt WHERE hub_id = $1)::int AS receipts,
              (SELECT count(*) FROM release WHERE hub_id = $1)::int AS releases,
              (SELECT count(*) FROM release WHERE hub_id = $1 AND status <> 'OPEN')::int
                AS "changedReleases",
              (SELECT count(*) FROM stock_movement WHERE hub_id = $1)::int AS movements,
              (SELECT count(*) FROM idempotency_record)::int AS "idempotencyRecords"`,
      [ids[code]],
    );
    const queue = t.app.get(JobsService).queue(QUEUE_OF[JobName.BuildWeeklyReport]);
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    return { ...row, reportJobs: jobs.filter((job) => job?.data?.hub === code).length };
  }

  /** The hidden fields of the first form on a page that posts to `action`. */
  function formOn(html: string, action: string) {
    const start = html.indexOf(`action="${action}"`);
    if (start < 0) throw new Error(`no form posting to ${action}`);
    const form = html.slice(start, html.indexOf('</form>', start));
    return {
      _csrf: csrfOf(form),
      idempotencyKey: /name="idempotencyKey"/.test(form) ? formKeyOf(form) : undefined,
      hub: /name="hub" value="([^"]+)"/.exec(form)?.[1],
      ...(/name="deliveredAt"/.test(form)
        ? { deliveredAt: /name="deliveredAt"[^>]*value="([^"]+)"/.exec(form)![1] }
        : {}),
    };
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.reset();
    ids = {};
    for (const code of [A, B]) {
      await t
        .http()
        .post('/api/hubs')
        .set(t.as())
        .send({ code, name: `Hub ${code}`, timeZone: 'Asia/Tashkent' })
        .expect(201);
      [{ id: ids[code] }] = await t.dataSource.query('SELECT id FROM hub WHERE code = $1', [code]);
      await t
        .http()
        .post('/api/receipts')
        .set(t.as())
        .send({ hub: code, reference: `GRN-${code}`, lines: [{ sku: SKU, quantity: 1000 }] })
        .expect(201);
    }
    releaseAtB = (
      await t
        .http()
        .post('/api/releases')
        .set(t.as())
        .send({ hub: B, destination: 'AF', lines: [{ sku: SKU, quantity: 1 }] })
        .expect(201)
    ).body.id;
    dispatchAtB = (
      await t
        .http()
        .post('/api/dispatches')
        .set(t.as())
        .send(dispatchBody([{ sku: SKU, quantity: 1 }], { hub: B }))
        .expect(201)
    ).body.id;
  }, 60_000);
  afterAll(() => t.close());

  /** The web app's forms, each sent as drawn for hub A and then forged to hub B. */
  const FORMS: {
    route: string;
    role: Role;
    /** The page that draws the form, and the path it posts to. */
    page: string;
    post: (hub: string) => string;
    fields: Record<string, string | string[]>;
    /** 303 as drawn; forged, 403 (hub named) or 404 (a record by id at the other hub). */
    forged: 403 | 404;
  }[] = [
    {
      route: 'POST /app/receipts',
      role: 'warehouse',
      page: '/app/receipts',
      post: () => '/app/receipts',
      fields: { reference: 'GRN-WEB', sku: [SKU], quantity: ['5'] },
      forged: 403,
    },
    {
      route: 'POST /app/adjustments',
      role: 'warehouse',
      page: '/app/adjustments',
      post: () => '/app/adjustments',
      fields: { sku: SKU, delta: '-1', reason: 'LOST' },
      forged: 403,
    },
    {
      route: 'POST /app/dispatches',
      role: 'warehouse',
      page: '/app/dispatches/new',
      post: () => '/app/dispatches',
      fields: { destination: 'AF', truckPlate: '01 A 123 BC', sku: [SKU], quantity: ['3'] },
      forged: 403,
    },
    {
      route: 'POST /app/dispatches/:id/cancel',
      role: 'warehouse',
      page: '/app/dispatches/:id',
      post: (hub) => `/app/dispatches/${hub === B ? dispatchAtB : ':id'}/cancel`,
      fields: { reason: 'Truck broke down' },
      forged: 404,
    },
    {
      route: 'POST /app/dispatches/:id/delivery',
      role: 'warehouse',
      page: '/app/dispatches/:id',
      post: (hub) => `/app/dispatches/${hub === B ? dispatchAtB : ':id'}/delivery`,
      fields: { received: ['1'], damaged: ['0'] },
      forged: 404,
    },
    {
      route: 'POST /app/releases',
      role: 'coordinator',
      page: '/app/releases/new',
      post: () => '/app/releases',
      fields: { destination: 'AF', sku: [SKU], quantity: ['2'] },
      forged: 403,
    },
    {
      route: 'POST /app/releases/:id/cancel',
      role: 'coordinator',
      page: '/app/releases/:id',
      post: (hub) => `/app/releases/${hub === B ? releaseAtB : ':id'}/cancel`,
      fields: { reason: 'Plan changed' },
      forged: 404,
    },
    {
      route: 'POST /app/reports',
      role: 'coordinator',
      page: '/app/reports',
      post: () => '/app/reports',
      fields: {},
      forged: 403,
    },
    {
      route: 'POST /app/hub',
      role: 'warehouse',
      page: '/app',
      post: () => '/app/hub',
      fields: { next: '/app/stock' },
      forged: 403,
    },
  ];
  /** Forms that concern no hub. */
  const NOT_HUB_FORMS = ['POST /app/login', 'POST /app/logout', 'POST /app/language'];

  it("has every form of the web app in the table, or among those of no hub's data", () => {
    const posts = servedRoutes(t, 'app').filter((route) => route.startsWith('POST '));
    expect(posts.sort()).toEqual([...FORMS.map((f) => f.route), ...NOT_HUB_FORMS].sort());
  });

  it.each(FORMS.map((form) => [form.route, form] as const))(
    "%s: recorded at the user's hub, refused when forged to another, nothing written there",
    async (_route, form) => {
      const name = `${form.role}-${form.route.replace(/\W+/g, '-')}`;
      // A user of A and of a third hub, so that the switcher is drawn and can be forged.
      const agent: Agent = await webUserAt(form.role, name, [A, 'TMZ']);
      let ownId = '';
      if (form.page.startsWith('/app/releases/:id')) {
        ownId = (
          await t
            .http()
            .post('/api/releases')
            .set(t.as())
            .send({ hub: A, destination: 'AF', lines: [{ sku: SKU, quantity: 1 }] })
            .expect(201)
        ).body.id;
      } else if (form.page.includes(':id')) {
        ownId = (
          await t
            .http()
            .post('/api/dispatches')
            .set(t.as())
            .send(dispatchBody([{ sku: SKU, quantity: 1 }], { hub: A }))
            .expect(201)
        ).body.id;
      }
      // Drawn for A: the user's pages show A (the default hub is theirs too, but A is chosen).
      await agent
        .post('/app/hub')
        .type('form')
        .send({ _csrf: csrfOf((await agent.get('/app').expect(200)).text), hub: A, next: '/app' })
        .expect(303);
      const page = await agent.get(form.page.replace(':id', ownId)).expect(200);
      const hidden = formOn(page.text, form.post(A).replace(':id', ownId));
      if (form.forged === 403 && form.route !== 'POST /app/hub') expect(hidden.hub).toBe(A);
      const asDrawn = {
        ...hidden,
        ...form.fields,
        ...(form.route === 'POST /app/hub' ? { hub: A } : {}),
      };
      await agent.post(form.post(A).replace(':id', ownId)).type('form').send(asDrawn).expect(303);

      // Forged: the same form naming hub B (or B's dispatch), with a fresh key.
      const before = await holdings(B);
      const forged = await agent
        .post(form.post(B))
        .type('form')
        .send({ ...asDrawn, hub: B, idempotencyKey: `forged-${name}` })
        .expect(form.forged);
      expect(forged.headers['content-type']).toMatch(/^text\/html/);
      expect(forged.text).toContain(
        form.forged === 403 ? `You do not act at hub ${B}. Nothing was recorded.` : 'Not found',
      );
      expect(await holdings(B)).toEqual(before);
      const [{ webHub }] = await t.dataSource.query(
        'SELECT web_hub AS "webHub" FROM "user" WHERE name = $1',
        [name],
      );
      expect(webHub).toBe(A);
    },
  );

  it('shows a user of one hub that hub, without a switcher, and no dispatch of another hub', async () => {
    const clerk = await webUserAt('warehouse', 'one-hub-clerk', [A]);
    const stock = await clerk.get('/app/stock').expect(200);
    expect(stock.text).toContain(`Hub ${A}`);
    expect(stock.text).not.toContain('action="/app/hub"');
    const receipts = await clerk.get('/app/receipts').expect(200);
    expect(formOn(receipts.text, '/app/receipts').hub).toBe(A);
    // B's dispatch is not found for them, as an unknown id.
    const other = await clerk.get(`/app/dispatches/${dispatchAtB}`).expect(404);
    expect(other.text).not.toContain(B);
  });

  it('switches hubs for a user of several, remembered on the user across sign-ins', async () => {
    const agent = await webUserAt('warehouse', 'two-hub-clerk', [A, B]);
    // DEFAULT_HUB (TMZ) is not theirs: the pages show their first hub.
    const first = await agent.get('/app/stock').expect(200);
    expect(first.text).toContain(`Hub ${A}`);
    expect(first.text).toContain(`<option value="${B}">`);
    expect(first.text).not.toContain('<option value="TMZ">');
    await agent
      .post('/app/hub')
      .type('form')
      .send({ _csrf: csrfOf(first.text), hub: B, next: '/app/stock' })
      .expect(303)
      .expect('Location', '/app/stock');
    const atB = await agent.get('/app/stock').expect(200);
    expect(atB.text).toContain(`<option value="${B}" selected>`);
    expect(atB.text).toContain(`On hand now at ${B}.`);

    // A receipt from the page is recorded at B; the dispatch list shows B's dispatches only.
    const before = await holdings(B);
    const receipts = await agent.get('/app/receipts').expect(200);
    await agent
      .post('/app/receipts')
      .type('form')
      .send({
        ...formOn(receipts.text, '/app/receipts'),
        reference: 'GRN-B',
        sku: [SKU],
        quantity: ['2'],
      })
      .expect(303);
    expect((await holdings(B)).receipts).toBe(before.receipts + 1);
    const list = await agent.get('/app/dispatches').expect(200);
    expect(list.text).toContain(`/app/dispatches/${dispatchAtB}`);

    // Another device: signed in again, the same hub.
    const again = await signIn(t, 'two-hub-clerk', PASSWORD);
    expect((await again.get('/app/stock').expect(200)).text).toContain(
      `<option value="${B}" selected>`,
    );
  });

  it("lists every hub in an admin's switcher", async () => {
    const admin = await webUserAt('admin', 'web-admin');
    const page = await admin.get('/app').expect(200);
    for (const code of ['TMZ', A, B]) expect(page.text).toContain(`<option value="${code}"`);
  });
});
