#!/usr/bin/env node
// npm run bench [-- --quick] [-- --build] [-- --keep] [-- --only=dispatch,import,kits,stats,weekly,stall]
//
// Builds the app (when src/ changed since the bench last built it), starts it as a child process
// on a free port with a database and Redis prefix of its own, runs each scenario, prints a table
// and writes bench-results.json. Figures are printed, never asserted: the process fails only when
// a scenario cannot run at all. BENCH_NODE_ARGS adds flags to the app's node (--trace-gc, say);
// BENCH_CLIENTS sets scenario 1's concurrency (32 by default, as the issue sets it);
// BENCH_PGBENCH_CONNECTIONS the connection counts pgbench's ceiling tries (32 and the app's pool);
// BENCH_WARMUP_S how long scenario 1 warms the app up before it measures (40 s).
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  appPoolSize,
  buildApp,
  cleanRedis,
  dropAbandonedDatabases,
  dropDatabase,
  ROOT,
  startApp,
} from './lib/app.mjs';
import { expectStatus } from './lib/http.mjs';
import { load, log, round } from './lib/util.mjs';
import { dispatchScenario } from './scenarios/dispatch.mjs';
import { importScenario } from './scenarios/import.mjs';
import { kitsScenario } from './scenarios/kits.mjs';
import { stallScenario } from './scenarios/stall.mjs';
import { statisticsScenario } from './scenarios/statistics.mjs';
import { weeklyScenario } from './scenarios/weekly.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const wants = (name) => !only || only.includes(name);
const cpuProf = args.includes('--cpu-prof');

// Scenario 1's concurrency: 32 as the issue sets it; BENCH_CLIENTS=8 shows the latency of fewer.
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);

const SIZES = quick
  ? {
      dispatch: {
        clients: CLIENTS,
        durationMs: 2500,
        rounds: 2,
        warmupMs: 500,
        appWarmUpMs: 500,
        appWarmUpSliceMs: 500,
        sampleEvery: 50,
        pollMs: 50,
      },
      import: { rows: 3000 },
      kits: { calls: 100 },
      stats: { dispatches: 10_000, statsCalls: 40, plainSqlBudgetMs: 2000 },
      stall: { importRows: 10_000, oversizedLines: 100_000, atOnce: 10 },
    }
  : {
      dispatch: {
        clients: CLIENTS,
        durationMs: 20_000,
        // The grouped phase's API and pgbench take turns in this many slices of durationMs.
        rounds: 4,
        warmupMs: 2000,
        // Until V8 has compiled the app's hot code (the first phase's warm-up): see warmUpTheApp.
        appWarmUpMs: Number(process.env.BENCH_WARMUP_S ?? 40) * 1000,
        appWarmUpSliceMs: 5000,
        sampleEvery: 50,
        pollMs: 50,
      },
      import: { rows: 100_000 },
      kits: { calls: 500 },
      stats: { dispatches: 1_000_000, statsCalls: 200, plainSqlBudgetMs: 120_000 },
      stall: { importRows: 100_000, oversizedLines: 100_000, atOnce: 10 },
    };

// A database of this run's own: two benches on one machine (a developer's and CI's) must not
// drop each other's. Those of runs that died are dropped at the start of the next.
const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ??
  `postgres://postgres@127.0.0.1:5432/relief_hub_bench_${process.pid}`;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_PREFIX = `rh-bench-${process.pid}`;
const ADMIN_KEY = `rh_bench-${randomBytes(16).toString('hex')}`;

async function context(app) {
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const one = async (sql, params) => (await db.query(sql, params)).rows[0];
  const hub = await one(`SELECT id, time_zone FROM hub WHERE code = 'TMZ'`);
  const admin = await one(
    `SELECT id FROM "user" WHERE role = 'admin' AND revoked_at IS NULL ORDER BY created_at LIMIT 1`,
  );
  const items = (await db.query('SELECT id, sku FROM item ORDER BY id')).rows;
  const destinations = (await db.query('SELECT id, code FROM destination ORDER BY id')).rows;
  const user = expectStatus(
    await app.admin.post('/users', { name: 'bench-warehouse', role: 'warehouse' }),
    201,
    'create user',
  );
  const { HttpClient } = await import('./lib/http.mjs');
  return {
    app,
    cpuProf,
    db,
    databaseUrl: DATABASE_URL,
    admin: app.admin,
    warehouse: new HttpClient(app.baseUrl, user.apiKey),
    hubId: hub.id,
    timeZone: hub.time_zone,
    adminId: admin.id,
    poolSize: await appPoolSize(),
    items,
    destinations,
  };
}

const ms = (v) => (v === null || v === undefined ? '-' : `${v} ms`);
const verdict = (ok) => (ok === null ? '' : ok ? 'met' : 'MISSED');

function table(results) {
  const rows = [];
  const s = results.scenarios;
  const d = s.dispatch;
  if (d?.api) {
    const { ledgerMatchesLevels, everyLineTookStock, statisticsCountEveryDispatch } = d.consistency;
    const consistent = ledgerMatchesLevels && everyLineTookStock && statisticsCountEveryDispatch;
    rows.push(['1', `dispatches/s over HTTP (${d.clients} clients)`, `${d.api.perSecond}`, '', '']);
    rows.push([
      '1',
      `dispatches/s as plain SQL (${d.clients} connections)`,
      `${d.sql.perSecond}`,
      '',
      '',
    ]);
    rows.push(['1', 'API / SQL ceiling', `${d.ratio}`, '>= 0.5', verdict(d.ratio >= 0.5)]);
    rows.push([
      '1',
      'API latency p50 / p99',
      `${ms(d.api.latencyMs.p50)} / ${ms(d.api.latencyMs.p99)}`,
      'p99 < 100 ms',
      verdict(d.api.latencyMs.p99 < 100),
    ]);
    rows.push([
      '1',
      'SQL latency p50 / p99',
      `${ms(d.sql.latencyMs.p50)} / ${ms(d.sql.latencyMs.p99)}`,
      '',
      '',
    ]);
    rows.push([
      '1',
      "plain SQL in the app's order before issue 19 (stock last, hub queue): /s, p50 / p99",
      `${d.sqlAppOrder.perSecond}/s, ${ms(d.sqlAppOrder.latencyMs.p50)} / ${ms(d.sqlAppOrder.latencyMs.p99)}`,
      '',
      '',
    ]);
    rows.push(['1', "API / SQL in the app's order", `${d.ratioToAppOrder}`, '', '']);
    const pb = d.pgbench;
    if (pb?.pgbench) {
      rows.push([
        '1',
        `grouped (${pb.workload}; load from ${pb.api.loadGenerator}; ${pb.rounds} slices of ${pb.sliceSeconds} s, taking turns with pgbench's): API /s, p50 / p99; errors`,
        `${pb.api.perSecond}/s, ${ms(pb.api.latencyMs.p50)} / ${ms(pb.api.latencyMs.p99)}; ${pb.api.errors}`,
        'p99 < 100 ms, 0',
        verdict(pb.api.latencyMs.p99 < 100 && pb.api.errors === 0),
      ]);
      for (const run of pb.pgbenchRuns) {
        const pool = run.connections === pb.api.poolSize ? ", the app's pool" : '';
        rows.push([
          '1',
          `grouped: pgbench, ${run.connections} connections${pool}: /s, p50 / p99; failed`,
          `${run.perSecond}/s, ${ms(run.latencyMs.p50)} / ${ms(run.latencyMs.p99)}; ${run.failed}`,
          '',
          '',
        ]);
      }
      rows.push([
        '1',
        `grouped: API / pgbench ceiling (its better run, ${pb.pgbench.connections} connections)`,
        `${pb.ratio}`,
        '>= 0.5',
        verdict(pb.ratio >= 0.5),
      ]);
      rows.push([
        '1',
        'grouped: API / pgbench ceiling in each round (its slices and the API slice beside them)',
        pb.ratioByRound.join(', '),
        '',
        '',
      ]);
      rows.push([
        '1',
        'grouped: CPU per dispatch, API (app + PostgreSQL) / pgbench (PostgreSQL, each run)',
        `${ms(pb.api.appCpuMsPerDispatch)} + ${ms(pb.api.postgresCpuMsPerDispatch)} / ${pb.pgbenchRuns.map((r) => ms(r.postgresCpuMsPerDispatch)).join(', ')}`,
        '',
        '',
      ]);
      rows.push([
        '1',
        `grouped: the load generator's CPU per dispatch, ${pb.api.loadGenerator === 'wrk' ? 'wrk and the bench' : "bench's HTTP client"} / pgbench (each run)`,
        `${ms(pb.api.clientCpuMsPerDispatch)} / ${pb.pgbenchRuns.map((r) => ms(r.clientCpuMsPerDispatch)).join(', ')}`,
        '',
        '',
      ]);
    } else if (pb?.skipped) {
      rows.push(['1', 'grouped: pgbench ceiling', `skipped: ${pb.skipped}`, '', '']);
    }
    if (d.warmUp?.slices.length) {
      const { seconds, sliceSeconds, slices } = d.warmUp;
      const [first, last] = [slices[0], slices.at(-1)];
      rows.push([
        '1',
        `warm-up (${seconds} s) before measuring: /s, app CPU per dispatch in its first / last ${sliceSeconds} s`,
        `${first.perSecond}/s, ${ms(first.appCpuMsPerDispatch)} / ${last.perSecond}/s, ${ms(last.appCpuMsPerDispatch)}`,
        '',
        '',
      ]);
    }
    rows.push([
      '1',
      'API errors',
      `${d.api.errors} of ${d.api.dispatches + d.api.errors}`,
      '0',
      verdict(d.api.errors === 0),
    ]);
    rows.push([
      '1',
      'ledger = levels, every line took stock, stats = dispatches',
      `${consistent ? 'yes' : 'NO'}`,
      'yes',
      verdict(consistent),
    ]);
    const f = d.freshness;
    rows.push([
      '3',
      `freshness 201 -> in statistics p50 / p99 (${f.samples} samples)`,
      `${ms(f.p50)} / ${ms(f.p99)}`,
      'p99 < 2000 ms',
      verdict(f.samples > 0 && f.p99 < 2000 && f.notSeenWithin60s === 0),
    ]);
    rows.push([
      '6',
      'app peak RSS during scenario 1',
      `${d.memory.peakRssMb} MB (VmHWM ${d.memory.vmHwmMb} MB)`,
      '< 300 MB',
      verdict(d.memory.peakRssMb < 300),
    ]);
  } else if (s.dispatch?.error)
    rows.push(['1', 'dispatch throughput', `FAILED: ${s.dispatch.error}`, '', '']);
  const st = s.stats;
  if (st?.api) {
    rows.push([
      '2',
      `history loaded with SQL (${st.dispatches.toLocaleString('en-US')} dispatches, ${st.lines.toLocaleString('en-US')} lines)`,
      `${st.loadSeconds} s`,
      '',
      '',
    ]);
    rows.push([
      '2',
      'rollup rebuild',
      `${st.rebuildSeconds} s`,
      '< 120 s',
      verdict(st.rebuildSeconds < 120),
    ]);
    rows.push([
      '2',
      `GET /api/stats/dispatches?asOf= p50 / p99 (${st.api.n} calls)`,
      `${ms(st.api.p50)} / ${ms(st.api.p99)}`,
      'p99 < 50 ms',
      verdict(st.api.p99 < 50),
    ]);
    if (st.emissionsApi) {
      rows.push([
        '2',
        `GET /api/stats/emissions?asOf= p50 / p99 (${st.emissionsApi.n} calls)`,
        `${ms(st.emissionsApi.p50)} / ${ms(st.emissionsApi.p99)}`,
        'p99 < 50 ms',
        verdict(st.emissionsApi.p99 < 50),
      ]);
      rows.push([
        '2',
        `same trucks and kg CO2e as summing the dispatches (${st.emissionChecks.length} dates)`,
        st.emissionsSame ? 'yes' : 'NO',
        'yes',
        verdict(st.emissionsSame),
      ]);
    }
    rows.push([
      '2',
      `plain SQL sum p50 / p99 (${st.plainSql.n} calls)`,
      `${ms(st.plainSql.p50)} / ${ms(st.plainSql.p99)}`,
      '',
      '',
    ]);
    rows.push(['2', 'plain SQL / API (p50, p99)', `${st.p50Ratio}x, ${st.p99Ratio}x`, '', '']);
    rows.push([
      '2',
      `same trucks and tonnes (${st.checks.length} dates)`,
      st.allSame ? 'yes' : 'NO',
      'yes',
      verdict(st.allSame),
    ]);
  } else if (st?.error) rows.push(['2', 'statistics at scale', `FAILED: ${st.error}`, '', '']);
  const w = s.weekly;
  if (w?.skipped)
    rows.push(['4', 'weekly report build', 'skipped: weekly reports not available', '< 2 s', '']);
  else if (w?.seconds !== undefined)
    rows.push([
      '4',
      `weekly report build (week of ${w.weekStart})`,
      `${w.seconds} s`,
      '< 2 s',
      verdict(w.seconds < 2),
    ]);
  else if (w?.error) rows.push(['4', 'weekly report build', `FAILED: ${w.error}`, '', '']);
  const im = s.import;
  if (im?.seconds !== undefined) {
    rows.push([
      '5',
      `import of ${im.rows.toLocaleString('en-US')} CSV rows`,
      `${im.seconds} s (${im.rowsPerSecond.toLocaleString('en-US')} rows/s)`,
      '< 30 s',
      verdict(im.seconds < 30),
    ]);
  } else if (im?.error) rows.push(['5', 'import', `FAILED: ${im.error}`, '', '']);
  const sl = s.stall;
  if (sl?.import) {
    const o = sl.oversized;
    rows.push([
      '7',
      'GET /api/health when idle, p50 / max',
      `${ms(sl.idleHealth.p50)} / ${ms(sl.idleHealth.max)}`,
      '',
      '',
    ]);
    rows.push([
      '7',
      `health during an import of ${(sl.import.bytes / 1e6).toFixed(1)} MB (${sl.import.rows.toLocaleString('en-US')} rows, ${round(sl.import.ms / 1000, 1)} s): max / p99`,
      `${ms(sl.import.health.max)} / ${ms(sl.import.health.p99)}`,
      '',
      '',
    ]);
    rows.push([
      '7',
      `${o.lines.toLocaleString('en-US')} dispatch lines (${(o.bytes / 1e6).toFixed(1)} MB): ${o.status} after (p50); app CPU per ${o.status}; health max`,
      `${ms(o.one.refusedMs.p50)}; ${ms(o.cpuPerRefusalMs)}; ${ms(o.one.health.max)}`,
      'a few ms',
      '',
    ]);
    rows.push([
      '7',
      `${o.underCap.lines.toLocaleString('en-US')} lines (${(o.underCap.bytes / 1e6).toFixed(2)} MB, under the parser's cap): app CPU per ${o.underCap.status}`,
      ms(o.underCap.cpuPerRefusalMs),
      'a few ms',
      '',
    ]);
    rows.push([
      '7',
      `${o.readings.readings.toLocaleString('en-US')} energy readings (${(o.readings.bytes / 1e6).toFixed(2)} MB, under the parser's cap): app CPU per ${o.readings.status}`,
      ms(o.readings.cpuPerRefusalMs),
      'a few ms',
      '',
    ]);
    rows.push([
      '7',
      `${o.atOnce.requests} of them at once: all refused after; health max`,
      `${ms(o.atOnce.allRefusedMs)}; ${ms(o.atOnce.health.max)}`,
      '',
      '',
    ]);
  } else if (sl?.error) rows.push(['7', 'stall', `FAILED: ${sl.error}`, '', '']);

  const k = s.kits;
  if (k?.plan) {
    rows.push([
      '8',
      `GET /api/stock/coverage?kit= p50 / p99 (${k.items} items, ${k.coverage.n} calls)`,
      `${ms(k.coverage.p50)} / ${ms(k.coverage.p99)}`,
      'p99 < 20 ms',
      verdict(k.coverage.p99 < 20),
    ]);
    rows.push([
      '8',
      `GET /api/stock/coverage, every kit (${k.kits}) p50 / p99`,
      `${ms(k.coverageAll.p50)} / ${ms(k.coverageAll.p99)}`,
      'p99 < 20 ms',
      verdict(k.coverageAll.p99 < 20),
    ]);
    rows.push([
      '8',
      `POST /api/plans/load, ${k.plan.lines} lines (${k.plan.trucks} trucks) p50 / p99`,
      `${ms(k.plan.p50)} / ${ms(k.plan.p99)}`,
      'p99 < 20 ms',
      verdict(k.plan.p99 < 20),
    ]);
  } else if (k?.error) rows.push(['8', 'coverage and load plans', `FAILED: ${k.error}`, '', '']);

  const header = ['#', 'what', 'measured', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

async function scenario(results, name, run, app) {
  log(`--- ${name} (load average ${load()})`);
  const started = Date.now();
  // the dispatch scenario profiles its HTTP phase itself
  const profile = cpuProf && name !== 'dispatch' && !app.exited;
  try {
    if (profile) process.kill(app.pid, 'SIGWINCH');
    results.scenarios[name] = await run();
    if (profile) process.kill(app.pid, 'SIGWINCH');
  } catch (error) {
    console.error(error);
    results.scenarios[name] = { error: error.message.split('\n')[0] };
    results.failed = true;
  }
  results.scenarios[name].wallSeconds = round((Date.now() - started) / 1000, 1);
  results.scenarios[name].loadAverage = load();
}

/** The bench stops by itself: past this, the app is killed and the run fails. */
const WATCHDOG_MS = quick ? 5 * 60_000 : 30 * 60_000;

async function main() {
  const started = Date.now();
  setTimeout(() => {
    console.error(`bench: still running after ${WATCHDOG_MS / 60_000} minutes; giving up`);
    process.exit(2); // the exit handler kills the app
  }, WATCHDOG_MS).unref();
  const results = {
    mode: quick ? 'quick' : 'full',
    startedAt: new Date().toISOString(),
    command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      loadAverageAtStart: load(),
    },
    sizes: SIZES,
    scenarios: {},
  };
  const build = buildApp({ force: args.includes('--build') });
  results.buildSeconds = round(build.ms / 1000, 1);
  await dropDatabase(DATABASE_URL);
  await dropAbandonedDatabases(DATABASE_URL);
  const app = await startApp({
    databaseUrl: DATABASE_URL,
    redisPrefix: REDIS_PREFIX,
    adminKey: ADMIN_KEY,
    nodeArgs: [
      ...(cpuProf ? ['--import', join(ROOT, 'test/bench/lib/profile-hook.mjs')] : []),
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ],
    env: { BENCH_PROFILE_DIR: join(ROOT, 'test/artifacts/prof') },
  });
  results.appStartSeconds = round(app.startMs / 1000, 1);
  let ctx;
  try {
    ctx = await context(app);
    const pgVersion = await ctx.db.query('SHOW server_version');
    results.machine.postgres = pgVersion.rows[0].server_version;
    if (wants('dispatch'))
      await scenario(results, 'dispatch', () => dispatchScenario(ctx, SIZES.dispatch), app);
    if (wants('import'))
      await scenario(results, 'import', () => importScenario(ctx, SIZES.import), app);
    if (wants('kits')) await scenario(results, 'kits', () => kitsScenario(ctx, SIZES.kits), app);
    if (wants('stats'))
      await scenario(results, 'stats', () => statisticsScenario(ctx, SIZES.stats), app);
    if (wants('weekly')) {
      const day = results.scenarios.stats?.from
        ? new Date(
            (Date.parse(results.scenarios.stats.from) + Date.parse(results.scenarios.stats.to)) / 2,
          )
            .toISOString()
            .slice(0, 10)
        : new Date(Date.now() - 14 * 86_400_000).toISOString().slice(0, 10);
      await scenario(results, 'weekly', () => weeklyScenario(ctx, { day }), app);
    }
    // last: its own historical dispatches (2015-2018) stay out of the other scenarios' figures
    if (wants('stall'))
      await scenario(results, 'stall', () => stallScenario(ctx, SIZES.stall), app);
    if (app.exited)
      throw new Error(`the app exited during the bench: ${JSON.stringify(app.exited)}`);
  } finally {
    ctx?.warehouse.close();
    await ctx?.db.end();
    const exit = await app.stop();
    results.appExit = exit;
    await cleanRedis(REDIS_URL, REDIS_PREFIX).catch((error) =>
      log(`could not clean Redis: ${error.message}`),
    );
    if (!args.includes('--keep'))
      await dropDatabase(DATABASE_URL).catch((error) =>
        log(`could not drop the database: ${error.message}`),
      );
  }
  results.totalSeconds = round((Date.now() - started) / 1000, 1);
  results.table = table(results);
  writeFileSync(join(ROOT, 'bench-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\nrelief-hub bench, ${results.mode} (${quick ? 'small sizes: figures not comparable to the targets' : 'full sizes'}); ${results.machine.cpus} CPUs, node ${process.version}, PostgreSQL ${results.machine.postgres}; load average at start ${results.machine.loadAverageAtStart}`,
  );
  console.log(results.table);
  console.log(
    `\ntotal ${results.totalSeconds} s (build ${results.buildSeconds} s, app start ${results.appStartSeconds} s); details in bench-results.json`,
  );
  if (results.failed) {
    console.error('bench: a scenario failed to run (see above)');
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error('bench crashed:', error);
  process.exitCode = 1;
});
