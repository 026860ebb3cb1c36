import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** Catalogue unit weights in whole grams (every catalogue weight is a whole number of grams). */
export const GRAMS: Record<string, number> = Object.fromEntries(
  (
    parse(readFileSync(new URL('../../src/reference-data/cri-catalogue.csv', import.meta.url)), {
      columns: true,
    }) as { sku: string; unit_weight_kg: string }[]
  ).map((row) => [row.sku, Math.round(Number(row.unit_weight_kg) * 1000)]),
);

/** Catalogue unit volumes in tenths of a litre (every catalogue volume has at most 4 decimals of m3). */
export const DECILITRES: Record<string, number> = Object.fromEntries(
  (
    parse(readFileSync(new URL('../../src/reference-data/cri-catalogue.csv', import.meta.url)), {
      columns: true,
    }) as { sku: string; unit_volume_m3: string }[]
  ).map((row) => [row.sku, Math.round(Number(row.unit_volume_m3) * 10_000)]),
);

export const SKUS = Object.keys(GRAMS);
export const DESTINATIONS = ['AF', 'KG', 'IR', 'MD', 'PL', 'PK', 'RO', 'TJ'];
export const HEADER =
  'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg,emergency';

export interface HistoricalDispatch {
  waybillNo: string;
  /** ISO with +05:00 offset */
  dispatchedAt: string;
  destination: string;
  truckPlate: string;
  cargoWeightGrams: number | null;
  emergency: string;
  lines: { sku: string; quantity: number }[];
}

/** A small deterministic random generator, so a failing run can be replayed. */
export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Dispatches spread over [from, to) (UTC days), 1-4 lines each, some with a weighbridge figure. */
export function generateHistory(
  count: number,
  seed: number,
  from = Date.UTC(2021, 11, 15),
  to = Date.UTC(2024, 5, 30),
  prefix = 'H',
): HistoricalDispatch[] {
  const rand = random(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(from + Math.floor(rand() * (to - from)));
    const local = new Date(at.getTime() + 5 * 3600_000).toISOString().slice(0, 19);
    const skus = [...SKUS].sort(() => rand() - 0.5).slice(0, 1 + Math.floor(rand() * 4));
    return {
      waybillNo: `${prefix}-${String(i + 1).padStart(5, '0')}`,
      dispatchedAt: `${local}+05:00`,
      destination: pick(DESTINATIONS),
      truckPlate: `${10 + Math.floor(rand() * 80)} A ${100 + i} UZ`,
      cargoWeightGrams: rand() < 0.3 ? Math.round(5_000_000 + rand() * 15_000_000) : null,
      emergency: rand() < 0.5 ? 'Afghanistan situation' : 'Ukraine situation',
      lines: skus.map((sku) => ({ sku, quantity: 1 + Math.floor(rand() * 400) })),
    };
  });
}

export function toCsv(dispatches: HistoricalDispatch[], header = HEADER): string {
  const rows = dispatches.flatMap((d) =>
    d.lines.map((line) =>
      [
        d.waybillNo,
        d.dispatchedAt,
        d.destination,
        d.truckPlate,
        line.sku,
        line.quantity,
        d.cargoWeightGrams === null ? '' : (d.cargoWeightGrams / 1000).toFixed(3),
        d.emergency,
      ].join(','),
    ),
  );
  return [header, ...rows].join('\n') + '\n';
}

export const linesGrams = (d: HistoricalDispatch) =>
  d.lines.reduce((sum, l) => sum + l.quantity * GRAMS[l.sku], 0);
export const tonnageGrams = (d: HistoricalDispatch) => d.cargoWeightGrams ?? linesGrams(d);
/** kg with 3 decimals -> tonnes rounded to 3 decimals, computed from whole grams. */
export const tonnes = (grams: number) => Math.round(grams / 1000) / 1000;

/** The expected statistics of these dispatches up to an instant, summed here independently. */
export function expectedStats(dispatches: HistoricalDispatch[], before: Date) {
  const counted = dispatches.filter((d) => new Date(d.dispatchedAt) < before);
  const byDestination: Record<string, { trucks: number; grams: number }> = {};
  const byItem: Record<string, { quantity: number; grams: number }> = {};
  for (const d of counted) {
    const dest = (byDestination[d.destination] ??= { trucks: 0, grams: 0 });
    dest.trucks += 1;
    dest.grams += tonnageGrams(d);
    for (const line of d.lines) {
      const item = (byItem[line.sku] ??= { quantity: 0, grams: 0 });
      item.quantity += line.quantity;
      item.grams += line.quantity * GRAMS[line.sku];
    }
  }
  const decilitres = counted.reduce(
    (sum, d) => sum + d.lines.reduce((s, l) => s + l.quantity * DECILITRES[l.sku], 0),
    0,
  );
  return {
    trucks: counted.length,
    tonnes: tonnes(counted.reduce((sum, d) => sum + tonnageGrams(d), 0)),
    volumeM3: Math.round(decilitres / 10) / 1000,
    destinations: Object.fromEntries(
      Object.entries(byDestination).map(([code, v]) => [
        code,
        { trucks: v.trucks, tonnes: tonnes(v.grams) },
      ]),
    ),
    items: Object.fromEntries(
      Object.entries(byItem).map(([sku, v]) => [
        sku,
        { quantity: v.quantity, tonnes: tonnes(v.grams) },
      ]),
    ),
  };
}
