// Loaded into the app with `node --import` by `npm run bench -- --cpu-prof`: SIGWINCH (a signal
// Nest's shutdown hooks leave alone) starts the V8 CPU profiler, the next one stops it and writes a .cpuprofile (Chrome DevTools format)
// to BENCH_PROFILE_DIR. (node --cpu-prof writes only on a normal exit, and Nest re-raises SIGTERM.)
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR ?? 'test/artifacts/prof';
const session = new Session();
session.connect();
let profiling = false;

process.on('SIGWINCH', () => {
  if (!profiling) {
    profiling = true;
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 500 }, () =>
        session.post('Profiler.start'),
      ),
    );
    return;
  }
  profiling = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) return console.error('profile failed', error);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `app-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(result.profile));
    console.error(`wrote ${file}`);
  });
});
