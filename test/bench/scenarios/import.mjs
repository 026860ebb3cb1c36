// Scenario 5: a historical CSV of `rows` lines (5 per waybill) in one POST /api/dispatches/import.
import { performance } from 'node:perf_hooks';
import { expectStatus } from '../lib/http.mjs';
import { log, pickDistinct, random, round } from '../lib/util.mjs';
import { drainOutbox } from './dispatch.mjs';

const HEADER =
  'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg,emergency';
const EMERGENCIES = ['Afghanistan situation', 'Ukraine situation', ''];

export function historicalCsv(ctx, rows, linesPerWaybill = 5) {
  const rand = random(5);
  const from = Date.UTC(2019, 0, 1);
  const to = Date.UTC(2024, 0, 1);
  const out = [HEADER];
  for (let w = 0; out.length - 1 < rows; w += 1) {
    // hub time (+05:00), written without an offset as many spreadsheets do
    const at = new Date(from + Math.floor(rand() * (to - from)) + 5 * 3600_000)
      .toISOString()
      .slice(0, 19);
    const destination = ctx.destinations[Math.floor(rand() * ctx.destinations.length)].code;
    const plate = `${10 + Math.floor(rand() * 80)} C ${100 + (w % 900)} UZ`;
    const cargo = rand() < 0.3 ? (5000 + rand() * 15000).toFixed(3) : '';
    const emergency = EMERGENCIES[Math.floor(rand() * EMERGENCIES.length)];
    const lines = Math.min(linesPerWaybill, rows - (out.length - 1));
    for (const item of pickDistinct(rand, ctx.items, lines)) {
      const quantity = 1 + Math.floor(rand() * 400);
      out.push(
        `IMP-${String(w + 1).padStart(6, '0')},${at},${destination},${plate},${item.sku},${quantity},${cargo},${emergency}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

export async function importScenario(ctx, { rows }) {
  const csv = historicalCsv(ctx, rows);
  log(
    `import: ${rows.toLocaleString('en-US')} rows, ${(Buffer.byteLength(csv) / 1e6).toFixed(1)} MB of CSV`,
  );
  const started = performance.now();
  const response = await ctx.warehouse.request('POST', '/dispatches/import', {
    text: csv,
    contentType: 'text/csv',
    headers: { 'idempotency-key': `bench-import-${process.pid}` },
    timeoutMs: 300_000,
  });
  const seconds = (performance.now() - started) / 1000;
  const result = expectStatus(response, 201, 'import');
  if (result.lines !== rows) throw new Error(`import stored ${result.lines} lines of ${rows}`);
  const foldedAfterMs = await drainOutbox(ctx);
  log(
    `import: ${seconds.toFixed(2)} s, ${Math.round(rows / seconds)} rows/s; statistics current ${foldedAfterMs} ms later`,
  );
  return {
    rows,
    bytes: Buffer.byteLength(csv),
    dispatches: result.dispatches,
    seconds: round(seconds, 2),
    rowsPerSecond: Math.round(rows / seconds),
    statisticsCurrentAfterMs: foldedAfterMs,
  };
}
