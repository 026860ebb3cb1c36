import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './eventually.js';

export const root = new URL('../../', import.meta.url).pathname;

/** Start-up includes migrating a fresh database: seconds alone, much longer on a loaded machine. */
export const START_MS = 90_000;

export interface AppProcess {
  child: ChildProcess;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  out(): string;
  err(): string;
}

/** The built app (dist/) as `npm start` runs it, with only PATH and `env` in its environment. */
export function runApp(env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, out: () => stdout, err: () => stderr };
}

export function waitFor(condition: () => boolean, what: string, timeoutMs = START_MS) {
  return eventually(
    () => {
      if (!condition()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeoutMs, intervalMs: 50 },
  );
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * `nest build` into dist/, once per test run: the spec files that start the built app run in
 * parallel workers, and a second build (which empties dist/ first) would pull it from under the
 * processes the first one started.
 */
export async function buildApp(): Promise<void> {
  const cache = join(root, 'node_modules/.cache/relief-hub-build');
  const built = join(cache, `${process.env.TEST_RUN_ID ?? `local${process.pid}`}.built`);
  const lock = join(cache, 'lock');
  await mkdir(cache, { recursive: true });
  const locked = await eventually(
    async () => {
      if (await exists(built)) return false;
      await mkdir(lock);
      return true;
    },
    { timeoutMs: 300_000, intervalMs: 200 },
  );
  if (!locked) return;
  try {
    if (await exists(built)) return;
    await promisify(execFile)(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build'], {
      cwd: root,
    });
    await writeFile(built, '');
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
