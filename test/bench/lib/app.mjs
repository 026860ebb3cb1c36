import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { HttpClient } from './http.mjs';
import { log, sleep } from './util.mjs';

export const ROOT = new URL('../../../', import.meta.url).pathname;
const ARTIFACTS = join(ROOT, 'test/artifacts');
const STAMP = join(ROOT, 'dist/.bench-build-stamp');

/** The newest modification time under the inputs of `nest build`. */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const input of [
    'src',
    'migrations',
    'tsconfig.json',
    'tsconfig.build.json',
    'nest-cli.json',
    'package-lock.json',
  ]) {
    const path = join(ROOT, input);
    if (existsSync(path)) visit(path);
  }
  return newest;
}

/** Builds dist/ with `nest build` unless it was built by the bench from the same sources. */
export function buildApp({ force = false } = {}) {
  const fresh =
    existsSync(STAMP) &&
    existsSync(join(ROOT, 'dist/src/main.js')) &&
    statSync(STAMP).mtimeMs >= newestSource();
  if (fresh && !force) {
    log('dist/ is up to date with src/ (pass --build to build anyway)');
    return { built: false, ms: 0 };
  }
  log('building the app (nest build)');
  const started = Date.now();
  const result = spawnSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`nest build failed (exit ${result.status})`);
  writeFileSync(STAMP, new Date().toISOString());
  return { built: true, ms: Date.now() - started };
}

export function adminDatabaseUrl(databaseUrl) {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/** Drops the bench database (the app creates and migrates it again on start). */
export async function dropDatabase(databaseUrl) {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (!/^relief_hub_bench\w*$/.test(name))
    throw new Error(`refusing to drop ${name}: not a bench database`);
  const client = new pg.Client({ connectionString: adminDatabaseUrl(databaseUrl) });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Drops the databases of bench runs whose process is gone (killed before they cleaned up). */
export async function dropAbandonedDatabases(databaseUrl) {
  const client = new pg.Client({ connectionString: adminDatabaseUrl(databaseUrl) });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT datname FROM pg_database WHERE datname ~ '^relief_hub_bench_[0-9]+$'`,
    );
    for (const { datname } of rows) {
      const pid = Number(datname.slice('relief_hub_bench_'.length));
      let alive = true;
      try {
        process.kill(pid, 0);
      } catch (error) {
        alive = error.code !== 'ESRCH';
      }
      // Not FORCE: a pid can be gone here and alive elsewhere (another PID namespace, another
      // host on the same server), so a database anyone is connected to is never taken from them.
      if (!alive) {
        await client
          .query(`DROP DATABASE IF EXISTS "${datname}"`)
          .catch((error) => console.warn(`[bench] kept ${datname}: ${error.message}`));
      }
    }
  } finally {
    await client.end();
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The app's pool of PostgreSQL connections as the bench runs it, read as the app reads it. */
export async function appPoolSize() {
  const { validateEnvironment } = await import(join(ROOT, 'dist/src/config/environment.js'));
  return validateEnvironment({ DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE })
    .DATABASE_POOL_SIZE;
}

/** The node flags `npm start` and `npm run start:prod` run the app with (package.json). */
export function appNodeFlags() {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const flags = /^node (.*?)\s*dist\/src\/main\.js$/.exec(scripts['start:prod']);
  if (!flags) throw new Error(`package.json's start:prod is not "node [flags] dist/src/main.js"`);
  return flags[1].split(/\s+/).filter(Boolean);
}

/**
 * The built app as `npm start` runs it (API and workers in one process, with its node flags) on
 * a port, database and Redis prefix of its own; its log goes to test/artifacts/bench-app.log.
 */
export async function startApp({ databaseUrl, redisPrefix, adminKey, nodeArgs = [], env = {} }) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  const logPath = join(ARTIFACTS, 'bench-app.log');
  const logFile = createWriteStream(logPath);
  const child = spawn(process.execPath, [...appNodeFlags(), ...nodeArgs, 'dist/src/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      APP_ROLE: 'all',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: redisPrefix,
      ADMIN_API_KEY: adminKey,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  let exited = null;
  const exit = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  const kill = () => exited || child.kill('SIGKILL');
  process.on('exit', kill);

  const baseUrl = `http://127.0.0.1:${port}`;
  const admin = new HttpClient(baseUrl, adminKey);
  const started = Date.now();
  for (;;) {
    if (exited) {
      const tail = readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`the app exited during start-up (${JSON.stringify(exited)}):\n${tail}`);
    }
    try {
      const health = await admin.get('/health', { timeoutMs: 2000 });
      if (health.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 90_000)
      throw new Error('the app did not become healthy within 90 s');
    await sleep(100);
  }
  log(
    `app pid ${child.pid} healthy on ${baseUrl} after ${Date.now() - started} ms (log: ${logPath})`,
  );

  return {
    pid: child.pid,
    baseUrl,
    admin,
    startMs: Date.now() - started,
    logPath,
    get exited() {
      return exited;
    },
    async stop() {
      admin.close();
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exit;
        clearTimeout(timer);
      }
      process.off('exit', kill);
      await new Promise((resolve) => logFile.end(resolve));
      return exited;
    },
  };
}

/** Deletes every Redis key under the bench's prefix. */
export async function cleanRedis(redisUrl, prefix) {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
