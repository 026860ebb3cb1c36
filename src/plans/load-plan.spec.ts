import { toMicro } from '../common/decimal.js';
import { MAX_PLAN_TRUCKS, PackLine, planLoad, PlanError, Truck } from './load-plan.js';

/** The seeded catalogue (cri-catalogue.csv): kg and m3 per unit. */
const CATALOGUE: Record<string, [string, string]> = {
  'CRI-BLANKET-HT': ['1.5', '0.0117'],
  'CRI-SLEEPING-MAT': ['0.8', '0.008'],
  'CRI-KITCHEN-SET-B': ['6.5', '0.035'],
  'CRI-JERRYCAN-20L': ['0.27', '0.003'],
  'CRI-BUCKET-14L': ['0.78', '0.02'],
  'CRI-PLASTIC-SHEET': ['4.2', '0.007'],
  'CRI-PLASTIC-ROLL': ['42', '0.09'],
  'CRI-FAMILY-TENT': ['55', '0.28'],
  'CRI-RHU': ['161', '1.13'],
  'CRI-SOLAR-LAMP': ['0.4', '0.002'],
};
/** HH-CRI-5 as seeded. */
const HH_CRI_5: Record<string, number> = {
  'CRI-FAMILY-TENT': 1,
  'CRI-BLANKET-HT': 5,
  'CRI-SLEEPING-MAT': 5,
  'CRI-KITCHEN-SET-B': 1,
  'CRI-JERRYCAN-20L': 2,
  'CRI-BUCKET-14L': 1,
  'CRI-PLASTIC-SHEET': 1,
  'CRI-SOLAR-LAMP': 1,
};

const item = (sku: string, quantity: number): PackLine => ({
  code: sku,
  kind: 'item',
  quantity,
  unitWeight: toMicro(CATALOGUE[sku][0]),
  unitVolume: toMicro(CATALOGUE[sku][1]),
  contents: [{ sku, quantity: 1 }],
});

const kit = (quantity: number): PackLine => {
  const contents = Object.entries(HH_CRI_5).map(([sku, n]) => ({ sku, quantity: n }));
  const sum = (i: 0 | 1) =>
    contents.reduce((s, c) => s + BigInt(c.quantity) * toMicro(CATALOGUE[c.sku][i]), 0n);
  return {
    code: 'HH-CRI-5',
    kind: 'kit',
    quantity,
    unitWeight: sum(0),
    unitVolume: sum(1),
    contents,
  };
};

const ceil = (a: bigint, b: bigint) => Number((a + b - 1n) / b);

/** The bound of the contract: total weight / payload and volume / capacity, rounded up. */
function bound(lines: PackLine[], truck: Truck) {
  const w = lines.reduce((s, l) => s + BigInt(l.quantity) * l.unitWeight, 0n);
  const v = lines.reduce((s, l) => s + BigInt(l.quantity) * l.unitVolume, 0n);
  return Math.max(ceil(w, toMicro(truck.payloadKg)), ceil(v, toMicro(truck.volumeM3)));
}

/** Every rule a plan keeps, whatever the load. */
function expectSound(lines: PackLine[], truck: Truck) {
  const plan = planLoad(lines, truck);
  const lower = bound(lines, truck);
  expect(plan.lowerBound).toBe(lower);
  expect(plan.trucks).toBe(plan.loads.length);
  expect(plan.trucks).toBeGreaterThanOrEqual(lower);
  for (const load of plan.loads) {
    expect(load.weight).toBeLessThanOrEqual(toMicro(truck.payloadKg));
    expect(load.volume).toBeLessThanOrEqual(toMicro(truck.volumeM3));
    expect(load.lines.length).toBeGreaterThan(0);
  }
  // every unit once: what the loads hold, SKU by SKU, is what was asked for
  const asked = new Map<string, number>();
  for (const l of lines) {
    for (const c of l.contents) asked.set(c.sku, (asked.get(c.sku) ?? 0) + c.quantity * l.quantity);
  }
  const packed = new Map<string, number>();
  for (const load of plan.loads) {
    for (const l of load.lines) packed.set(l.sku, (packed.get(l.sku) ?? 0) + l.quantity);
  }
  expect(packed).toEqual(asked);
  // and the loads weigh what their lines weigh
  for (const load of plan.loads) {
    const w = load.lines.reduce(
      (s, l) => s + BigInt(l.quantity) * toMicro(CATALOGUE[l.sku][0]),
      0n,
    );
    expect(load.weight).toBe(w);
  }
  return plan;
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEMI: Truck = { payloadKg: 22_000, volumeM3: 82 };

describe('planLoad()', () => {
  it('carries 1,000 HH-CRI-5 kits in the trucks the formula says, volume binding', () => {
    // one kit: 78.92 kg and 0.4485 m3; 1,000: 78.92 t (3.59 trucks) and 448.5 m3 (5.47 trucks)
    const plan = expectSound([kit(1000)], SEMI);
    expect(plan.weight).toBe(toMicro('78920'));
    expect(plan.volume).toBe(toMicro('448.5'));
    expect(plan.bindingConstraint).toBe('volume');
    expect(plan.lowerBound).toBe(6);
    expect(plan.trucks).toBe(6);
    // kits stay whole: each truck's kits add up to the 1,000
    expect(plan.loads.reduce((s, l) => s + l.kits[0].quantity, 0)).toBe(1000);
  });

  it('says weight binds for dense goods', () => {
    const plan = expectSound([item('CRI-PLASTIC-SHEET', 10_000)], SEMI);
    // 42 t over 22 t, 70 m3 over 82 m3
    expect(plan.bindingConstraint).toBe('weight');
    expect(plan.trucks).toBe(2);
  });

  it('mixes dense and bulky goods rather than sending each apart', () => {
    // plastic sheets fill trucks by weight, blankets by volume: 10 + 10 trucks apart, 15 mixed
    const lines = [item('CRI-PLASTIC-SHEET', 52_380), item('CRI-BLANKET-HT', 70_000)];
    const plan = expectSound(lines, SEMI);
    expect(bound(lines, SEMI)).toBe(15);
    expect(plan.trucks).toBeLessThanOrEqual(16);
  });

  it('is never below the bound, and at most one above it, on 300 random ordinary loads', () => {
    const rand = random(15);
    const skus = Object.keys(CATALOGUE);
    for (let run = 0; run < 300; run++) {
      const lines = skus
        .filter(() => rand() < 0.6)
        .map((sku) => item(sku, 1 + Math.floor(rand() ** 2 * 20_000)));
      if (rand() < 0.3) lines.push(kit(1 + Math.floor(rand() * 3000)));
      if (lines.length === 0) continue;
      const truck = rand() < 0.2 ? { payloadKg: 26_700, volumeM3: 60 } : SEMI;
      const plan = expectSound(lines, truck);
      expect(plan.trucks).toBeLessThanOrEqual(bound(lines, truck) + 1);
    }
  });

  it('packs a single unit, and a load that just fills one truck, in one', () => {
    expect(expectSound([item('CRI-SOLAR-LAMP', 1)], SEMI).trucks).toBe(1);
    // 400 tents: 22,000 kg exactly (112 m3 would not fit: 292 tents fill 81.76 m3)
    const truck = { payloadKg: 22_000, volumeM3: 120 };
    const plan = expectSound([item('CRI-FAMILY-TENT', 400)], truck);
    expect(plan.trucks).toBe(1);
    expect(plan.loads[0].weight).toBe(toMicro(22_000));
  });

  it('refuses a unit larger than the truck, and a plan of more than 1,000 trucks', () => {
    expect(() => planLoad([item('CRI-RHU', 1)], { payloadKg: 100, volumeM3: 82 })).toThrow(
      PlanError,
    );
    try {
      planLoad([item('CRI-RHU', 1)], { payloadKg: 100, volumeM3: 82 });
    } catch (error) {
      expect((error as PlanError).detail).toEqual({ problem: 'unitTooLarge', codes: ['CRI-RHU'] });
    }
    // 1,000,000 tents: 55,000 t
    expect(() => planLoad([item('CRI-FAMILY-TENT', 1_000_000)], SEMI)).toThrow(PlanError);
    const justUnder = Math.floor((MAX_PLAN_TRUCKS * 82) / 0.28 / 2);
    expect(planLoad([item('CRI-FAMILY-TENT', justUnder)], SEMI).trucks).toBeLessThanOrEqual(
      MAX_PLAN_TRUCKS,
    );
  });
});
