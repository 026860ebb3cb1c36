import { ensureAdmin } from '../../src/auth/admin-bootstrap.js';
import { dropDatabase } from '../support/infra.js';
import { ADMIN_KEY, startTestApp, TestApp, testDatabaseUrl } from '../support/test-app.js';
import { signIn, webUser } from '../support/web.js';

const PASSWORD = 'first admin password';

/** Whether `name` can sign in to the web app with `password`. */
async function signsIn(t: TestApp, name: string, password: string): Promise<boolean> {
  try {
    await signIn(t, name, password);
    return true;
  } catch {
    return false;
  }
}

describe('the first admin', () => {
  it('generated on first start, gets ADMIN_PASSWORD and signs in to the web app', async () => {
    const url = testDatabaseUrl('first-admin');
    await dropDatabase(url);
    const t = await startTestApp({
      DATABASE_URL: url,
      ADMIN_API_KEY: '',
      ADMIN_PASSWORD: PASSWORD,
    });
    try {
      expect(await signsIn(t, 'admin', PASSWORD)).toBe(true);
    } finally {
      await t.close();
      await dropDatabase(url);
    }
  }, 120_000);
});

describe('ADMIN_PASSWORD on later starts, and GET /api/users/me', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ADMIN_PASSWORD: PASSWORD });
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  /** What a start of the app does for the admin, as prepareDatabase runs it. */
  const start = (adminApiKey: string | undefined, adminPassword: string) =>
    t.dataSource.transaction((manager) => ensureAdmin(manager, adminApiKey, adminPassword));

  it('gives the admin holding ADMIN_API_KEY the password, as GET /api/users/me shows', async () => {
    const me = await t.http().get('/api/users/me').set(t.as(ADMIN_KEY)).expect(200);
    expect(me.body).toEqual({
      id: expect.any(String),
      name: 'admin',
      role: 'admin',
      hubs: [],
      hasPassword: true,
      language: null,
    });
    expect(await signsIn(t, 'admin', PASSWORD)).toBe(true);
  });

  it('without ADMIN_API_KEY, gives it to the first admin if it has none, and never replaces one', async () => {
    await t.dataSource.query(`UPDATE "user" SET password_hash = NULL, password_changed_at = NULL`);
    await webUser(t, 'admin', 'second-admin', 'its own password');
    expect(await start(undefined, PASSWORD)).toEqual({ password: { admin: 'admin', given: true } });
    expect(await signsIn(t, 'admin', PASSWORD)).toBe(true);
    expect(await start(undefined, 'another long password')).toEqual({
      password: { admin: 'admin', given: false },
    });
    expect(await signsIn(t, 'admin', PASSWORD)).toBe(true);
    expect(await signsIn(t, 'second-admin', 'its own password')).toBe(true);
  });

  it('tells any key who it belongs to, and nothing else about users', async () => {
    const clerk = await webUser(t, 'warehouse', 'Dilshod');
    const me = await t.http().get('/api/users/me').set(t.as(clerk.apiKey)).expect(200);
    expect(me.body).toEqual({
      id: clerk.id,
      name: 'Dilshod',
      role: 'warehouse',
      hubs: ['TMZ'],
      hasPassword: true,
      language: null,
    });
    const coordinator = await t.createUser('coordinator', 'Aziza');
    const other = await t.http().get('/api/users/me').set(t.as(coordinator)).expect(200);
    expect(other.body).toMatchObject({ name: 'Aziza', role: 'coordinator', hasPassword: false });
    await t.http().get('/api/users').set(t.as(coordinator)).expect(403);
    await t.http().get('/api/users/me').expect(401);
  });
});
