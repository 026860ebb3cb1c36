import { parse } from 'csv-parse/sync';
import { dispatchBody, importCsv, receive } from '../support/fixtures.js';
import { drainOutbox } from '../support/jobs.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, TestApp } from '../support/test-app.js';

interface Emissions {
  distanceKm: number;
  tonneKm: number;
  co2eKg: number;
  method: 'fuel' | 'default';
  basis: string | null;
  fuelLitres: number | null;
}
interface Dispatched {
  id: string;
  destination: string;
  tonnes: number;
  emissions: Emissions | null;
}

/** Exact sums of 3-decimal figures: in thousandths. */
const milli = (x: number) => Math.round(x * 1000);

describe('transport carbon (ISO 14083 / GLEC) and the solar comparison', () => {
  let t: TestApp;
  let warehouse: string;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    warehouse = await t.createUser('warehouse');
    await receive(t, warehouse, [
      { sku: 'CRI-BLANKET-HT', quantity: 50_000 },
      { sku: 'CRI-RHU', quantity: 500 },
    ]);
  });
  afterAll(() => t.close());

  const dispatch = async (extra: object, quantity = 10): Promise<Dispatched> =>
    (
      await t
        .http()
        .post('/api/dispatches')
        .set(t.as(warehouse))
        .send(dispatchBody([{ sku: 'CRI-BLANKET-HT', quantity }], extra))
        .expect(201)
    ).body;
  const emissions = async (query = '') =>
    (await t.http().get(`/api/stats/emissions${query}`).set(t.as(warehouse)).expect(200)).body;
  const cancel = (id: string) =>
    t
      .http()
      .post(`/api/dispatches/${id}/cancel`)
      .set(t.as(warehouse))
      .send({ reason: 'Border closed' })
      .expect(200);

  it('seeds the estimates of the Termez routes, and only an admin sets a distance', async () => {
    const { body } = await t.http().get('/api/routes').set(t.as(warehouse)).expect(200);
    expect(
      body.items.map((r: { destination: string; distanceKm: number }) => [
        r.destination,
        r.distanceKm,
      ]),
    ).toEqual([
      ['AF', 90],
      ['IR', 1150],
      ['KG', 1000],
      ['MD', 4600],
      ['PK', 750],
      ['PL', 4800],
      ['RO', 4700],
      ['TJ', 251],
    ]);
    expect(body.items.every((r: { basis: string }) => r.basis.startsWith('estimate'))).toBe(true);
    expect(body.nextCursor).toBeNull();

    const put = (path: string, payload: object, key?: string) =>
      t.http().put(`/api/routes/${path}`).set(t.as(key)).send(payload);
    await put('TMZ/AF', { distanceKm: 95 }, warehouse).expect(403);
    await put('TMZ/XX', { distanceKm: 95 }).expect(404);
    await put('NOPE/AF', { distanceKm: 95 }).expect(404);
    for (const bad of [{}, { distanceKm: 0 }, { distanceKm: 'far' }, { distanceKm: 1.2345 }]) {
      await put('TMZ/AF', bad).expect(400);
    }
    const changed = await put('TMZ/AF', {
      distanceKm: 92.5,
      basis: "carrier's records, 2024",
    }).expect(200);
    expect(changed.body).toMatchObject({
      hub: 'TMZ',
      destination: 'AF',
      destinationName: 'Afghanistan',
      distanceKm: 92.5,
      basis: "carrier's records, 2024",
    });
    const [stored] = await t.dataSource.query(
      `SELECT distance_km::text AS km FROM transport_route r JOIN destination d ON d.id = r.destination_id
        WHERE d.code = 'AF'`,
    );
    expect(stored.km).toBe('92.500');
  });

  it('computes each truck the GLEC way: tonne-km x intensity, or litres x the diesel factor', async () => {
    // A 20 t truck to Dushanbe (251 km): 5,020 tkm x 0.081 = 406.62 kg CO2e
    const byRoute = await dispatch({ destination: 'TJ', cargoWeightKg: 20_000 });
    expect(byRoute.emissions).toEqual({
      distanceKm: 251,
      tonneKm: 5020,
      co2eKg: 406.62,
      method: 'default',
      basis: 'route: estimate: Dushanbe (published bus route)',
      fuelLitres: null,
    });
    // The carrier reported 600 L: 600 x 3.17 = 1,902 kg CO2e
    const byFuel = await dispatch({ destination: 'TJ', cargoWeightKg: 20_000, fuelLitres: 600 });
    expect(byFuel.emissions).toMatchObject({ co2eKg: 1902, method: 'fuel', fuelLitres: 600 });
    // A distance given with the truck overrides the route.
    const given = await dispatch({ destination: 'AF', cargoWeightKg: 10_000, distanceKm: 120 });
    expect(given.emissions).toMatchObject({
      distanceKm: 120,
      tonneKm: 1200,
      co2eKg: 97.2,
      basis: 'given on the dispatch',
    });
    // No route and no distance: no emissions, and the truck counts as "unknown".
    await t
      .http()
      .post('/api/destinations')
      .set(t.as())
      .send({ code: 'UA', name: 'Ukraine' })
      .expect(201);
    const unknown = await dispatch({ destination: 'UA', fuelLitres: 50 });
    expect(unknown.emissions).toBeNull();
    const read = await t.http().get(`/api/dispatches/${byFuel.id}`).set(t.as()).expect(200);
    expect(read.body.emissions).toEqual(byFuel.emissions);

    await drainOutbox(t);
    expect(await emissions()).toMatchObject({
      hub: 'TMZ',
      trucks: 4,
      tonneKm: 5020 + 5020 + 1200,
      co2eKg: 2405.82, // 406.62 + 1,902 + 97.2
      byMethod: { fuel: 1, default: 2, unknown: 1 },
      factors: { dieselCo2eKgPerL: 3.17, roadCo2eKgPerTkm: 0.081 },
      pendingEvents: 0,
    });
  });

  it('emissions per destination equal the sum over the dispatches; cancelling removes a truck', async () => {
    const destinations = ['AF', 'TJ', 'KG', 'AF', 'PK', 'TJ', 'AF', 'RO', 'KG', 'TJ'];
    const trucks: Dispatched[] = [];
    for (const [i, destination] of destinations.entries()) {
      trucks.push(
        await dispatch(
          {
            destination,
            emergency: i % 2 ? 'Afghanistan situation' : undefined,
            ...(i % 3 === 0 ? { fuelLitres: 100 + i * 37.5 } : {}),
            ...(i % 4 === 1 ? { cargoWeightKg: 9_876.5 } : {}),
          },
          100 + i * 13,
        ),
      );
    }
    // Summed independently of the rollups: the dispatches' own stored figures, in the database.
    const expected = async () => {
      const rows: { code: string; trucks: number; tonne_km: string; co2e_kg: string }[] =
        await t.dataSource.query(
          `SELECT dest.code, count(*)::int AS trucks, round(sum(d.tonne_km), 3)::text AS tonne_km,
                  round(sum(d.co2e_kg), 3)::text AS co2e_kg
             FROM dispatch d JOIN destination dest ON dest.id = d.destination_id
            WHERE d.status <> 'CANCELLED' AND ($1::text IS NULL OR d.emergency = $1)
            GROUP BY dest.code`,
          [emergency],
        );
      return Object.fromEntries(
        rows.map((r) => [
          r.code,
          {
            trucks: r.trucks,
            tonneKm: milli(Number(r.tonne_km)),
            co2eKg: milli(Number(r.co2e_kg)),
          },
        ]),
      );
    };
    let emergency: string | null = null;
    // ...which are those of the responses, each truck's rounded to 3 decimals
    const fromResponses = (list: Dispatched[]) =>
      list.reduce((sum, d) => sum + milli(d.emissions!.co2eKg), 0);
    const actual = (body: {
      byDestination: { code: string; trucks: number; tonneKm: number; co2eKg: number }[];
    }) =>
      Object.fromEntries(
        body.byDestination.map((d) => [
          d.code,
          { trucks: d.trucks, tonneKm: milli(d.tonneKm), co2eKg: milli(d.co2eKg) },
        ]),
      );
    await drainOutbox(t);
    const all = await emissions();
    expect(actual(all)).toEqual(await expected());
    expect(Object.keys(actual(all)).sort()).toEqual(['AF', 'KG', 'PK', 'RO', 'TJ']);
    expect(Math.abs(milli(all.co2eKg) - fromResponses(trucks))).toBeLessThanOrEqual(trucks.length);
    // largest emitter first
    const co2 = all.byDestination.map((d: { co2eKg: number }) => d.co2eKg);
    expect(co2).toEqual([...co2].sort((a, b) => b - a));
    expect(all.byMethod).toEqual({ fuel: 4, default: 6, unknown: 0 });
    expect(all.intensityKgPerTkm).toBeCloseTo(all.co2eKg / all.tonneKm, 4);
    // the emergency filter counts only its trucks
    const afghan = await emissions('?emergency=Afghanistan%20situation');
    emergency = 'Afghanistan situation';
    expect(actual(afghan)).toEqual(await expected());
    expect(afghan.trucks).toBe(5);
    emergency = null;

    // Cancel the truck to Romania (the only one) and one of Tajikistan's.
    const romania = trucks[7];
    const tajik = trucks[1];
    await cancel(romania.id);
    await cancel(tajik.id);
    await drainOutbox(t);
    const after = await emissions();
    expect(actual(after)).toEqual(await expected());
    expect(after.byDestination.map((d: { code: string }) => d.code)).not.toContain('RO');
    expect(after.trucks).toBe(8);
    const tj = (body: typeof all) =>
      body.byDestination.find((d: { code: string }) => d.code === 'TJ');
    expect(tj(after).trucks).toBe(tj(all).trucks - 1);
    // each figure is rounded once from exact sums: the difference is the truck's, within 0.001
    const removed = (a: number, b: number, truck: number) => Math.abs(milli(a) - milli(b) - truck);
    expect(
      removed(tj(all).co2eKg, tj(after).co2eKg, milli(tajik.emissions!.co2eKg)),
    ).toBeLessThanOrEqual(1);
    expect(
      removed(
        all.co2eKg,
        after.co2eKg,
        milli(romania.emissions!.co2eKg) + milli(tajik.emissions!.co2eKg),
      ),
    ).toBeLessThanOrEqual(2);
  });

  it('a route edit changes later dispatches only, and a rebuild reproduces every figure', async () => {
    const before = await dispatch({ destination: 'AF', cargoWeightKg: 10_000 });
    expect(before.emissions).toMatchObject({ distanceKm: 90, tonneKm: 900, co2eKg: 72.9 });
    await t
      .http()
      .put('/api/routes/TMZ/AF')
      .set(t.as())
      .send({ distanceKm: 100, basis: "carrier's GPS track" })
      .expect(200);
    const later = await dispatch({ destination: 'AF', cargoWeightKg: 10_000 });
    expect(later.emissions).toMatchObject({
      distanceKm: 100,
      tonneKm: 1000,
      co2eKg: 81,
      basis: "route: carrier's GPS track",
    });
    // the earlier truck keeps its own distance
    const reread = await t.http().get(`/api/dispatches/${before.id}`).set(t.as()).expect(200);
    expect(reread.body.emissions).toEqual(before.emissions);
    await dispatch({ destination: 'KG', fuelLitres: 1234.5 });
    const history = [
      'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg,emergency,carrier,driver_name,distance_km,fuel_litres',
      'OLD-1,2024-05-28T10:00:00+05:00,TJ,01 B 777 CD,CRI-BLANKET-HT,10,20000,,,,,',
      'OLD-2,2024-05-29T10:00:00+05:00,TJ,01 B 777 CD,CRI-RHU,2,,,,,260.5,',
      'OLD-2,2024-05-29T10:00:00+05:00,TJ,01 B 777 CD,CRI-BLANKET-HT,3,,,,,260.5,',
      'OLD-3,2024-05-30T10:00:00+05:00,AF,01 B 777 CD,CRI-BLANKET-HT,10,,,,,,600',
    ].join('\n');
    await importCsv(t, warehouse, history).expect(201);
    await drainOutbox(t);
    const imported = await t.dataSource.query(
      `SELECT waybill_no, distance_km::text, distance_basis, fuel_litres::text, tonne_km::text,
              co2e_kg::text, emission_method FROM dispatch WHERE historical ORDER BY waybill_no`,
    );
    expect(imported).toEqual([
      {
        waybill_no: 'OLD-1',
        distance_km: '251.000',
        distance_basis: 'route: estimate: Dushanbe (published bus route)',
        fuel_litres: null,
        tonne_km: '5020.000000',
        co2e_kg: '406.620000',
        emission_method: 'default',
      },
      {
        waybill_no: 'OLD-2',
        distance_km: '260.500',
        distance_basis: 'given on the dispatch',
        fuel_litres: null,
        // 2 RHU x 161 kg + 3 blankets x 1.5 kg = 326.5 kg x 260.5 km; x 0.081 = 6.88931325
        tonne_km: '85.053250',
        co2e_kg: '6.889313',
        emission_method: 'default',
      },
      {
        waybill_no: 'OLD-3',
        distance_km: '100.000',
        distance_basis: "route: carrier's GPS track",
        fuel_litres: '600.000',
        tonne_km: expect.any(String),
        co2e_kg: '1902.000000',
        emission_method: 'fuel',
      },
    ]);
    // A bad distance or fuel cell is a 422 naming it, and imports nothing.
    const bad = await importCsv(
      t,
      warehouse,
      [
        'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg,emergency,carrier,driver_name,distance_km,fuel_litres',
        'BAD-1,2024-05-28T10:00:00+05:00,TJ,01 B 777 CD,CRI-BLANKET-HT,10,,,,,-5,',
        'BAD-2,2024-05-28T10:00:00+05:00,TJ,01 B 777 CD,CRI-BLANKET-HT,10,,,,,,lots',
      ].join('\n'),
    ).expect(422);
    expect(bad.body.errors).toEqual([
      expect.objectContaining({ row: 2, column: 'distance_km' }),
      expect.objectContaining({ row: 3, column: 'fuel_litres' }),
    ]);

    // The register carries each truck's distance, fuel and CO2e.
    const csv = await t.http().get('/api/dispatches/export?format=csv').set(t.as()).expect(200);
    const rows: Record<string, string>[] = parse(csv.text, { columns: true });
    expect(rows.find((r) => r.waybill_no === 'OLD-3')).toMatchObject({
      distance_km: '100',
      fuel_litres: '600',
      co2e_kg: '1902',
      emission_method: 'fuel',
    });

    const queries = ['', '?asOf=2024-05-31', '?from=2024-05-29'];
    const figures = await Promise.all(queries.map((q) => emissions(q)));
    expect(figures[0].trucks).toBe(6);
    const rollups = () =>
      t.dataSource.query(`
        SELECT 'd' AS k, day::text AS period, destination_id, emergency, trucks, tonne_km::text,
               co2e_kg::text, fuel_trucks, default_trucks FROM dispatch_rollup
        UNION ALL
        SELECT 'm', month::text, destination_id, emergency, trucks, tonne_km::text,
               co2e_kg::text, fuel_trucks, default_trucks FROM dispatch_month_rollup
        ORDER BY 1, 2, 3, 4`);
    const tables = await rollups();
    // Corrupt the figures, so that a rebuild that changed nothing would be seen.
    await t.dataSource.query(
      'UPDATE dispatch_rollup SET co2e_kg = co2e_kg + 1000, fuel_trucks = 0',
    );
    await t.dataSource.query('UPDATE dispatch_month_rollup SET tonne_km = 0');
    const { body } = await t.http().post('/api/stats/rebuild').set(t.as()).expect(202);
    await eventually(async () => {
      const { state } = (
        await t.http().get(`/api/stats/rebuild/${body.jobId}`).set(t.as()).expect(200)
      ).body;
      if (state === 'failed') throw new Error('rebuild failed');
      expect(state).toBe('completed');
    });
    expect(await rollups()).toEqual(tables);
    expect(await Promise.all(queries.map((q) => emissions(q)))).toEqual(figures);
  });

  it('sets the solar plant against the trucks over the same days: generated, avoided and net', async () => {
    const day = (date: string, kwh: number) => ({
      start: `${date}T00:00:00+05:00`,
      end: `${date}T23:59:00+05:00`,
      generatedKwh: kwh,
    });
    await t
      .http()
      .post('/api/energy/readings')
      .set(t.as(warehouse))
      .send({
        system: 'TMZ-PV-1',
        readings: [day('2024-05-27', 3000), day('2024-05-28', 2500.5), day('2024-06-10', 100)],
      })
      .expect(201);
    await t
      .http()
      .post('/api/dispatches/import')
      .set(t.as(warehouse))
      .set('Content-Type', 'text/csv')
      .send(
        [
          'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg,emergency,carrier,driver_name,distance_km,fuel_litres',
          'OLD-1,2024-05-28T10:00:00+05:00,TJ,01 B 777 CD,CRI-BLANKET-HT,10,20000,,,,,',
        ].join('\n'),
      )
      .expect(201);
    await drainOutbox(t);
    const week = await emissions('?from=2024-05-27&asOf=2024-06-02');
    // 5,500.5 kWh x 0.558 = 3,069.279 kg CO2 avoided; the trucks emitted 406.62 kg
    expect(week).toMatchObject({
      from: '2024-05-27',
      asOf: '2024-06-02',
      co2eKg: 406.62,
      solar: { generatedKwh: 5500.5, co2AvoidedKg: 3069.279, pendingDays: 0 },
      netCo2eKg: -2662.659,
    });
    const since = await emissions('?from=2024-05-28');
    expect(since.solar).toEqual({ generatedKwh: 2600.5, co2AvoidedKg: 1451.079, pendingDays: 0 });
    await t.http().get('/api/stats/emissions?from=2024-06-02&asOf=2024-05-01').expect(401);
    await t
      .http()
      .get('/api/stats/emissions?from=2024-06-02&asOf=2024-05-01')
      .set(t.as())
      .expect(400);
    await t.http().get('/api/stats/emissions?hub=NOPE').set(t.as()).expect(422);
  });

  it('expects solar from measured irradiation when the readings carry it, and says nothing of a week without readings', async () => {
    const report = async (query: string) =>
      (
        await t
          .http()
          .get(`/api/energy/reports?system=TMZ-PV-1&interval=week&${query}`)
          .set(t.as())
          .expect(200)
      ).body;
    // The week of 27 May 2024: 3,000 kWh a day under 6 kWh/m2 a day
    const days = ['2024-05-27', '2024-05-28', '2024-05-29', '2024-05-30', '2024-05-31'].concat([
      '2024-06-01',
      '2024-06-02',
    ]);
    const readings = days.map((date, i) => ({
      start: `${date}T00:00:00+05:00`,
      end: `${days[i + 1] ?? '2024-06-03'}T00:00:00+05:00`,
      generatedKwh: 3000,
      irradiationKwhM2: 6,
    }));
    await t
      .http()
      .post('/api/energy/readings')
      .set(t.as(warehouse))
      .send({ system: 'TMZ-PV-1', readings })
      .expect(201);
    await drainOutbox(t);
    const { items } = await report('from=2024-05-20&to=2024-06-02');
    expect(items).toHaveLength(2);
    // The week before has no readings: no data, never "underperforming".
    expect(items[0]).toMatchObject({
      periodStart: '2024-05-20',
      readings: 0,
      generatedKwh: 0,
      underperforming: null,
      expectedBasis: 'profile',
    });
    // 700 kWp x 42 kWh/m2 x 0.80 = 23,520 kWh expected; 21,000 made is 89 %: not short.
    // (The monthly profile would have expected 26,965.0 kWh and called it short.)
    expect(items[1]).toMatchObject({
      periodStart: '2024-05-27',
      generatedKwh: 21000,
      expectedKwh: 23520,
      expectedBasis: 'irradiation',
      underperforming: false,
    });

    // An admin sets the system's target PR and its own monthly profile.
    const patch = (payload: object, key?: string, code = 'TMZ-PV-1') =>
      t.http().patch(`/api/energy/systems/${code}`).set(t.as(key)).send(payload);
    await patch({ targetPerformanceRatio: 0.95 }, warehouse).expect(403);
    await patch({ targetPerformanceRatio: 0.95 }, undefined, 'NOPE').expect(404);
    await patch({ targetPerformanceRatio: 1.5 }).expect(400);
    await patch({ monthlyProfile: [0.1, 0.1] }).expect(400);
    const notWhole = await patch({ monthlyProfile: Array(12).fill(0.1) }).expect(422);
    expect(notWhole.body.code).toBe('pvSystem.profileNotWhole');
    const flat = [...Array(11).fill(0.083333), 0.083337];
    const changed = await patch({ targetPerformanceRatio: 0.95, monthlyProfile: flat }).expect(200);
    expect(changed.body).toMatchObject({
      code: 'TMZ-PV-1',
      capacityKwp: 700,
      targetPerformanceRatio: 0.95,
      monthlyProfile: flat,
      ownMonthlyProfile: true,
    });
    const after = await report('from=2024-05-20&to=2024-06-02');
    // 700 x 42 x 0.95 = 27,930 kWh: now 21,000 is more than 20 % short
    expect(after.items[1]).toMatchObject({ expectedKwh: 27930, underperforming: true });
    // the empty week from the flat profile: 989,800 x 0.083333 x 7 / 31 days of May
    expect(after.items[0].expectedKwh).toBe(18625.194);
    expect(after.items[0].underperforming).toBeNull();
    // null goes back to the default profile
    const reset = await patch({ monthlyProfile: null }).expect(200);
    expect(reset.body.ownMonthlyProfile).toBe(false);
    expect(reset.body.monthlyProfile[10]).toBe(0.048);
  });
});
