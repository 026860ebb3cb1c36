// Scenario 7 (issue 15): households covered and load plans, each well under 20 ms at p99.
// 100 items (the ten of the catalogue and 90 made here), 20 kits of up to 50 of them, stock of
// each at the hub; then GET /api/stock/coverage for one kit and for every kit (one query each,
// whatever the number of items), and POST /api/plans/load with 100 lines (99 items and a kit),
// one call at a time.
import { expectStatus } from '../lib/http.mjs';
import { log, pickDistinct, random, round, summarize } from '../lib/util.mjs';

export async function kitsScenario(ctx, { calls }) {
  const rand = random(15);
  const skus = ctx.items.map((i) => i.sku);
  for (let i = skus.length; i < 100; i += 1) {
    const sku = `BENCH-ITEM-${String(i).padStart(3, '0')}`;
    expectStatus(
      await ctx.admin.post('/items', {
        sku,
        name: `Bench item ${i}`,
        unit: 'piece',
        unitWeightKg: round(0.2 + rand() * 40, 3),
        unitVolumeM3: round(0.001 + rand() * 0.2, 4),
      }),
      201,
      `create item ${sku}`,
    );
    skus.push(sku);
  }
  for (let k = 0; k < 19; k += 1) {
    const components = pickDistinct(rand, skus, 10 + Math.floor(rand() * 41)).map((sku) => ({
      sku,
      quantity: 1 + Math.floor(rand() * 6),
    }));
    expectStatus(
      await ctx.admin.post('/kits', { code: `BENCH-KIT-${k}`, name: `Bench kit ${k}`, components }),
      201,
      `create kit ${k}`,
    );
  }
  // stock of every item but a few (a component never held covers 0)
  const held = skus.filter(() => rand() < 0.95);
  for (let i = 0; i < held.length; i += 50) {
    expectStatus(
      await ctx.warehouse.post('/receipts', {
        reference: `BENCH-KITS-${i}`,
        lines: held
          .slice(i, i + 50)
          .map((sku) => ({ sku, quantity: 100 + Math.floor(rand() * 50_000) })),
      }),
      201,
      'receipt',
    );
  }

  const measure = async (what, call) => {
    // a few unmeasured calls first: the plan cache and the connection warm up
    for (let i = 0; i < 5; i += 1) await call();
    const latencies = [];
    for (let i = 0; i < calls; i += 1) {
      const response = await call();
      expectStatus(response, 200, what);
      latencies.push(response.ms);
    }
    const figures = summarize(latencies);
    log(`${what}: p50 ${figures.p50} ms, p99 ${figures.p99} ms (${figures.n} calls)`);
    return figures;
  };
  const oneKit = await measure('coverage of HH-CRI-5', () =>
    ctx.warehouse.get('/stock/coverage?kit=HH-CRI-5'),
  );
  const everyKit = await measure('coverage of every kit (20)', () =>
    ctx.warehouse.get('/stock/coverage'),
  );
  const lines = [
    ...skus.slice(0, 99).map((sku) => ({ sku, quantity: 1 + Math.floor(rand() * 2000) })),
    { kit: 'HH-CRI-5', quantity: 500 },
  ];
  let trucks = null;
  const plan = await measure('load plan of 100 lines', async () => {
    const response = await ctx.warehouse.post('/plans/load', { lines });
    trucks = response.body?.trucks ?? null;
    return response;
  });
  const sample = await ctx.warehouse.get('/stock/coverage?kit=HH-CRI-5');
  return {
    items: skus.length,
    kits: 20,
    coverage: { ...oneKit, households: sample.body.households },
    coverageAll: everyKit,
    plan: { ...plan, lines: lines.length, trucks },
  };
}
