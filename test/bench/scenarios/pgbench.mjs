// Scenario 1's PostgreSQL ceiling (issue 19): the best the database does for a dispatch's writes,
// measured by pgbench beside the API on the same workload, and the CPU each side spends per
// dispatch (the app's process and PostgreSQL's processes for the bench's database, from /proc).
//
// The workload: 40 items in 5 groups of 8; every dispatch takes one item from each group, so
// dispatches overlap as a hub's do without all locking the same rows. pgbench runs, per
// dispatch, one transaction of 5 conditional stock updates and one statement writing the
// dispatch, its 5 lines, 5 movements and the outbox event (which the app's workers then fold,
// as they fold the API's).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectStatus } from '../lib/http.mjs';
import {
  cpuMsOf,
  cpuMsOfStat,
  log,
  mergedPercentiles,
  QUANTILES,
  random,
  round,
  summarize,
} from '../lib/util.mjs';

const GROUPS = 5;
const PER_GROUP = 8;
const OPENING_BALANCE = 1_000_000_000;

/** pgbench on the PATH, or null (the scenario then says it was skipped). */
function pgbenchBinary() {
  const found = spawnSync('pgbench', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? 'pgbench' : null;
}

/** The 40 items: the catalogue's and enough made here, with stock that never runs short. */
async function groupItems(ctx) {
  const rand = random(19);
  const skus = ctx.items.map((i) => i.sku).slice(0, GROUPS * PER_GROUP);
  for (let i = skus.length; i < GROUPS * PER_GROUP; i += 1) {
    const sku = `BENCH-GROUP-${String(i).padStart(2, '0')}`;
    const created = await ctx.admin.post('/items', {
      sku,
      name: `Bench group item ${i}`,
      unit: 'piece',
      unitWeightKg: round(0.5 + rand() * 20, 3),
      unitVolumeM3: round(0.005 + rand() * 0.1, 4),
    });
    if (created.status !== 409) expectStatus(created, 201, `create item ${sku}`);
    const opening = await ctx.warehouse.post(
      '/stock/adjustments',
      { sku, delta: OPENING_BALANCE, reason: 'OPENING_BALANCE' },
      { headers: { 'idempotency-key': `bench-opening-${sku}` } },
    );
    expectStatus(opening, 201, `opening balance of ${sku}`);
    skus.push(sku);
  }
  const { rows } = await ctx.db.query('SELECT id, sku FROM item WHERE sku = ANY($1) ORDER BY id', [
    skus,
  ]);
  return Array.from({ length: GROUPS }, (_, g) => rows.slice(g * PER_GROUP, (g + 1) * PER_GROUP));
}

/** What a load generator (wrk, pgbench) printed, stdout and stderr; rejects when it fails. */
function output(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.stderr.on('data', (chunk) => (text += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(text)
        : reject(new Error(`${command} exited ${code}: ${text.slice(-500)}`)),
    );
  });
}

/**
 * The load generator of the API's grouped phase: wrk where it is installed (Debian: wrk), a C
 * program as pgbench is, else the bench's own HTTP client (0.4-0.6 ms of CPU per dispatch on the
 * two cores it shares with the app, against wrk's 0.1 ms). BENCH_LOAD_GENERATOR=node picks the
 * bench's client anyway.
 */
function apiLoadGenerator() {
  if (process.env.BENCH_LOAD_GENERATOR === 'node') return 'node';
  const found = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return found.error ? 'node' : 'wrk';
}

/** wrk's script: the grouped workload's dispatch bodies, each with an Idempotency-Key of its own. */
function wrkScript(ctx, groups, runId) {
  const lua = (value) =>
    Array.isArray(value) ? `{${value.map(lua).join(', ')}}` : JSON.stringify(value);
  return `
local groups = ${lua(groups.map((group) => group.map((item) => item.sku)))}
local destinations = ${lua(ctx.destinations.map((d) => d.code))}
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer ${ctx.warehouse.apiKey}" }
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  created = 0
  failed = 0
  math.randomseed(id * 7919 + ${Number(runId.replace(/\D/g, '').slice(-6))})
end

function request()
  counter = counter + 1
  local lines = {}
  for g = 1, #groups do
    local skus = groups[g]
    lines[g] = string.format('{"sku":"%s","quantity":%d}', skus[math.random(#skus)], math.random(5))
  end
  headers["Idempotency-Key"] = string.format("bench-wrk-${runId}-%d-%d", id, counter)
  local body = string.format('{"destination":"%s","truckPlate":"%d B %d UZ","lines":[%s]}',
    destinations[math.random(#destinations)], math.random(10, 89), math.random(100, 999),
    table.concat(lines, ","))
  return wrk.format("POST", "/api/dispatches", headers, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else failed = failed + 1 end
end

function done(summary, latency, requests)
  local c, f = 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    f = f + thread:get("failed")
  end
  local e = summary.errors
  io.write(string.format("RESULT created=%d failed=%d socket=%d us=%d\\n", c, f,
    e.connect + e.read + e.write + e.timeout, summary.duration))
  local q = {}
  for i = 1, ${QUANTILES} do q[i] = latency:percentile(100 * i / ${QUANTILES}) end
  io.write("QUANTILES " .. table.concat(q, ",") .. "\\n")
end
`;
}

/** The API's grouped phase driven by wrk: what scenario 1's HTTP loop gives with keepQuantiles. */
async function wrkPhase(ctx, dir, groups, { clients, durationMs }) {
  const runId = `${process.pid}-${Date.now()}`;
  const file = join(dir, `dispatch-${runId}.lua`);
  writeFileSync(file, wrkScript(ctx, groups, runId));
  const seconds = Math.max(1, Math.round(durationMs / 1000));
  const args = ['-t', '2', '-c', String(clients), '-d', `${seconds}s`, '--timeout', '30s'];
  const out = await output('wrk', [...args, '-s', file, ctx.app.baseUrl]);
  const result = /RESULT created=(\d+) failed=(\d+) socket=(\d+) us=(\d+)/.exec(out);
  if (!result) throw new Error(`wrk printed no result: ${out.slice(-500)}`);
  const [created, failed, socket, us] = result.slice(1).map(Number);
  const quantilesUs = /QUANTILES ([\d.,]+)/.exec(out)?.[1].split(',').map(Number);
  if (quantilesUs?.length !== QUANTILES)
    throw new Error(`wrk printed no quantiles: ${out.slice(-500)}`);
  return {
    dispatches: created,
    quantiles: quantilesUs.map((us) => us / 1000),
    elapsedS: round(us / 1e6, 2),
    perSecond: round(created / (us / 1e6), 1),
    errors: failed + socket,
    errorKinds: { 'HTTP other than 201': failed, 'socket errors': socket },
  };
}

/** The pgbench script of one dispatch: ids written in, the choices random per transaction. */
function script(ctx, groups) {
  const pick = (g) => `(ARRAY[${groups[g].map((i) => i.id).join(',')}])[:g${g + 1}]`;
  const values = (withLineNo) =>
    groups
      .map((_, g) => `(${withLineNo ? `${g + 1}, ` : ''}${pick(g)}, :q${g + 1}::bigint)`)
      .join(', ');
  const hub = Number(ctx.hubId);
  const destination = Number(ctx.destinations[0].id);
  return [
    ...groups.map((_, g) => `\\set g${g + 1} random(1, ${PER_GROUP})`),
    ...groups.map((_, g) => `\\set q${g + 1} random(1, 5)`),
    'BEGIN;',
    ...groups.map(
      (_, g) =>
        `UPDATE stock_level SET on_hand = on_hand - :q${g + 1}, updated_at = now() WHERE hub_id = ${hub} AND item_id = ${pick(g)} AND on_hand - reserved >= :q${g + 1};`,
    ),
    `WITH d AS (INSERT INTO dispatch (id, hub_id, waybill_no, destination_id, status, dispatched_at, truck_plate, lines_weight_kg, volume_m3, recorded_by_id) SELECT gen_random_uuid(), ${hub}, 'PGB-' || gen_random_uuid(), ${destination}, 'DISPATCHED', now(), '10 B 100 UZ', sum(v.q * i.unit_weight_kg), sum(v.q * i.unit_volume_m3), '${ctx.adminId}' FROM (VALUES ${values(false)}) AS v(item_id, q) JOIN item i ON i.id = v.item_id RETURNING id), ` +
      `l AS (INSERT INTO dispatch_line (dispatch_id, line_no, item_id, quantity, unit_weight_kg, unit_volume_m3, weight_kg, volume_m3) SELECT d.id, v.n, v.item_id, v.q, i.unit_weight_kg, i.unit_volume_m3, v.q * i.unit_weight_kg, v.q * i.unit_volume_m3 FROM d, (VALUES ${values(true)}) AS v(n, item_id, q) JOIN item i ON i.id = v.item_id), ` +
      `m AS (INSERT INTO stock_movement (hub_id, item_id, type, quantity, dispatch_id, occurred_at, recorded_by_id) SELECT ${hub}, v.item_id, 'DISPATCH', -v.q, d.id, now(), '${ctx.adminId}' FROM d, (VALUES ${values(false)}) AS v(item_id, q)) ` +
      `INSERT INTO outbox_event (type, hub_id, payload) SELECT 'DISPATCH_RECORDED', ${hub}, jsonb_build_object('dispatchId', d.id) FROM d;`,
    'END;',
    '',
  ].join('\n');
}

/**
 * The CPU (ms) PostgreSQL spends on this bench's database: its backends (the process title names
 * the database) and the server's shared processes (WAL writer, checkpointer, background writer,
 * the postmaster itself), not the backends of other databases on the same server (another
 * engineer's tests). Sampled every 100 ms while `work` runs, each process's last reading kept,
 * so a backend that exits meanwhile (pgbench's, as its run ends) counts up to its last sample.
 */
async function postgresCpuWhile(database, work) {
  const first = new Map();
  const last = new Map();
  const clients = new Set(); // pgbench's or wrk's processes: the load generator, counted apart
  // What a process is, once known for good: 'skip' (not PostgreSQL's, or another database's
  // backend), 'client' (pgbench or wrk), or 'ours' (this database's backend). The server's shared processes are
  // looked at again each time (a backend's title names its database only once it has one).
  const kinds = new Map();
  const kindOf = (entry, stat) => {
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (command === 'pgbench' || command === 'wrk') return 'client';
    if (!command.startsWith('postgres')) return 'skip';
    const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
    // A backend's title: "postgres: 15/main: <user> <database> <client> <state>"; an
    // autovacuum worker's names its database too.
    const ofADatabase = / \d+\.\d+\.\d+\.\d+\(\d+\)| \[local\]|autovacuum worker/.test(title);
    if (!ofADatabase) return 'shared';
    return `${title} `.includes(` ${database} `) ? 'ours' : 'skip';
  };
  // Synchronous reads, and each process classified once: the sampling shares the two cores
  // with what it measures (reading every process's stat and title asynchronously ten times a
  // second cost this process 0.3-0.5 ms of CPU per dispatch).
  const sample = () => {
    for (const entry of readdirSync('/proc')) {
      if (kinds.get(entry) === 'skip' || !/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        let kind = kinds.get(entry);
        if (kind === undefined || kind === 'shared') {
          kind = kindOf(entry, stat);
          if (kind !== 'shared') kinds.set(entry, kind);
          if (kind === 'skip') continue;
        }
        if (kind === 'client') clients.add(entry);
        const ms = cpuMsOfStat(stat);
        // Processes alive at the start count from then; those born meanwhile from their birth.
        if (!first.has(entry)) first.set(entry, started ? 0 : ms);
        last.set(entry, ms);
      } catch {
        // gone meanwhile
      }
    }
  };
  let started = false;
  sample();
  started = true;
  let running = true;
  const sampler = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      sample();
    }
  })();
  try {
    const result = await work();
    return { result, postgresCpuMs: totalOf(false), clientCpuMs: totalOf(true) };
  } finally {
    running = false;
    await sampler;
  }
  function totalOf(ofClients) {
    let total = 0;
    for (const [pid, ms] of last) {
      if (clients.has(pid) === ofClients) total += ms - (first.get(pid) ?? 0);
    }
    return total;
  }
}

/** Runs `work` and returns its result with the CPU the app and PostgreSQL spent meanwhile. */
async function withCpu(ctx, work) {
  const database = new URL(ctx.databaseUrl).pathname.slice(1);
  const app0 = await cpuMsOf(ctx.app.pid);
  const bench0 = process.cpuUsage();
  const { result, postgresCpuMs, clientCpuMs } = await postgresCpuWhile(database, async () => {
    const value = await work();
    await new Promise((resolve) => setTimeout(resolve, 150)); // a last sample of every backend
    return value;
  });
  const bench = process.cpuUsage(bench0);
  const app1 = await cpuMsOf(ctx.app.pid);
  // The load generator shares the two cores: this process (its HTTP client, and the sampling
  // of /proc), and wrk's or pgbench's processes.
  const benchCpuMs = (bench.user + bench.system) / 1000;
  return { result, appCpuMs: app1 - app0, postgresCpuMs, benchCpuMs, clientCpuMs };
}

function runPgbench(binary, ctx, file, { clients, seconds, logDir }) {
  const url = new URL(ctx.databaseUrl);
  const args = [
    ...['-n', '-M', 'prepared', '-f', file, '-c', String(clients), '-j', '2'],
    ...['-T', String(seconds), '-l', '--log-prefix', join(logDir, 'tx')],
    ...[
      '-h',
      decodeURIComponent(url.hostname),
      '-p',
      url.port || '5432',
      '-U',
      decodeURIComponent(url.username),
    ],
    decodeURIComponent(url.pathname.slice(1)),
  ];
  return output(binary, args);
}

/** Latencies (ms) of the committed transactions, from pgbench's per-transaction logs. */
function loggedLatencies(logDir) {
  const latencies = [];
  for (const name of readdirSync(logDir)) {
    for (const line of readFileSync(join(logDir, name), 'utf8').split('\n')) {
      const fields = line.split(' ');
      if (fields.length >= 3 && /^\d+$/.test(fields[2])) latencies.push(Number(fields[2]) / 1000);
    }
  }
  return latencies;
}

/**
 * The API and pgbench on the grouped workload, each with its CPU per dispatch, taking turns:
 * `rounds` rounds, each a slice of the API and a slice of pgbench at each connection count (the
 * API first in even rounds, pgbench first in odd ones), every slice after `settle()`. Each side's
 * figures are its slices' together, so both sides meet the machine's changes of pace alike (on
 * the two shared cores, pgbench's own rate moved by half within minutes, which one 20 s phase
 * after the other turned into the ratio). `apiPhase(groups, { clients, durationMs,
 * keepQuantiles })` is scenario 1's HTTP loop, `drainOutbox()` waits for the folds, `settle()`
 * also checkpoints.
 */
export async function pgbenchCeiling(ctx, sizes, { apiPhase, drainOutbox, settle }) {
  const binary = pgbenchBinary();
  if (!binary) {
    log('pgbench ceiling: skipped, pgbench is not on the PATH (Debian: postgresql-contrib)');
    return { skipped: 'pgbench is not on the PATH' };
  }
  const { clients, durationMs, warmupMs, rounds } = sizes;
  const sliceSeconds = Math.max(1, Math.round(durationMs / rounds / 1000));
  const groups = await groupItems(ctx);
  const perDispatch = (cpuMs, dispatches) => (dispatches ? round(cpuMs / dispatches, 2) : null);
  const sum = (list, key) => list.reduce((total, item) => total + item[key], 0);
  const dir = mkdtempSync(join(tmpdir(), 'relief-hub-pgbench-'));
  try {
    const generator = apiLoadGenerator();
    const apiRun = (phase) =>
      generator === 'wrk'
        ? wrkPhase(ctx, dir, groups, phase)
        : apiPhase(groups, { ...phase, keepQuantiles: true });
    const file = join(dir, 'dispatch.sql');
    writeFileSync(file, script(ctx, groups));
    // As many connections as clients, as the issue words it; and as many as the app's pool
    // holds, where the API's 32 clients meet PostgreSQL: on two cores, 32 busy backends cost
    // PostgreSQL more CPU per dispatch than 10 do, so the better of the two is the ceiling.
    // BENCH_PGBENCH_CONNECTIONS=32,10,4 runs those counts instead.
    const asked = process.env.BENCH_PGBENCH_CONNECTIONS?.split(',').map(Number);
    const counts = [...new Set(asked ?? [clients, ctx.poolSize])];
    log(
      `grouped workload (${GROUPS} groups of ${PER_GROUP} items): ${rounds} rounds of ${sliceSeconds} s of the API (${clients} clients, load from ${generator === 'wrk' ? 'wrk' : "the bench's HTTP client"}) and ${sliceSeconds} s of pgbench at ${counts.join(' and ')} connections, taking turns`,
    );
    await apiRun({ clients, durationMs: warmupMs });
    await drainOutbox();
    await runPgbench(binary, ctx, file, {
      clients: ctx.poolSize,
      seconds: Math.max(1, Math.round(warmupMs / 1000)),
      logDir: mkdtempSync(join(dir, 'warm-')),
    });
    await drainOutbox();

    const apiSlices = [];
    const pgbenchSlices = new Map(counts.map((connections) => [connections, []]));
    const apiSlice = async () => {
      await settle();
      const run = await withCpu(ctx, () => apiRun({ clients, durationMs: sliceSeconds * 1000 }));
      await drainOutbox();
      apiSlices.push(run);
      return run.result.perSecond;
    };
    const pgbenchSlice = async (connections) => {
      await settle();
      const logDir = mkdtempSync(join(dir, `run-${connections}-`));
      const run = await withCpu(ctx, () =>
        runPgbench(binary, ctx, file, { clients: connections, seconds: sliceSeconds, logDir }),
      );
      const drainMs = await drainOutbox();
      const tps = Number(
        /tps = ([\d.]+) \(without initial connection time\)/.exec(run.result)?.[1],
      );
      const latencies = loggedLatencies(logDir);
      pgbenchSlices.get(connections).push({
        ...run,
        latencies,
        transactions: latencies.length,
        // pgbench's rate leaves out its connecting; its time is then the transactions' own
        seconds: latencies.length / tps,
        failed: Number(/number of failed transactions: (\d+)/.exec(run.result)?.[1] ?? 0),
        drainMs,
      });
      return tps;
    };
    const ratioByRound = [];
    for (let r = 0; r < rounds; r += 1) {
      let api;
      const pgbenchRates = [];
      if (r % 2 === 0) api = await apiSlice();
      for (const connections of counts) pgbenchRates.push(await pgbenchSlice(connections));
      if (r % 2 === 1) api = await apiSlice();
      ratioByRound.push(round(api / Math.max(...pgbenchRates), 2));
      log(
        `round ${r + 1}: API ${api}/s, pgbench ${pgbenchRates.map((tps, i) => `${round(tps, 1)}/s at ${counts[i]}`).join(', ')}`,
      );
    }

    const runs = counts.map((connections) => {
      const slices = pgbenchSlices.get(connections);
      const transactions = sum(slices, 'transactions');
      return {
        connections,
        perSecond: round(transactions / sum(slices, 'seconds'), 1),
        latencyMs: summarize(slices.flatMap((slice) => slice.latencies)),
        transactions,
        failed: sum(slices, 'failed'),
        postgresCpuMsPerDispatch: perDispatch(sum(slices, 'postgresCpuMs'), transactions),
        appCpuMsPerDispatch: perDispatch(sum(slices, 'appCpuMs'), transactions),
        clientCpuMsPerDispatch: perDispatch(sum(slices, 'clientCpuMs'), transactions),
        drainMs: Math.max(...slices.map((slice) => slice.drainMs)),
      };
    });
    const apiResults = apiSlices.map((slice) => slice.result);
    const dispatches = sum(apiResults, 'dispatches');
    const best = runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const result = {
      workload: `${GROUPS} groups of ${PER_GROUP} items, one from each`,
      rounds,
      sliceSeconds,
      api: {
        perSecond: round(dispatches / sum(apiResults, 'elapsedS'), 1),
        latencyMs: mergedPercentiles(
          apiResults.map((slice) => ({ count: slice.dispatches, quantiles: slice.quantiles })),
        ),
        errors: sum(apiResults, 'errors'),
        appCpuMsPerDispatch: perDispatch(sum(apiSlices, 'appCpuMs'), dispatches),
        postgresCpuMsPerDispatch: perDispatch(sum(apiSlices, 'postgresCpuMs'), dispatches),
        clientCpuMsPerDispatch: perDispatch(
          sum(apiSlices, 'benchCpuMs') + sum(apiSlices, 'clientCpuMs'),
          dispatches,
        ),
        loadGenerator: generator,
        poolSize: ctx.poolSize,
      },
      pgbench: best,
      pgbenchRuns: runs,
      ratioByRound,
    };
    result.ratio = round(result.api.perSecond / best.perSecond, 2);
    const runText = (r) =>
      `${r.connections} connections ${r.perSecond}/s (p99 ${r.latencyMs.p99} ms; PostgreSQL ${r.postgresCpuMsPerDispatch} ms, pgbench ${r.clientCpuMsPerDispatch} ms)`;
    log(
      `grouped: API ${result.api.perSecond}/s (p99 ${result.api.latencyMs.p99} ms; CPU per dispatch: app ${result.api.appCpuMsPerDispatch} ms, PostgreSQL ${result.api.postgresCpuMsPerDispatch} ms, client ${result.api.clientCpuMsPerDispatch} ms); pgbench ${runs.map(runText).join(', ')}; ratio to the better ${result.ratio} (by round ${ratioByRound.join(', ')})`,
    );
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
