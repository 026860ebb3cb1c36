// Scenario 7 (issue 13, "a request must not stall the process"): how long /api/health waits while
// the app reads a 20 MB historical import, and while it refuses a 3 MB body of 100,000 dispatch
// lines (one, then ten at once). Health is asked one request after another, so its slowest answer
// is the longest the event loop was kept from serving anyone.
import { performance } from 'node:perf_hooks';
import { expectStatus, HttpClient } from '../lib/http.mjs';
import { cpuMsOf, log, random, round, summarize } from '../lib/util.mjs';
import { drainOutbox } from './dispatch.mjs';

const HEADER =
  'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg,emergency,carrier,driver_name';
const CSV_LIMIT = 20 * 1024 * 1024;

/** A historical CSV of `rows` lines, 5 to a waybill, with every optional column filled. */
function wideCsv(ctx, rows, bytes) {
  const rand = random(7);
  const from = Date.UTC(2015, 0, 1);
  const span = Date.UTC(2019, 0, 1) - from;
  const out = [HEADER];
  // carrier and driver names long enough for `rows` lines to make about `bytes` (a line
  // without them is about 110 bytes)
  const pad = Math.min(180, Math.max(0, Math.floor((bytes / rows - 110) / 2)));
  for (let w = 0; out.length - 1 < rows; w += 1) {
    const at = new Date(from + Math.floor(rand() * span) + 5 * 3600_000).toISOString().slice(0, 19);
    const destination = ctx.destinations[w % ctx.destinations.length].code;
    const plate = `${10 + (w % 80)} S ${100 + (w % 900)} UZ`;
    const carrier = `Carrier ${w % 97} ${'c'.repeat(pad)}`.slice(0, 200);
    const driver = `Driver ${w % 313} ${'d'.repeat(pad)}`.slice(0, 200);
    for (let l = 0; l < 5 && out.length - 1 < rows; l += 1) {
      const item = ctx.items[(w + l) % ctx.items.length];
      out.push(
        `STL-${String(w + 1).padStart(6, '0')},${at},${destination},${plate},${item.sku},${1 + (l % 9)},,Stall test situation,${carrier},${driver}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * Asks /api/health one request after another until `stop()` says so; its latencies, ms (one that
 * got no answer within the client's timeout counts as that long).
 */
async function probeHealth(client, stop) {
  const latencies = [];
  while (!stop()) {
    const started = performance.now();
    try {
      await client.get('/health', { apiKey: null, timeoutMs: 60_000 });
    } catch (error) {
      log(`stall: health: ${error.message}`);
    }
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** Runs `work` while health is probed; what work returned, its time, and health's latencies. */
async function whileProbing(ctx, work) {
  const client = new HttpClient(ctx.app.baseUrl, null, 2);
  let done = false;
  const probing = probeHealth(client, () => done);
  const started = performance.now();
  try {
    const result = await work();
    const ms = round(performance.now() - started, 1);
    done = true;
    return { result, ms, health: summarize(await probing) };
  } finally {
    done = true;
    await probing;
    client.close();
  }
}

export async function stallScenario(ctx, { importRows, oversizedLines, atOnce }) {
  // health on an idle app, for comparison
  const idleClient = new HttpClient(ctx.app.baseUrl, null, 2);
  let n = 0;
  const idle = summarize(await probeHealth(idleClient, () => n++ >= 50));
  idleClient.close();

  const csv = wideCsv(ctx, importRows, Math.min(CSV_LIMIT - 64 * 1024, importRows * 200));
  const mb = Buffer.byteLength(csv) / 1e6;
  log(`stall: import of ${importRows.toLocaleString('en-US')} rows, ${mb.toFixed(1)} MB`);
  const imported = await whileProbing(ctx, async () =>
    expectStatus(
      await ctx.warehouse.request('POST', '/dispatches/import', {
        text: csv,
        contentType: 'text/csv',
        timeoutMs: 300_000,
      }),
      201,
      'stall import',
    ),
  );
  if (imported.result.lines !== importRows) {
    throw new Error(`the import stored ${imported.result.lines} lines of ${importRows}`);
  }
  log(
    `stall: import ${imported.ms} ms; health max ${imported.health.max} ms, p99 ${imported.health.p99} ms (${imported.health.n} probes)`,
  );

  // the statistics fold the import before the app's CPU is measured
  await drainOutbox(ctx);

  const dispatchOf = (lines) =>
    JSON.stringify({
      destination: ctx.destinations[0].code,
      truckPlate: '01 A 123 BC',
      lines: Array.from({ length: lines }, (_, i) => ({
        sku: ctx.items[i % ctx.items.length].sku,
        quantity: 1,
      })),
    });
  /** A readings body of `count` readings, each with its start, end and generation. */
  const readingsOf = (count) =>
    JSON.stringify({
      system: 'STALL-PV',
      readings: Array.from({ length: count }, (_, i) => ({
        start: new Date(Date.UTC(2024, 0, 1) + i * 3600_000).toISOString(),
        end: new Date(Date.UTC(2024, 0, 1) + (i + 1) * 3600_000).toISOString(),
        generatedKwh: 1.5,
      })),
    });
  // 413 where the body is over its route's limit (from its Content-Length), else 400
  const statuses = [];
  const refuser =
    (body, path = '/dispatches') =>
    async () => {
      const started = performance.now();
      const response = await ctx.warehouse
        .request('POST', path, { text: body, contentType: 'application/json' })
        .catch((error) => {
          // Refused from its Content-Length, the body is not read: the server answers 413 and
          // closes, and the client's write can fail before it has read that answer (counted
          // as refused, status "closed").
          if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') throw error;
          return { status: 'closed', ms: performance.now() - started };
        });
      if (![400, 413, 'closed'].includes(response.status)) {
        expectStatus(response, 413, `oversized body on ${path}`);
      }
      statuses.push(response.status);
      return response.ms;
    };
  const statusOf = async (refuse) => {
    statuses.length = 0;
    await refuse();
    return statuses[0];
  };
  /**
   * The app's CPU per refusal of `body`, ms, over 20 of them without health probes beside, less
   * what the idle app spends in the same time (the relay's polls, the workers).
   */
  const cpuPerRefusal = async (refuse) => {
    await refuse(); // warm: the first request of a route pays for its first compilation
    const idleFrom = { cpu: await cpuMsOf(ctx.app.pid), at: performance.now() };
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idlePerMs =
      ((await cpuMsOf(ctx.app.pid)) - idleFrom.cpu) / (performance.now() - idleFrom.at);
    const from = { cpu: await cpuMsOf(ctx.app.pid), at: performance.now() };
    for (let i = 0; i < 20; i += 1) await refuse();
    const used = (await cpuMsOf(ctx.app.pid)) - from.cpu;
    return round(Math.max(0, used - idlePerMs * (performance.now() - from.at)) / 20, 1);
  };
  const body = dispatchOf(oversizedLines);
  const refuse = refuser(body);
  const status = await statusOf(refuse);
  const cpuPerRefusalMs = await cpuPerRefusal(refuse);
  const single = await whileProbing(ctx, async () => {
    const times = [];
    for (let i = 0; i < 5; i += 1) times.push(await refuse());
    return summarize(times);
  });
  const many = await whileProbing(ctx, () =>
    Promise.all(Array.from({ length: atOnce }, refuse)).then(summarize),
  );
  log(
    `stall: ${oversizedLines.toLocaleString('en-US')} lines (${(body.length / 1e6).toFixed(1)} MB) refused (${status}) in ${single.result.p50} ms, ${cpuPerRefusalMs} ms of the app's CPU each; ${atOnce} at once: all refused in ${many.ms} ms, health max ${many.health.max} ms`,
  );
  // the longest array the body parser counts to (20,000 elements): 19,999 dispatch lines, and
  // 19,999 energy readings (the one route whose body limit lets them through)
  const underCap = dispatchOf(19_999);
  const underCapStatus = await statusOf(refuser(underCap));
  const underCapCpuMs = await cpuPerRefusal(refuser(underCap));
  log(
    `stall: 19,999 lines refused (${underCapStatus}) with ${underCapCpuMs} ms of the app's CPU each`,
  );
  const readings = readingsOf(19_999);
  const readingsStatus = await statusOf(refuser(readings, '/energy/readings'));
  const readingsCpuMs = await cpuPerRefusal(refuser(readings, '/energy/readings'));
  log(
    `stall: 19,999 readings (${(readings.length / 1e6).toFixed(2)} MB) refused (${readingsStatus}) with ${readingsCpuMs} ms of the app's CPU each`,
  );
  return {
    idleHealth: idle,
    import: {
      rows: importRows,
      bytes: Buffer.byteLength(csv),
      ms: imported.ms,
      health: imported.health,
    },
    oversized: {
      lines: oversizedLines,
      bytes: body.length,
      status,
      cpuPerRefusalMs,
      underCap: {
        lines: 19_999,
        bytes: underCap.length,
        status: underCapStatus,
        cpuPerRefusalMs: underCapCpuMs,
      },
      readings: {
        readings: 19_999,
        bytes: readings.length,
        status: readingsStatus,
        cpuPerRefusalMs: readingsCpuMs,
      },
      one: { refusedMs: single.result, health: single.health },
      atOnce: {
        requests: atOnce,
        allRefusedMs: many.ms,
        refusedMs: many.result,
        health: many.health,
      },
    },
  };
}
