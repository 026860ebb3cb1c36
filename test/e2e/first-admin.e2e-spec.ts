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
  let url: string;
  beforeEach(async () => {
    url = testDatabaseUrl('first-admin');
    await dropDatabase(url);
  });
  afterEach(() => dropDatabase(url));

  it('generated on first start, gets ADMIN_PASSWORD and signs in to the web app', async () => {
    const t = await startTestApp({
      DATABASE_URL: url,
      ADMIN_API_KEY: '',
      ADMIN_PASSWORD: PASSWORD,
    });
    try {
      expect(await signsIn(t, 'admin', PASSWORD)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('started once without it, gets ADMIN_PASSWORD on a restart; a later one never replaces it', async () => {
    const first = await startTestApp({ DATABASE_URL: url, ADMIN_API_KEY: '' });
    try {
      expect(await signsIn(first, 'admin', PASSWORD)).toBe(false);
    } finally {
      await first.close();
    }
    const second = await startTestApp({
      DATABASE_URL: url,
      ADMIN_API_KEY: '',
      ADMIN_PASSWORD: PASSWORD,
    });
    try {
      expect(await signsIn(second, 'admin', PASSWORD)).toBe(true);
    } finally {
      await second.close();
    }
    const third = await startTestApp({
      DATABASE_URL: url,
      ADMIN_API_KEY: '',
      ADMIN_PASSWORD: 'another long password',
    });
    try {
      expect(await signsIn(third, 'admin', PASSWORD)).toBe(true);
      expect(await signsIn(third, 'admin', 'another long password')).toBe(false);
    } finally {
      await third.close();
    }
  });
});

describe('GET /api/users/me', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ADMIN_PASSWORD: PASSWORD });
    await t.reset();
  });
  afterAll(() => t.close());

  it('shows the admin holding ADMIN_API_KEY with the password ADMIN_PASSWORD gave it', async () => {
    const me = await t.http().get('/api/users/me').set(t.as(ADMIN_KEY)).expect(200);
    expect(me.body).toEqual({
      id: expect.any(String),
      name: 'admin',
      role: 'admin',
      hasPassword: true,
      language: null,
    });
    expect(await signsIn(t, 'admin', PASSWORD)).toBe(true);
  });

  it('tells any key who it belongs to, and nothing else about users', async () => {
    const clerk = await webUser(t, 'warehouse', 'Dilshod');
    const me = await t.http().get('/api/users/me').set(t.as(clerk.apiKey)).expect(200);
    expect(me.body).toEqual({
      id: clerk.id,
      name: 'Dilshod',
      role: 'warehouse',
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
