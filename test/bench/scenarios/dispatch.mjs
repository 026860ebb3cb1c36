// Scenarios 1, 3 and 6: dispatch throughput over HTTP against the same writes as plain SQL,
// freshness of the statistics under that load, and the app's memory meanwhile.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { expectStatus } from '../lib/http.mjs';
import { pgbenchCeiling } from './pgbench.mjs';
import {
  cpuMsOf,
  log,
  memoryOf,
  pickDistinct,
  quantiles,
  random,
  round,
  sleep,
  summarize,
} from '../lib/util.mjs';

const LINES = 5;
const OPENING_BALANCE = 1_000_000_000;

/** Enough stock of every item that no dispatch of the run runs short. */
export async function seedStock(ctx) {
  for (const item of ctx.items) {
    const response = await ctx.warehouse.post(
      '/stock/adjustments',
      { sku: item.sku, delta: OPENING_BALANCE, reason: 'OPENING_BALANCE' },
      { headers: { 'idempotency-key': `bench-opening-${item.sku}` } },
    );
    expectStatus(response, 201, `opening balance of ${item.sku}`);
  }
}

/** Five distinct items of the catalogue, or (`groups`) one item from each of five groups. */
function dispatchOrder(ctx, rand, groups = null) {
  const items = groups
    ? groups.map((group) => group[Math.floor(rand() * group.length)])
    : pickDistinct(rand, ctx.items, LINES);
  return {
    destination: ctx.destinations[Math.floor(rand() * ctx.destinations.length)],
    truckPlate: `${10 + Math.floor(rand() * 80)} B ${100 + Math.floor(rand() * 900)} UZ`,
    items: items.map((item) => ({ item, quantity: 1 + Math.floor(rand() * 5) })),
  };
}

/**
 * `clients` loops, each sending its next request as soon as the last one answered, until the
 * time is up. Returns latencies (ms) of successes, errors by kind, and the elapsed time.
 */
async function closedLoop({ clients, durationMs, maxRequests, attempt, keepQuantiles = false }) {
  const latencies = [];
  const errors = {};
  let sent = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline && sent < maxRequests) {
        const n = sent++;
        const t0 = performance.now();
        try {
          const outcome = await attempt(n, client);
          if (outcome === true) latencies.push(performance.now() - t0);
          else errors[outcome] = (errors[outcome] ?? 0) + 1;
        } catch (error) {
          const kind = `exception: ${error.message.slice(0, 80)}`;
          errors[kind] = (errors[kind] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    dispatches: latencies.length,
    elapsedS: round(elapsedMs / 1000, 2),
    perSecond: round(latencies.length / (elapsedMs / 1000), 1),
    latencyMs: summarize(latencies),
    ...(keepQuantiles ? { quantiles: quantiles(latencies) } : {}),
    errors: errorCount,
    errorKinds: errors,
  };
}

/**
 * Time from a dispatch's 201 to the statistics counting it: each sampled dispatch carries an
 * emergency of its own, so `GET /api/stats/dispatches?emergency=` says exactly when it is in.
 */
class FreshnessProbe {
  constructor(client, pollMs) {
    this.client = client;
    this.pollMs = pollMs;
    this.pending = new Map();
    this.seen = [];
    this.polls = 0;
    this.stopped = false;
  }

  track(emergency, answeredAt) {
    this.pending.set(emergency, answeredAt);
  }

  start() {
    this.loop = (async () => {
      while (!this.stopped || this.pending.size > 0) {
        const tick = performance.now();
        await Promise.all(
          [...this.pending].map(async ([emergency, answeredAt]) => {
            this.polls += 1;
            const response = await this.client.get(
              `/stats/dispatches?emergency=${encodeURIComponent(emergency)}`,
            );
            if (response.status === 200 && response.body.trucks >= 1) {
              this.seen.push(performance.now() - answeredAt);
              this.pending.delete(emergency);
            } else if (performance.now() - answeredAt > 60_000) {
              this.pending.delete(emergency);
              this.lost = (this.lost ?? 0) + 1;
            }
          }),
        );
        await sleep(Math.max(0, this.pollMs - (performance.now() - tick)));
      }
    })();
  }

  abort() {
    this.stopped = true;
    this.pending.clear();
  }

  async finish() {
    this.stopped = true;
    await this.loop;
    return {
      samples: this.seen.length,
      notSeenWithin60s: this.lost ?? 0,
      pollEveryMs: this.pollMs,
      polls: this.polls,
      ...summarize(this.seen),
    };
  }
}

/** Samples the app's resident memory while `work` runs. */
async function watchMemory(pid, work) {
  let peakRss = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const { rssMb } = await memoryOf(pid);
      if (rssMb > peakRss) peakRss = rssMb;
      await sleep(100);
    }
  })();
  try {
    return { result: await work(), peakRssMb: () => peakRss };
  } finally {
    running = false;
    await sampler;
  }
}

async function apiPhase(
  ctx,
  { clients, durationMs, sampleEvery, keepQuantiles },
  probe,
  groups = null,
) {
  const rand = random(7);
  let sample = 0;
  return closedLoop({
    clients,
    durationMs,
    keepQuantiles,
    maxRequests: 2_000_000,
    attempt: async (n) => {
      const order = dispatchOrder(ctx, rand, groups);
      const body = {
        destination: order.destination.code,
        truckPlate: order.truckPlate,
        lines: order.items.map(({ item, quantity }) => ({ sku: item.sku, quantity })),
      };
      const sampled = probe && n % sampleEvery === 0;
      if (sampled) body.emergency = `bench-fresh-${process.pid}-${sample++}`;
      const response = await ctx.warehouse.post('/dispatches', body, {
        headers: { 'idempotency-key': randomUUID() },
        timeoutMs: 30_000,
      });
      if (response.status !== 201) return `HTTP ${response.status}`;
      if (sampled) probe.track(body.emergency, performance.now());
      return true;
    },
  });
}

let sqlWaybills = 0;

/** The class of the app's advisory lock per hub that takes of stock queue on (StockService). */
const STOCK_QUEUE = 0x73746b;

/**
 * The same writes as one plain SQL transaction per dispatch, on its own connections. `variant`:
 * 'specified', as the issue words the ceiling (five conditional stock updates in item order,
 * then the dispatch, lines, movements and outbox event); 'app', in the app's order before issue
 * 19: the dispatch, lines and outbox event, then one statement that queues on the hub's advisory
 * lock, takes the stock and appends the movements, then the commit (kept for comparison with
 * earlier runs; the app now sends the take with its COMMIT).
 */
async function sqlPhase(ctx, { clients, durationMs, variant = 'specified' }) {
  const connections = await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = new pg.Client({ connectionString: ctx.databaseUrl });
      await client.connect();
      return client;
    }),
  );
  const rand = random(11);
  try {
    return await closedLoop({
      clients,
      durationMs,
      maxRequests: 5_000_000,
      attempt: async (_, c) => {
        const db = connections[c];
        const order = dispatchOrder(ctx, rand);
        const lines = [...order.items].sort((a, b) => a.item.id - b.item.id);
        const itemIds = lines.map((l) => l.item.id);
        const quantities = lines.map((l) => l.quantity);
        const id = randomUUID();
        await db.query('BEGIN');
        try {
          if (variant === 'specified') {
            for (const line of lines) {
              const { rowCount } = await db.query(
                `UPDATE stock_level SET on_hand = on_hand - $3, updated_at = now()
                  WHERE hub_id = $1 AND item_id = $2 AND on_hand >= $3`,
                [ctx.hubId, line.item.id, line.quantity],
              );
              if (rowCount !== 1) {
                await db.query('ROLLBACK');
                return 'short of stock';
              }
            }
          }
          await db.query(
            `INSERT INTO dispatch (id, hub_id, waybill_no, destination_id, status, dispatched_at,
                                   truck_plate, lines_weight_kg, volume_m3, recorded_by_id)
             SELECT $1, $2, $3, $4, 'DISPATCHED', now(), $5,
                    sum(v.quantity * i.unit_weight_kg), sum(v.quantity * i.unit_volume_m3), $6
               FROM unnest($7::int[], $8::bigint[]) AS v(item_id, quantity)
               JOIN item i ON i.id = v.item_id`,
            [
              id,
              ctx.hubId,
              `SQL-${process.pid}-${++sqlWaybills}`,
              order.destination.id,
              order.truckPlate,
              ctx.adminId,
              itemIds,
              quantities,
            ],
          );
          await db.query(
            `INSERT INTO dispatch_line (dispatch_id, line_no, item_id, quantity, unit_weight_kg,
                                        unit_volume_m3, weight_kg, volume_m3)
             SELECT $1, v.line_no, v.item_id, v.quantity, i.unit_weight_kg, i.unit_volume_m3,
                    v.quantity * i.unit_weight_kg, v.quantity * i.unit_volume_m3
               FROM unnest($2::int[], $3::bigint[]) WITH ORDINALITY AS v(item_id, quantity, line_no)
               JOIN item i ON i.id = v.item_id`,
            [id, itemIds, quantities],
          );
          if (variant === 'specified') {
            await db.query(
              `INSERT INTO stock_movement (hub_id, item_id, type, quantity, dispatch_id, occurred_at, recorded_by_id)
               SELECT $1, v.item_id, 'DISPATCH', -v.quantity, $2, now(), $3
                 FROM unnest($4::int[], $5::bigint[]) AS v(item_id, quantity)`,
              [ctx.hubId, id, ctx.adminId, itemIds, quantities],
            );
          }
          await db.query(
            `INSERT INTO outbox_event (type, hub_id, payload) VALUES ('DISPATCH_RECORDED', $1, $2)`,
            [ctx.hubId, JSON.stringify({ dispatchId: id })],
          );
          if (variant === 'app') {
            const { rowCount } = await db.query(
              `WITH queued AS MATERIALIZED (SELECT pg_advisory_xact_lock($6, $1)),
               taken AS (
                 UPDATE stock_level s SET on_hand = s.on_hand - v.quantity, updated_at = now()
                   FROM unnest($4::int[], $5::bigint[]) AS v(item_id, quantity), queued
                  WHERE s.hub_id = $1 AND s.item_id = v.item_id AND s.on_hand - s.reserved >= v.quantity
                 RETURNING s.item_id, v.quantity
               )
               INSERT INTO stock_movement (hub_id, item_id, type, quantity, dispatch_id, occurred_at, recorded_by_id)
               SELECT $1, t.item_id, 'DISPATCH', -t.quantity, $2, now(), $3 FROM taken t`,
              [ctx.hubId, id, ctx.adminId, itemIds, quantities, STOCK_QUEUE],
            );
            if (rowCount !== lines.length) {
              await db.query('ROLLBACK');
              return 'short of stock';
            }
          }
          await db.query('COMMIT');
          return true;
        } catch (error) {
          await db.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      },
    });
  } finally {
    await Promise.all(connections.map((c) => c.end()));
  }
}

/** Waits until the statistics include every event (the outbox is empty). */
export async function drainOutbox(ctx, timeoutMs = 300_000) {
  const started = performance.now();
  for (;;) {
    const { rows } = await ctx.db.query('SELECT count(*)::int AS n FROM outbox_event');
    if (rows[0].n === 0) return round(performance.now() - started);
    if (performance.now() - started > timeoutMs)
      throw new Error(`${rows[0].n} outbox events still pending after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/**
 * Before a measured phase: the folds of the last one done, then a CHECKPOINT. A phase writes
 * about 10 kB of WAL per dispatch, so a run passes max_wal_size's checkpoint once or twice; the
 * phase it fell in paid for it (its full-page writes), which moved the ratio by up to 0.1
 * between runs of the same code. Needs a superuser (or pg_checkpoint); without, it says so once.
 */
export async function settle(ctx) {
  await drainOutbox(ctx);
  try {
    await ctx.db.query('CHECKPOINT');
  } catch (error) {
    if (!ctx.checkpointRefused) log(`no CHECKPOINT between phases: ${error.message}`);
    ctx.checkpointRefused = true;
  }
}

/**
 * onHand equals the sum of the ledger, every dispatch took its lines' stock (API and SQL alike),
 * and the statistics count every dispatch.
 */
async function checkConsistency(ctx) {
  const { rows: ledger } = await ctx.db.query(
    `SELECT count(*)::int AS bad FROM stock_level s
       LEFT JOIN (SELECT hub_id, item_id, sum(quantity) AS total FROM stock_movement GROUP BY 1, 2) m
         USING (hub_id, item_id)
      WHERE s.on_hand <> COALESCE(m.total, 0)`,
  );
  const { rows: counts } = await ctx.db.query(
    `SELECT (SELECT count(*) FROM dispatch WHERE status <> 'CANCELLED')::int AS dispatches,
            (SELECT COALESCE(sum(trucks), 0) FROM dispatch_rollup)::int AS trucks,
            (SELECT count(*) FROM dispatch_line l
               LEFT JOIN stock_movement m
                 ON m.dispatch_id = l.dispatch_id AND m.item_id = l.item_id AND m.type = 'DISPATCH'
              WHERE m.quantity IS DISTINCT FROM -l.quantity)::int AS "linesWithoutTake"`,
  );
  return {
    ledgerMatchesLevels: ledger[0].bad === 0,
    everyLineTookStock: counts[0].linesWithoutTake === 0,
    statisticsCountEveryDispatch: counts[0].dispatches === counts[0].trucks,
    dispatches: counts[0].dispatches,
    trucks: counts[0].trucks,
  };
}

/**
 * Dispatches over HTTP until V8 has compiled the app's hot code: `appWarmUpMs` in slices of
 * `appWarmUpSliceMs`, each logged with its rate and the app's CPU per dispatch. The app is a
 * long-running server and pgbench a C program, so the ratio between them is taken at the app's
 * steady state. On two busy cores that takes tens of seconds: V8 optimises some 450 functions
 * (about 5 s of compiler threads' CPU) on threads that wait for a core, and while it does, each
 * dispatch costs the app a third more CPU (README, Performance: *Fifth pass*).
 */
async function warmUpTheApp(ctx, { clients, appWarmUpMs, appWarmUpSliceMs }) {
  log(
    `warm-up: ${appWarmUpMs / 1000} s of dispatches over HTTP, in slices of ${appWarmUpSliceMs / 1000} s`,
  );
  const slices = [];
  for (let spent = 0; spent < appWarmUpMs; spent += appWarmUpSliceMs) {
    const cpu0 = await cpuMsOf(ctx.app.pid);
    const slice = await apiPhase(
      ctx,
      { clients, durationMs: Math.min(appWarmUpSliceMs, appWarmUpMs - spent) },
      null,
    );
    const cpuMs = (await cpuMsOf(ctx.app.pid)) - cpu0;
    slices.push({
      perSecond: slice.perSecond,
      appCpuMsPerDispatch: slice.dispatches ? round(cpuMs / slice.dispatches, 2) : null,
    });
  }
  log(
    `warm-up: ${slices.map((s) => `${s.perSecond}/s at ${s.appCpuMsPerDispatch} ms`).join(', ')} (rate, app CPU per dispatch)`,
  );
  return { seconds: appWarmUpMs / 1000, sliceSeconds: appWarmUpSliceMs / 1000, slices };
}

export async function dispatchScenario(ctx, sizes) {
  const { clients, durationMs, warmupMs } = sizes;
  await seedStock(ctx);

  const warmUp = await warmUpTheApp(ctx, sizes);
  await settle(ctx);

  log(
    `API: ${clients} clients POST 5-line dispatches for ${durationMs / 1000} s (freshness sampled every ${sizes.sampleEvery}th)`,
  );
  const before = await memoryOf(ctx.app.pid);
  const probe = new FreshnessProbe(ctx.admin, sizes.pollMs);
  probe.start();
  if (ctx.cpuProf) process.kill(ctx.app.pid, 'SIGWINCH'); // profile the API phase
  let watched;
  try {
    watched = await watchMemory(ctx.app.pid, () => apiPhase(ctx, sizes, probe));
  } catch (error) {
    probe.abort();
    throw error;
  }
  if (ctx.cpuProf) process.kill(ctx.app.pid, 'SIGWINCH');
  const api = watched.result;
  const freshness = await probe.finish();
  const after = await memoryOf(ctx.app.pid);
  const drainAfterApiMs = await drainOutbox(ctx);
  log(
    `API: ${api.perSecond}/s, p50 ${api.latencyMs.p50} ms, p99 ${api.latencyMs.p99} ms, errors ${api.errors}`,
  );

  log(
    `SQL ceiling: warm-up ${warmupMs} ms, then ${clients} connections for ${durationMs / 1000} s`,
  );
  await sqlPhase(ctx, { clients, durationMs: warmupMs });
  await settle(ctx);
  const sql = await sqlPhase(ctx, { clients, durationMs });
  const drainAfterSqlMs = await drainOutbox(ctx);
  log(
    `SQL: ${sql.perSecond}/s, p50 ${sql.latencyMs.p50} ms, p99 ${sql.latencyMs.p99} ms, errors ${sql.errors}`,
  );
  await settle(ctx);
  log(`SQL in the app's order: ${clients} connections for ${durationMs / 1000} s`);
  const sqlAppOrder = await sqlPhase(ctx, { clients, durationMs, variant: 'app' });
  await drainOutbox(ctx);
  log(
    `SQL in the app's order: ${sqlAppOrder.perSecond}/s, p50 ${sqlAppOrder.latencyMs.p50} ms, p99 ${sqlAppOrder.latencyMs.p99} ms, errors ${sqlAppOrder.errors}`,
  );

  const pgbench = await pgbenchCeiling(ctx, sizes, {
    apiPhase: (groups, phase) => apiPhase(ctx, phase, null, groups),
    drainOutbox: () => drainOutbox(ctx),
    settle: () => settle(ctx),
  });

  const consistency = await checkConsistency(ctx);
  // units of work PostgreSQL made the app retry (deadlock, serialization failure)
  const { readFileSync } = await import('node:fs');
  const retries = readFileSync(ctx.app.logPath, 'utf8').split('retrying a unit of work').length - 1;
  return {
    retries,
    warmUp,
    clients,
    durationS: durationMs / 1000,
    api,
    sql,
    sqlAppOrder,
    ratio: round(api.perSecond / sql.perSecond, 2),
    ratioToAppOrder: round(api.perSecond / sqlAppOrder.perSecond, 2),
    pgbench,
    drainAfterApiMs,
    drainAfterSqlMs,
    freshness,
    memory: {
      rssBeforeMb: round(before.rssMb),
      peakRssMb: round(watched.peakRssMb()),
      rssAfterMb: round(after.rssMb),
      vmHwmMb: round(after.hwmMb),
    },
    consistency,
  };
}
