import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { startTestApp, TestApp } from '../support/test-app.js';

const catalogue: Record<string, string>[] = parse(
  readFileSync(new URL('../../src/reference-data/cri-catalogue.csv', import.meta.url)),
  { columns: true },
);

describe('reference data: hubs, items, destinations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('lists the ten catalogue items with their weights and volumes as numbers', async () => {
    const { body } = await t.http().get('/api/items').set(t.as()).expect(200);
    expect(body.nextCursor).toBeNull();
    expect(body.items).toHaveLength(10);
    const bySku = Object.fromEntries(body.items.map((i: { sku: string }) => [i.sku, i]));
    for (const row of catalogue) {
      expect(bySku[row.sku]).toMatchObject({
        name: row.name,
        unit: row.unit,
        unitWeightKg: Number(row.unit_weight_kg),
        unitVolumeM3: Number(row.unit_volume_m3),
      });
    }
    // The published figures, independently of the CSV copy.
    expect(bySku['CRI-RHU']).toMatchObject({ unitWeightKg: 161, unitVolumeM3: 1.13 });
    expect(bySku['CRI-BLANKET-HT']).toMatchObject({ unitWeightKg: 1.5, unitVolumeM3: 0.0117 });
    expect(bySku['CRI-JERRYCAN-20L'].unitWeightKg).toBe(0.27);
    const one = await t.http().get('/api/items/CRI-FAMILY-TENT').set(t.as()).expect(200);
    expect(one.body).toMatchObject({
      sku: 'CRI-FAMILY-TENT',
      unitWeightKg: 55,
      unitVolumeM3: 0.28,
    });
    await t.http().get('/api/items/NOPE').set(t.as()).expect(404);
  });

  it('pages the catalogue by SKU', async () => {
    const first = await t.http().get('/api/items?limit=6').set(t.as()).expect(200);
    const second = await t
      .http()
      .get(`/api/items?limit=6&cursor=${first.body.nextCursor}`)
      .set(t.as())
      .expect(200);
    const skus = [...first.body.items, ...second.body.items].map((i: { sku: string }) => i.sku);
    expect(skus).toEqual(catalogue.map((r) => r.sku).sort());
    expect(second.body.nextCursor).toBeNull();
  });

  it('lists the eight destinations and the Termez hub with its time zone', async () => {
    const destinations = await t.http().get('/api/destinations').set(t.as()).expect(200);
    expect(destinations.body.items.map((d: { name: string }) => d.name).sort()).toEqual([
      'Afghanistan',
      'Iran',
      'Kyrgyz Republic',
      'Moldova',
      'Pakistan',
      'Poland',
      'Romania',
      'Tajikistan',
    ]);
    const hubs = await t.http().get('/api/hubs').set(t.as()).expect(200);
    expect(hubs.body.items).toContainEqual(
      expect.objectContaining({ code: 'TMZ', timeZone: 'Asia/Tashkent', shortName: 'Termez' }),
    );
  });

  it('lets an admin add and edit items, destinations and hubs', async () => {
    const item = {
      sku: 'CRI-MOSQUITO-NET',
      name: 'Mosquito net, long-lasting',
      category: 'health',
      unit: 'piece',
      unitWeightKg: 0.55,
      unitVolumeM3: 0.0025,
    };
    const created = await t.http().post('/api/items').set(t.as()).send(item).expect(201);
    expect(created.body).toMatchObject(item);
    const edited = await t
      .http()
      .patch('/api/items/CRI-MOSQUITO-NET')
      .set(t.as())
      .send({ unitWeightKg: 0.6 })
      .expect(200);
    expect(edited.body).toMatchObject({ unitWeightKg: 0.6, unitVolumeM3: 0.0025 });
    await t
      .http()
      .post('/api/destinations')
      .set(t.as())
      .send({ code: 'UA', name: 'Ukraine', iso2: 'UA' })
      .expect(201);
    await t.http().get('/api/destinations/UA').set(t.as()).expect(200);
    await t
      .http()
      .post('/api/hubs')
      .set(t.as())
      .send({ code: 'DXB', name: 'Dubai hub', timeZone: 'Asia/Dubai' })
      .expect(201);
    const dubai = await t.http().get('/api/hubs/DXB').set(t.as()).expect(200);
    expect(dubai.body).toMatchObject({ shortName: 'Dubai hub', timeZone: 'Asia/Dubai' });
  });

  it('refuses bad items with a 4xx naming the problem, and writes nothing', async () => {
    const good = { sku: 'NEW-1', name: 'x', unit: 'piece', unitWeightKg: 1, unitVolumeM3: 0.1 };
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ ...good, colour: 'blue' }, 400, /property colour should not exist/],
      [{ ...good, unitWeightKg: -1 }, 400, /unitWeightKg must not be less than/],
      [{ ...good, unitWeightKg: 0 }, 400, /unitWeightKg/],
      [{ ...good, unitWeightKg: '1' }, 400, /unitWeightKg must be a number/],
      [{ ...good, unitVolumeM3: 0.1234567 }, 400, /unitVolumeM3/],
      [{ ...good, name: 'n'.repeat(10_000) }, 400, /name must be shorter than or equal to 200/],
      [{ ...good, name: '   ' }, 400, /name must not be blank/],
      [{ ...good, sku: 'has space' }, 400, /sku must be a SKU/],
      [{ ...good, sku: 's'.repeat(65) }, 400, /sku must be shorter than or equal to 64/],
      [{ ...good, sku: undefined }, 400, /sku/],
      [{ ...good, sku: 'CRI-RHU' }, 409, /CRI-RHU already exists/],
    ];
    for (const [body, status, message] of cases) {
      const response = await t.http().post('/api/items').set(t.as()).send(body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(JSON.stringify(response.body.message)).toMatch(message);
    }
    const { body } = await t.http().get('/api/items').set(t.as()).expect(200);
    expect(body.items).toHaveLength(10);
    expect(body.items.find((i: { sku: string }) => i.sku === 'CRI-RHU').unitWeightKg).toBe(161);
    await t.http().post('/api/items').set(t.as()).send([good]).expect(400);
    await t.http().patch('/api/items/CRI-RHU').set(t.as()).send({ sku: 'RENAMED' }).expect(400);
    await t.http().patch('/api/items/NOPE').set(t.as()).send({ unitWeightKg: 2 }).expect(404);
    await t
      .http()
      .post('/api/destinations')
      .set(t.as())
      .send({ code: 'AF', name: 'x' })
      .expect(409);
    await t
      .http()
      .post('/api/destinations')
      .set(t.as())
      .send({ code: 'ZZ', name: 'x', iso2: 'zz' })
      .expect(400);
    await t
      .http()
      .post('/api/hubs')
      .set(t.as())
      .send({ code: 'TMZ', name: 'x', timeZone: 'Asia/Tashkent' })
      .expect(409);
    await t
      .http()
      .post('/api/hubs')
      .set(t.as())
      .send({ code: 'ABC', name: 'x', timeZone: 'Mars/Olympus' })
      .expect(400);
  });
});
