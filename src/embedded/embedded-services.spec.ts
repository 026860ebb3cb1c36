import { once } from 'node:events';
import { createServer, Server } from 'node:net';
import { embeddedWanted } from './embedded-services.js';

async function listening(): Promise<Server> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

const portOf = (server: Server) => (server.address() as { port: number }).port;

describe('which services a start runs itself', () => {
  let up: Server;
  let down: number;
  beforeAll(async () => {
    up = await listening();
    const closed = await listening();
    down = portOf(closed);
    closed.close();
    await once(closed, 'close');
  });
  afterAll(() => up.close());

  it('runs one when its URL says embedded, or is unset with nothing on its port', async () => {
    const ports = { postgres: down, redis: portOf(up) };
    expect(await embeddedWanted({}, ports)).toEqual({ postgres: true, redis: false });
    expect(await embeddedWanted({ REDIS_URL: 'embedded' }, ports)).toEqual({
      postgres: true,
      redis: true,
    });
  });

  it('never replaces a URL that is set, even when nothing answers there', async () => {
    const ports = { postgres: down, redis: down };
    expect(
      await embeddedWanted(
        { DATABASE_URL: `postgres://postgres@127.0.0.1:${down}/x`, REDIS_URL: 'redis://nowhere:1' },
        ports,
      ),
    ).toEqual({ postgres: false, redis: false });
  });
});
