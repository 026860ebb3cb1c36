import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { EntityManager } from 'typeorm';
import { Destination } from '../catalogue/destination.entity.js';
import { notifyChange } from '../database/change-notifications.js';
import { Item } from '../catalogue/item.entity.js';
import { Kit, KitComponent } from '../catalogue/kit.entity.js';
import { PvSystem } from '../energy/pv-system.entity.js';
import { Hub } from '../hubs/hub.entity.js';
import { TransportRoute } from '../transport/transport-route.entity.js';

/** The Termez hub, as in shared/reference/FACTS.md. */
export const TERMEZ_HUB = {
  code: 'TMZ',
  name: 'UNHCR Regional Humanitarian Logistics Hub, Termez',
  shortName: 'Termez',
  timeZone: 'Asia/Tashkent',
  countryCode: 'UZ',
  latitude: 37.22,
  longitude: 67.28,
};

/** The hub's rooftop plant of the UNHCR-LONGi partnership (FACTS.md): 700 kWp. */
export const TERMEZ_PV = {
  code: 'TMZ-PV-1',
  name: 'Termez hub rooftop PV (UNHCR-LONGi)',
  capacityKwp: '700',
};

/**
 * Road distances from Termez (FACTS.md), estimates until an admin sets them from the carrier's
 * records (PUT /api/routes/TMZ/:destination).
 */
export const TERMEZ_ROUTES: { destination: string; distanceKm: string; basis: string }[] = [
  { destination: 'AF', distanceKm: '90', basis: 'estimate: Mazar-i-Sharif via Hairatan' },
  { destination: 'TJ', distanceKm: '251', basis: 'estimate: Dushanbe (published bus route)' },
  {
    destination: 'KG',
    distanceKm: '1000',
    basis: 'estimate: Osh, via Tashkent and the Kamchik pass',
  },
  {
    destination: 'IR',
    distanceKm: '1150',
    basis: 'estimate: Mashhad, via Turkmenabat, Mary and Sarakhs',
  },
  { destination: 'PK', distanceKm: '750', basis: 'estimate: Peshawar, via Kabul and Torkham' },
  { destination: 'MD', distanceKm: '4600', basis: 'estimate: Chisinau' },
  { destination: 'PL', distanceKm: '4800', basis: 'estimate: Rzeszow' },
  { destination: 'RO', distanceKm: '4700', basis: 'estimate: Suceava' },
];

/**
 * The household kit of FACTS.md, a planning default (estimated): admins edit it to the
 * operation's standard, and the seeder never puts it back as it was.
 */
export const HOUSEHOLD_KIT = {
  code: 'HH-CRI-5',
  name: 'Household CRI kit, family of 5',
  householdSize: 5,
  components: [
    { sku: 'CRI-FAMILY-TENT', quantity: 1 },
    { sku: 'CRI-BLANKET-HT', quantity: 5 },
    { sku: 'CRI-SLEEPING-MAT', quantity: 5 },
    { sku: 'CRI-KITCHEN-SET-B', quantity: 1 },
    { sku: 'CRI-JERRYCAN-20L', quantity: 2 },
    { sku: 'CRI-BUCKET-14L', quantity: 1 },
    { sku: 'CRI-PLASTIC-SHEET', quantity: 1 },
    { sku: 'CRI-SOLAR-LAMP', quantity: 1 },
  ],
};

function readCsv(file: string): Record<string, string>[] {
  const text = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
  return parse(text, { columns: true, skip_empty_lines: true, trim: true });
}

/** The ten core relief items of cri-catalogue.csv, weights and volumes exactly as published. */
export function catalogueItems(): Partial<Item>[] {
  return readCsv('cri-catalogue.csv').map((row) => ({
    sku: row.sku,
    name: row.name,
    category: row.category || null,
    unit: row.unit,
    unitWeightKg: Number(row.unit_weight_kg),
    unitVolumeM3: Number(row.unit_volume_m3),
  }));
}

export function referenceDestinations(): Partial<Destination>[] {
  return readCsv('destinations.csv').map((row) => ({
    code: row.code,
    name: row.name,
    iso2: row.iso2 || null,
  }));
}

/**
 * Inserts the reference hub, items, destinations and PV system that are missing; never touches rows that
 * exist (an admin may have edited them), so it is safe on every start.
 */
export async function seedReferenceData(manager: EntityManager): Promise<void> {
  await manager.createQueryBuilder().insert().into(Hub).values(TERMEZ_HUB).orIgnore().execute();
  await manager
    .createQueryBuilder()
    .insert()
    .into(Item)
    .values(catalogueItems())
    .orIgnore()
    .execute();
  await manager
    .createQueryBuilder()
    .insert()
    .into(Destination)
    .values(referenceDestinations())
    .orIgnore()
    .execute();
  const termez = await manager.findOneByOrFail(Hub, { code: TERMEZ_HUB.code });
  await manager
    .createQueryBuilder()
    .insert()
    .into(PvSystem)
    .values({ ...TERMEZ_PV, hubId: termez.id })
    .orIgnore()
    .execute();
  const destinations = new Map(
    (await manager.find(Destination)).map((destination) => [destination.code, destination.id]),
  );
  await manager
    .createQueryBuilder()
    .insert()
    .into(TransportRoute)
    .values(
      TERMEZ_ROUTES.filter((route) => destinations.has(route.destination)).map((route) => ({
        hubId: termez.id,
        destinationId: destinations.get(route.destination)!,
        distanceKm: route.distanceKm,
        basis: route.basis,
      })),
    )
    .orIgnore()
    .execute();
  const kit = await manager
    .createQueryBuilder()
    .insert()
    .into(Kit)
    .values({
      code: HOUSEHOLD_KIT.code,
      name: HOUSEHOLD_KIT.name,
      householdSize: HOUSEHOLD_KIT.householdSize,
      version: 1,
    })
    .orIgnore()
    .returning(['id'])
    .execute();
  const kitId = (kit.raw as { id: number }[])[0]?.id;
  // Only a kit inserted now gets the default composition: an existing one may have been edited.
  if (kitId !== undefined) {
    const items = await manager.findBy(Item, {});
    const idOf = new Map(items.map((item) => [item.sku, item.id]));
    await manager.insert(
      KitComponent,
      HOUSEHOLD_KIT.components.map((c) => ({
        kitId,
        version: 1,
        itemId: idOf.get(c.sku)!,
        quantity: c.quantity,
      })),
    );
  }
  // Only inserts, of what no cache holds (caches keep only what they found), but for routes,
  // whose absence the dispatch's lookup keeps too.
  await notifyChange(manager, 'route');
}
