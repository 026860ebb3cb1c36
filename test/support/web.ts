import request from 'supertest';
import { TestApp } from './test-app.js';

export type Agent = ReturnType<typeof request.agent>;

/** The first form's CSRF token on a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1];
}

/** The hidden idempotency key of a form on a page. */
export function formKeyOf(html: string): string {
  const match = /name="idempotencyKey" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no idempotency key on the page');
  return match[1];
}

/** A user of that role who can sign in to the web app; returns name, password and API key. */
export async function webUser(
  t: TestApp,
  role: 'admin' | 'warehouse' | 'coordinator',
  name: string,
  password = 'a long web password',
) {
  const response = await t
    .http()
    .post('/api/users')
    .set(t.as())
    .send({ name, role, password })
    .expect(201);
  return { id: response.body.id as string, name, password, apiKey: response.body.apiKey as string };
}

/** A browser-like client (keeps cookies) signed in to the web app. */
export async function signIn(t: TestApp, name: string, password: string): Promise<Agent> {
  const agent = request.agent(t.app.getHttpServer());
  const page = await agent.get('/app/login').expect(200);
  await agent
    .post('/app/login')
    .type('form')
    .send({ _csrf: csrfOf(page.text), name, password })
    .expect(303)
    .expect('Location', '/app');
  return agent;
}
