import type { Server } from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';
import { startTestApp, TestApp } from '../support/test-app.js';

describe('HTTP conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A minute's budget of 60 per key: a limit this test reaches whatever the machine's speed.
    t = await startTestApp({ RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '1000' });
  });
  afterAll(() => t.close());

  it('answers health without a key, naming database and Redis as up', async () => {
    const { body } = await t.http().get('/api/health').expect(200);
    expect(body.status).toBe('ok');
    expect(body.info.database.status).toBe('up');
    expect(body.info.redis.status).toBe('up');
    expect(body.info.queues.status).toBe('up');
  });

  it("answers 413 for a JSON body over its route's limit, naming it, and writes nothing", async () => {
    const big = {
      sku: 'BIG',
      name: 'x'.repeat(300 * 1024),
      unit: 'p',
      unitWeightKg: 1,
      unitVolumeM3: 1,
    };
    const response = await t.http().post('/api/items').set(t.as()).send(big).expect(413);
    expect(response.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'The request body is over the 256 KB limit of POST /api/items',
    });
    expect(response.headers.connection).toBe('close');
    await t.http().get('/api/items/BIG').set(t.as()).expect(404);
    // the same 413 past the SPEC's 5 MB, and on a route whose limit is 5 MB
    const huge = { ...big, name: 'x'.repeat(6 * 1024 * 1024) };
    const refused = await t.http().post('/api/items').set(t.as()).send(huge).expect(413);
    expect(refused.body.message).toMatch(/256 KB limit/);
    const readings = await t
      .http()
      .post('/api/energy/readings')
      .set(t.as())
      .send({ system: 'X', readings: [], pad: huge.name })
      .expect(413);
    expect(readings.body.message).toBe(
      'The request body is over the 5 MB limit of POST /api/energy/readings',
    );
  });

  /** Sends `head` on a socket to the app and resolves with the first bytes it answers. */
  async function answerTo(head: string, body?: (socket: Socket) => void): Promise<string> {
    const server = t.app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined); // the app may close it with bytes unread
    try {
      return await new Promise<string>((resolve) => {
        socket.once('data', (chunk) => resolve(chunk.toString('latin1')));
        socket.write(head);
        body?.(socket);
      });
    } finally {
      socket.destroy();
    }
  }

  it('refuses a body from its Content-Length, before a byte of it is sent', async () => {
    // No body follows the headers: an app that read bodies before refusing would wait for it.
    const answer = await answerTo(
      'POST /api/dispatches HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x\r\n' +
        'Content-Type: application/json\r\nContent-Length: 4000000\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('The request body is over the 256 KB limit of POST /api/dispatches');
  });

  it('refuses a chunked body once past the limit, before parsing it', async () => {
    // 300 KB of one JSON string in chunks of 16 KB, without a Content-Length.
    const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
    const answer = await answerTo(
      'POST /api/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x\r\n' +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      (socket) => {
        socket.write(chunk('{"name":"'));
        for (let i = 0; i < 300 / 16; i++) socket.write(chunk('x'.repeat(16 * 1024)));
        socket.write(chunk('"}') + '0\r\n\r\n');
      },
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('The request body is over the 256 KB limit of POST /api/items');
  });

  it('answers 400 for malformed JSON, in the one error shape', async () => {
    const response = await t
      .http()
      .post('/api/items')
      .set(t.as())
      .set('Content-Type', 'application/json')
      .send('{"sku": "A",')
      .expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(response.body.message).toMatch(/JSON/);
  });

  it('never answers 500 to odd input', async () => {
    const odd = [
      t.http().post('/api/items').set(t.as()).set('Content-Type', 'application/json').send('null'),
      t
        .http()
        .post('/api/items')
        .set(t.as())
        .set('Content-Type', 'application/json')
        .send('"text"'),
      t.http().post('/api/items').set(t.as()).set('Content-Type', 'application/json').send('42'),
      t.http().post('/api/items').set(t.as()).set('Content-Type', 'text/plain').send('hello'),
      t.http().post('/api/items').set(t.as()).set('Content-Type', 'text/csv').send('a,b\n1,2'),
      t
        .http()
        .post('/api/items')
        .set(t.as())
        .send({ __proto__: { admin: true }, sku: {} }),
      t.http().get('/api/items/%E0%A4%A'),
      t.http().get('/api/users?limit=abc').set(t.as()),
      t
        .http()
        .get(`/api/items/${'x'.repeat(5000)}`)
        .set(t.as()),
      t.http().delete('/api/users/%00').set(t.as()),
    ];
    for (const response of await Promise.all(odd)) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body).toMatchObject({
        statusCode: response.status,
        error: expect.any(String),
      });
    }
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = await t.http().get('/api/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/items', '/api/users', '/api/health', '/api/hubs']),
    );
    const ui = await t.http().get('/api/docs').expect(200);
    expect(ui.text).toMatch(/swagger/i);
  });

  it('returns a request id and security headers', async () => {
    const response = await t.http().get('/api/health').set('X-Request-Id', 'trace-42').expect(200);
    expect(response.headers['x-request-id']).toBe('trace-42');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('answers 429 past the rate limit of a key, and keeps other keys served', async () => {
    const key = await t.createUser('coordinator');
    const statuses = [];
    for (let i = 0; i < 65; i += 1) {
      statuses.push((await t.http().get('/api/hubs').set(t.as(key))).status);
    }
    expect(statuses.slice(0, 60)).toEqual(Array(60).fill(200));
    expect(statuses.slice(60)).toEqual(Array(5).fill(429));
    const limited = await t.http().get('/api/hubs').set(t.as(key)).expect(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    // Another key has its own budget.
    await t.http().get('/api/hubs').set(t.as()).expect(200);
  });
});
