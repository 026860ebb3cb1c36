/**
 * Households a hub's stock covers, per kit: the least, over the kit's components, of
 * floor(available / per kit). A component the hub never held, or holds none of, covers 0.
 */

/** How many components after those that set the number `limitingItems` also lists. */
export const NEXT_LIMITING = 2;

/** One component of one kit with what the hub has available of it. */
export interface CoverageRow {
  kit: string;
  kitName: string;
  householdSize: number;
  sku: string;
  name: string;
  available: number;
  perKit: number;
}

export interface LimitingItem {
  sku: string;
  name: string;
  available: number;
  perKit: number;
  /** Households this component alone would cover. */
  households: number;
}

export interface KitCoverage {
  kit: string;
  name: string;
  householdSize: number;
  households: number;
  people: number;
  /** The components that set `households`, then the next ones, fewest households first. */
  limitingItems: LimitingItem[];
}

/** Coverage per kit from its components' rows (any order), kits by code. */
export function coverageOf(rows: CoverageRow[]): KitCoverage[] {
  const byKit = new Map<string, CoverageRow[]>();
  for (const row of rows) byKit.set(row.kit, [...(byKit.get(row.kit) ?? []), row]);
  return [...byKit.keys()].sort().map((code) => {
    const components = byKit.get(code)!;
    const items: LimitingItem[] = components
      .map((c) => ({
        sku: c.sku,
        name: c.name,
        available: c.available,
        perKit: c.perKit,
        households: Math.floor(Math.max(0, c.available) / c.perKit),
      }))
      .sort((a, b) => a.households - b.households || a.sku.localeCompare(b.sku));
    const households = items[0].households;
    const setting = items.filter((i) => i.households === households).length;
    const { kitName, householdSize } = components[0];
    return {
      kit: code,
      name: kitName,
      householdSize,
      households,
      people: households * householdSize,
      limitingItems: items.slice(0, setting + NEXT_LIMITING),
    };
  });
}
