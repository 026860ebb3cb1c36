// Scenario 2: statistics over ten years of history (loaded with SQL), the rollup rebuild, and
// reading the figures from the rollups against summing the dispatch tables.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { expectStatus } from '../lib/http.mjs';
import { log, random, round, sleep, summarize } from '../lib/util.mjs';

const DAY_MS = 86_400_000;
const YEARS = 10;

/** Days of hub time (Asia/Tashkent, UTC+5, no DST) as YYYY-MM-DD. */
const hubDay = (ms) => new Date(ms + 5 * 3600_000).toISOString().slice(0, 10);

/**
 * `count` historical dispatches of 5 lines over the ten years before yesterday, generated in
 * PostgreSQL. Deterministic (hashes of the row number), spread evenly in time, every line's
 * weight the catalogue's.
 */
export async function loadHistory(ctx, count) {
  const db = new pg.Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  const end = Date.now() - DAY_MS;
  const start = end - YEARS * 365.25 * DAY_MS;
  const timings = {};
  const step = async (name, sql, params = []) => {
    const t0 = performance.now();
    const result = await db.query(sql, params);
    timings[name] = round((performance.now() - t0) / 1000, 1);
    return result;
  };
  try {
    await db.query('BEGIN');
    await db.query(`SET LOCAL work_mem = '256MB'`);
    await db.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    // Skips the foreign-key triggers (5 million lookups; the rows are generated valid): the
    // load is the bench's set-up, not what it measures.
    await db.query(`SET LOCAL session_replication_role = replica`);
    // Dispatch lines, staged in a temporary table (no WAL) so dispatch totals and lines agree.
    await step(
      'stageLines',
      `CREATE TEMP TABLE bench_line ON COMMIT DROP AS
       WITH items AS (SELECT array_agg(id ORDER BY id) AS ids FROM item)
       SELECT g, k + 1 AS line_no, i.id AS item_id,
              1 + abs(hashint4(g * 8 + k)) % 400 AS quantity, i.unit_weight_kg, i.unit_volume_m3
         FROM generate_series(1, $1::int) g
        CROSS JOIN generate_series(0, 4) k
        CROSS JOIN items
         JOIN item i ON i.id = items.ids[1 + (abs(hashint4(g)) + k) % array_length(items.ids, 1)]`,
      [count],
    );
    // Each dispatch with its emissions as the app records them (src/common/emissions.ts): the
    // route's distance; one in ten fuel-based (0.35 L/km x 3.17 kg/L), the rest tonne-km x
    // 0.081 kg/tkm.
    await step(
      'dispatches',
      `WITH dests AS (SELECT array_agg(id ORDER BY id) AS ids FROM destination),
            totals AS (SELECT g, sum(quantity * unit_weight_kg) AS kg, sum(quantity * unit_volume_m3) AS m3
                         FROM bench_line GROUP BY g),
            picked AS (
              SELECT t.g, t.kg, t.m3,
                     dests.ids[1 + abs(hashint4(t.g * 3 + 1)) % array_length(dests.ids, 1)] AS destination_id,
                     CASE WHEN abs(hashint4(t.g * 11 + 4)) % 10 < 3
                          THEN round((5000 + abs(hashint4(t.g * 13 + 5)) % 15000000 / 1000.0)::numeric, 3) END AS cargo,
                     abs(hashint4(t.g * 19 + 7)) % 10 = 0 AS fuel
                FROM totals t CROSS JOIN dests),
            emitted AS (
              SELECT p.*, r.distance_km, r.basis,
                     round(COALESCE(p.cargo, p.kg) * r.distance_km / 1000, 6) AS tonne_km,
                     CASE WHEN p.fuel THEN round(r.distance_km * 0.35, 3) END AS litres
                FROM picked p LEFT JOIN transport_route r
                  ON r.hub_id = $1 AND r.destination_id = p.destination_id)
       INSERT INTO dispatch (id, hub_id, waybill_no, destination_id, status, dispatched_at,
                             truck_plate, cargo_weight_kg, lines_weight_kg, volume_m3, emergency,
                             historical, recorded_by_id, distance_km, distance_basis, fuel_litres,
                             tonne_km, co2e_kg, emission_method)
       SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(e.g), 12, '0'))::uuid, $1,
              'BH-' || lpad(e.g::text, 7, '0'),
              e.destination_id,
              'DISPATCHED',
              to_timestamp(($2::float8 + (e.g - 1) * ($3::float8 - $2::float8) / $4::int
                            + abs(hashint4(e.g * 5 + 2)) % 60000) / 1000),
              'BH ' || (1000 + abs(hashint4(e.g * 7 + 3)) % 9000),
              e.cargo, e.kg, e.m3,
              (ARRAY['Afghanistan situation', 'Ukraine situation', NULL])[1 + abs(hashint4(e.g * 17 + 6)) % 3],
              true, $5, e.distance_km, 'route: ' || e.basis, e.litres, e.tonne_km,
              CASE WHEN e.distance_km IS NULL THEN NULL
                   WHEN e.fuel THEN round(e.litres * 3.17, 6)
                   ELSE round(COALESCE(e.cargo, e.kg) * e.distance_km * 0.081 / 1000, 6) END,
              CASE WHEN e.distance_km IS NULL THEN NULL WHEN e.fuel THEN 'fuel' ELSE 'default' END
         FROM emitted e
        ORDER BY e.g`,
      [ctx.hubId, start, end, count, ctx.adminId],
    );
    await step(
      'lines',
      `INSERT INTO dispatch_line (dispatch_id, line_no, item_id, quantity, unit_weight_kg,
                                  unit_volume_m3, weight_kg, volume_m3)
       SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, line_no, item_id,
              quantity, unit_weight_kg, unit_volume_m3, quantity * unit_weight_kg, quantity * unit_volume_m3
         FROM bench_line ORDER BY g, line_no`,
    );
    await step('commit', 'COMMIT');
    // What autovacuum would do next, done now rather than while the reads are being timed: a
    // real hub's ten years arrive a truck at a time and are vacuumed as they go.
    await step('vacuum', 'VACUUM (ANALYZE) dispatch, dispatch_line');
    await step('checkpoint', 'CHECKPOINT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
  return { start: hubDay(start), end: hubDay(end), timings };
}

/** POST /api/stats/rebuild, then polls its job until it is done. */
async function rebuild(ctx) {
  const started = performance.now();
  const { jobId } = expectStatus(await ctx.admin.post('/stats/rebuild', {}), 202, 'rebuild');
  for (;;) {
    const status = expectStatus(
      await ctx.admin.get(`/stats/rebuild/${encodeURIComponent(jobId)}`),
      200,
      'rebuild status',
    );
    if (status.state === 'completed')
      return { seconds: round((performance.now() - started) / 1000, 1), result: status.result };
    if (status.state === 'failed') throw new Error(`rebuild failed: ${status.failedReason}`);
    if (performance.now() - started > 900_000)
      throw new Error('rebuild still running after 15 minutes');
    await sleep(100);
  }
}

/** The figures of GET /api/stats/dispatches?asOf= summed straight from the dispatch tables. */
const PLAIN_BY_DESTINATION = `
  SELECT d.destination_id, count(*)::int AS trucks,
         sum(COALESCE(d.cargo_weight_kg, d.lines_weight_kg)) AS kg, sum(d.volume_m3) AS m3,
         min(d.dispatched_at) AS first_at, max(d.dispatched_at) AS last_at
    FROM dispatch d
   WHERE d.hub_id = $1 AND d.status <> 'CANCELLED'
     AND d.dispatched_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
   GROUP BY d.destination_id`;
const PLAIN_BY_ITEM = `
  SELECT l.item_id, sum(l.quantity) AS quantity, sum(l.weight_kg) AS kg
    FROM dispatch d JOIN dispatch_line l ON l.dispatch_id = d.id
   WHERE d.hub_id = $1 AND d.status <> 'CANCELLED'
     AND d.dispatched_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
   GROUP BY l.item_id`;

/** A numeric column's text as an exact count of millionths. */
function micro(text) {
  const [whole, fraction = ''] = String(text).split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.slice(0, 6).padEnd(6, '0'));
}

/** GET /api/stats/emissions' transport figures summed straight from the dispatch table. */
const PLAIN_EMISSIONS = `
  SELECT count(*)::int AS trucks, COALESCE(sum(d.co2e_kg), 0)::text AS co2e
    FROM dispatch d
   WHERE d.hub_id = $1 AND d.status <> 'CANCELLED'
     AND d.dispatched_at < (($2::date + 1)::timestamp AT TIME ZONE $3)`;

async function plainEmissions(pool, ctx, asOf) {
  const { rows } = await pool.query(PLAIN_EMISSIONS, [ctx.hubId, asOf, ctx.timeZone]);
  // kg to 3 decimals, half up, as the app rounds them
  const milliKg = (micro(rows[0].co2e) + 500n) / 1000n;
  return { trucks: rows[0].trucks, co2eKg: Number(milliKg) / 1000 };
}

async function plainSql(pool, ctx, asOf) {
  const params = [ctx.hubId, asOf, ctx.timeZone];
  const [destinations] = await Promise.all([
    pool.query(PLAIN_BY_DESTINATION, params),
    pool.query(PLAIN_BY_ITEM, params),
  ]);
  const trucks = destinations.rows.reduce((sum, r) => sum + r.trucks, 0);
  const microKg = destinations.rows.reduce((sum, r) => sum + micro(r.kg), 0n);
  // tonnes to 3 decimals, half up, as the app rounds them
  const milliTonnes = (microKg / 1000n + 500n) / 1000n;
  return { trucks, tonnes: Number(milliTonnes) / 1000 };
}

export async function statisticsScenario(ctx, sizes) {
  log(
    `statistics: loading ${sizes.dispatches.toLocaleString('en-US')} dispatches (${(sizes.dispatches * 5).toLocaleString('en-US')} lines) with SQL`,
  );
  const loadStarted = performance.now();
  const history = await loadHistory(ctx, sizes.dispatches);
  const loadSeconds = round((performance.now() - loadStarted) / 1000, 1);
  log(
    `statistics: loaded in ${loadSeconds} s ${JSON.stringify(history.timings)}; rebuilding the rollups`,
  );

  const rebuilt = await rebuild(ctx);
  log(`statistics: rebuild took ${rebuilt.seconds} s ${JSON.stringify(rebuilt.result)}`);

  const rand = random(3);
  const startMs = Date.parse(`${history.start}T00:00:00Z`);
  const spanDays = Math.round((Date.parse(`${history.end}T00:00:00Z`) - startMs) / DAY_MS);
  const randomDay = () =>
    hubDay(startMs + Math.floor(rand() * (spanDays + 1)) * DAY_MS - 5 * 3600_000 + 12 * 3600_000);

  // warm the caches the same way for both
  await ctx.admin.get(`/stats/dispatches?asOf=${randomDay()}`);
  const apiLatencies = [];
  const apiStarted = performance.now();
  for (let i = 0; i < sizes.statsCalls; i += 1) {
    const response = await ctx.admin.get(`/stats/dispatches?asOf=${randomDay()}`);
    expectStatus(response, 200, 'GET /api/stats/dispatches');
    apiLatencies.push(response.ms);
  }
  const apiSeconds = (performance.now() - apiStarted) / 1000;
  const api = summarize(apiLatencies);
  log(
    `statistics: API p50 ${api.p50} ms, p99 ${api.p99} ms over ${api.n} calls (${apiSeconds.toFixed(1)} s)`,
  );

  // The same reads of transport emissions with the solar comparison (GET /api/stats/emissions).
  await ctx.admin.get(`/stats/emissions?asOf=${randomDay()}`);
  const emissionLatencies = [];
  for (let i = 0; i < sizes.statsCalls; i += 1) {
    const response = await ctx.admin.get(`/stats/emissions?asOf=${randomDay()}`);
    expectStatus(response, 200, 'GET /api/stats/emissions');
    emissionLatencies.push(response.ms);
  }
  const emissionsApi = summarize(emissionLatencies);
  log(
    `statistics: emissions API p50 ${emissionsApi.p50} ms, p99 ${emissionsApi.p99} ms over ${emissionsApi.n} calls`,
  );

  const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 2 });
  try {
    await plainSql(pool, ctx, randomDay());
    const sqlLatencies = [];
    const sqlStarted = performance.now();
    while (
      sqlLatencies.length < sizes.statsCalls &&
      performance.now() - sqlStarted < sizes.plainSqlBudgetMs
    ) {
      const t0 = performance.now();
      await plainSql(pool, ctx, randomDay());
      sqlLatencies.push(performance.now() - t0);
    }
    const sql = summarize(sqlLatencies);
    log(`statistics: plain SQL p50 ${sql.p50} ms, p99 ${sql.p99} ms over ${sql.n} calls`);

    const checks = [];
    for (const asOf of [history.start, randomDay(), randomDay(), randomDay(), hubDay(Date.now())]) {
      const figures = expectStatus(
        await ctx.admin.get(`/stats/dispatches?asOf=${asOf}`),
        200,
        'stats',
      );
      const summed = await plainSql(pool, ctx, asOf);
      checks.push({
        asOf,
        api: { trucks: figures.trucks, tonnes: figures.tonnes },
        sql: summed,
        same: figures.trucks === summed.trucks && figures.tonnes === summed.tonnes,
      });
    }
    const emissionChecks = [];
    for (const asOf of [history.start, randomDay(), randomDay(), hubDay(Date.now())]) {
      const figures = expectStatus(
        await ctx.admin.get(`/stats/emissions?asOf=${asOf}`),
        200,
        'emissions',
      );
      const summed = await plainEmissions(pool, ctx, asOf);
      emissionChecks.push({
        asOf,
        api: { trucks: figures.trucks, co2eKg: figures.co2eKg },
        sql: summed,
        same: figures.trucks === summed.trucks && figures.co2eKg === summed.co2eKg,
      });
    }
    const rollupRows = await ctx.db.query(
      `SELECT (SELECT count(*) FROM dispatch_rollup)::int AS trucks, (SELECT count(*) FROM dispatch_item_rollup)::int AS items`,
    );
    return {
      dispatches: sizes.dispatches,
      lines: sizes.dispatches * 5,
      from: history.start,
      to: history.end,
      loadSeconds,
      loadTimings: history.timings,
      rebuildSeconds: rebuilt.seconds,
      rebuildResult: rebuilt.result,
      rollupRows: rollupRows.rows[0],
      api,
      plainSql: sql,
      p50Ratio: round(sql.p50 / api.p50, 1),
      p99Ratio: round(sql.p99 / api.p99, 1),
      checks,
      allSame: checks.every((c) => c.same),
      emissionsApi,
      emissionChecks,
      emissionsSame: emissionChecks.every((c) => c.same),
    };
  } finally {
    await pool.end();
  }
}
