import { appRoutes } from '@bull-board/api/dist/routes.js';
import { JobName, QueueName } from '../../src/jobs/jobs.constants.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { csrfOf, signIn, webUser } from '../support/web.js';

const BOARD = '/api/admin/queues';

// Bull Board is mounted as Express middleware, not as Nest routes: the API key guard (and the
// test in auth.e2e-spec.ts that walks Nest's routes) never sees it, so this walks its routes.
describe('the queue dashboard at /api/admin/queues', () => {
  let t: TestApp;
  let jobs: JobsService;
  beforeAll(async () => {
    t = await startTestApp();
    jobs = t.app.get(JobsService, { strict: false });
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  /** A report job for a hub that does not exist: it fails (one attempt). */
  async function failedJob(): Promise<string> {
    const job = await jobs.enqueue(
      JobName.BuildWeeklyReport,
      { hub: 'NOPE', weekStart: '2024-05-27' },
      { attempts: 1 },
    );
    await eventually(async () =>
      expect(await jobs.queue(QueueName.Reports).getJobState(job.id!)).toBe('failed'),
    );
    return job.id!;
  }

  /** A purge job, done. */
  async function completedJob(): Promise<string> {
    const job = await jobs.enqueue(JobName.PurgeIdempotencyKeys, {});
    await eventually(async () =>
      expect(await jobs.queue(QueueName.Maintenance).getJobState(job.id!)).toBe('completed'),
    );
    return job.id!;
  }

  /** Every route Bull Board serves, its parameters filled in (the maintenance queue's job). */
  function boardRoutes(jobId: string): { method: string; path: string }[] {
    const fill = (route: string) =>
      route
        .replace(':queueName', QueueName.Maintenance)
        .replace(':jobId', jobId)
        .replace(':queueStatus', 'completed')
        .replace(':schedulerId', 'weekly-report:TMZ');
    const pages = [appRoutes.entryPoint.route].flat().map((route) => ({ method: 'get', route }));
    return [...pages, ...appRoutes.api].map(({ method, route }) => ({
      method: String(method).toUpperCase(),
      path: `${BOARD}${fill(String(route))}`,
    }));
  }

  const send = (method: string, path: string) =>
    t
      .http()
      [method.toLowerCase() as 'get' | 'put' | 'post' | 'patch'](path)
      .set('Accept', 'application/json');

  it('lets in no one without an admin key, and refuses every change but a retry of a failed job', async () => {
    const jobId = await completedJob();
    const warehouse = await t.createUser('warehouse');
    const routes = boardRoutes(jobId);
    expect(routes.length).toBeGreaterThan(30);
    for (const { method, path } of routes) {
      const anonymous = await send(method, path);
      const clerk = await send(method, path).set(t.as(warehouse));
      expect(`${method} ${path} ${anonymous.status} ${clerk.status}`).toBe(
        `${method} ${path} 401 403`,
      );
      if (method !== 'GET') {
        const admin = await send(method, path).set(t.as()).send({});
        expect(`${method} ${path} ${admin.status}`).toBe(`${method} ${path} 405`);
      }
    }
    // Nothing was changed: the job is still there, done, and the queue runs.
    expect(await jobs.queue(QueueName.Maintenance).getJobState(jobId)).toBe('completed');
    expect(await jobs.queue(QueueName.Maintenance).isPaused()).toBe(false);
  });

  it('shows an admin the queues and their failed jobs, and retries a failed job', async () => {
    const jobId = await failedJob();
    const page = await t.http().get(BOARD).set(t.as()).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const listed = await t
      .http()
      .get(`${BOARD}/api/queues?activeQueue=${QueueName.Reports}&status=failed&page=1`)
      .set(t.as())
      .expect(200);
    const queues = listed.body.queues as { name: string; jobs: { id: string }[] }[];
    expect(queues.map((q) => q.name).sort()).toEqual(Object.values(QueueName).sort());
    expect(queues.find((q) => q.name === QueueName.Reports)!.jobs.map((j) => j.id)).toEqual([
      jobId,
    ]);

    const before = (await jobs.queue(QueueName.Reports).getJob(jobId))!.finishedOn!;
    await t
      .http()
      .put(`${BOARD}/api/queues/${QueueName.Reports}/${jobId}/retry`)
      .set(t.as())
      .expect(204);
    // It ran again (and failed again: the hub still does not exist).
    await eventually(async () => {
      const job = (await jobs.queue(QueueName.Reports).getJob(jobId))!;
      expect(await job.getState()).toBe('failed');
      expect(job.finishedOn).toBeGreaterThan(before);
    });

    // A completed job is not run again from here.
    const done = await completedJob();
    await t
      .http()
      .put(`${BOARD}/api/queues/${QueueName.Maintenance}/${done}/retry`)
      .set(t.as())
      .expect(405);
  });

  it("opens to a signed-in admin's web session, not to a clerk's, and sends a browser without one to sign in", async () => {
    const admin = await webUser(t, 'admin', 'ops-admin');
    const clerk = await webUser(t, 'warehouse', 'ops-clerk');

    const browser = await t.http().get(BOARD).set('Accept', 'text/html').expect(303);
    expect(browser.headers.location).toBe('/app/login?next=%2Fapp%2Fadmin%2Fqueues');

    const agent = await signIn(t, admin.name, admin.password);
    const opened = await agent.get('/app/admin/queues').expect(303).expect('Location', BOARD);
    expect(opened.headers['set-cookie']).toEqual([
      expect.stringMatching(
        /^rh_session=[^;]+; Path=\/api\/admin\/queues; HttpOnly; SameSite=Lax$/,
      ),
    ]);
    await agent.get(BOARD).expect(200);
    await agent.get(`${BOARD}/api/queues`).set('Accept', 'application/json').expect(200);
    // A write from another site's page carries the cookie only if SameSite let it; refused anyway.
    const jobId = await failedJob();
    await agent
      .put(`${BOARD}/api/queues/${QueueName.Reports}/${jobId}/retry`)
      .set('Origin', 'https://elsewhere.example')
      .expect(401);
    await agent.put(`${BOARD}/api/queues/${QueueName.Reports}/${jobId}/retry`).expect(204);

    // Signing out ends the dashboard's session too.
    const app = await agent.get('/app').expect(200);
    // The menu offers the dashboard to admins (and to no one else, below).
    expect(app.text).toContain('href="/app/admin/queues"');
    await agent
      .post('/app/logout')
      .type('form')
      .send({ _csrf: csrfOf(app.text) })
      .expect(303);
    await agent.get(`${BOARD}/api/queues`).set('Accept', 'application/json').expect(401);

    const clerkAgent = await signIn(t, clerk.name, clerk.password);
    await clerkAgent.get('/app/admin/queues').expect(403);
    expect((await clerkAgent.get('/app').expect(200)).text).not.toContain('/app/admin/queues');
  });
});
