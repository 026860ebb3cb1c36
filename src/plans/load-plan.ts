/**
 * Packing goods into trucks: how many, and what goes on each. Pure: no database, no Nest.
 *
 * Units are packed whole (an item's unit, or a whole kit so that a truck's households are
 * complete), largest first by their binding dimension (the larger of weight over payload and
 * volume over capacity), first fit: first-fit decreasing. All units of a line are alike, so a
 * line is placed in bulk (as many as fit in each truck in turn): exactly what placing its units
 * one by one would do, in time that does not grow with the quantity.
 *
 * First fit alone fills some trucks by weight with dense goods and others by volume with light
 * ones, where mixing them would fill both (plastic sheets and blankets: 20 trucks where 15 carry
 * the mix). So when it needs more trucks than the bound below, the goods are also paired: each
 * truck takes lines from the densest and the bulkiest ends in the amounts that fill its weight and
 * volume together, then whatever else fits (a few lines a truck). Should that still need more
 * than one truck over the bound, each line is spread evenly over the bound's trucks (and one
 * more), what does not fit placed first fit. The fewest trucks win; on a tie, first fit's plan.
 * The bound is the larger of total weight / payload and total volume / capacity, rounded up: no
 * plan can use fewer, and on ordinary loads (units small beside a truck) this one uses at most
 * one more.
 *
 * Arithmetic is exact, in millionths of a kg and of a m3 (bigint), like the rest of the app.
 */

import { toMicro } from '../common/decimal.js';

/** A standard 13.6 m tilt semi-trailer (FACTS.md planning figures). */
export const STANDARD_TRUCK = { payloadKg: 22_000, volumeM3: 82 };

/** A plan lists at most this many trucks; more is the client's 422. */
export const MAX_PLAN_TRUCKS = 1_000;

export interface Truck {
  payloadKg: number;
  volumeM3: number;
}

/** A line to pack: `quantity` alike units, each weighing `unitWeight` and taking `unitVolume`. */
export interface PackLine {
  /** The SKU, or the kit's code. */
  code: string;
  kind: 'item' | 'kit';
  quantity: number;
  /** Millionths of a kg per unit. */
  unitWeight: bigint;
  /** Millionths of a m3 per unit. */
  unitVolume: bigint;
  /** What one unit holds: the item itself, or the kit's components. */
  contents: { sku: string; quantity: number }[];
}

export interface TruckLoad {
  lines: { sku: string; quantity: number }[];
  /** Whole kits on this truck (their components are among `lines`). */
  kits: { code: string; quantity: number }[];
  weight: bigint;
  volume: bigint;
}

export interface LoadPlan {
  truck: Truck;
  trucks: number;
  /** The larger of total weight / payload and total volume / capacity, rounded up. */
  lowerBound: number;
  bindingConstraint: 'weight' | 'volume';
  weight: bigint;
  volume: bigint;
  loads: TruckLoad[];
}

/** More units than any line may hold (1,000,000,000), as a bound that never limits a take. */
const MAX_QUANTITY_OF_A_LINE = 1_000_000_000;

export type PlanProblem =
  { problem: 'unitTooLarge'; codes: string[] } | { problem: 'tooLarge'; trucks: number };

/** Thrown for loads no plan can carry or list; the service words it for the client. */
export class PlanError extends Error {
  constructor(readonly detail: PlanProblem) {
    super(detail.problem);
  }
}

interface Bin {
  weight: bigint;
  volume: bigint;
  /** No unit of the load fits any more: first fit passes it by. */
  full: boolean;
  /** Units per line index. */
  counts: Map<number, number>;
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
const minBig = (a: bigint, b: bigint) => (a < b ? a : b);

export function planLoad(lines: PackLine[], truck: Truck = STANDARD_TRUCK): LoadPlan {
  const payload = toMicro(truck.payloadKg);
  const capacity = toMicro(truck.volumeM3);
  const tooBig = lines.filter((l) => l.unitWeight > payload || l.unitVolume > capacity);
  if (tooBig.length)
    throw new PlanError({ problem: 'unitTooLarge', codes: tooBig.map((l) => l.code) });

  const weight = lines.reduce((sum, l) => sum + BigInt(l.quantity) * l.unitWeight, 0n);
  const volume = lines.reduce((sum, l) => sum + BigInt(l.quantity) * l.unitVolume, 0n);
  const byWeight = ceilDiv(weight, payload);
  const byVolume = ceilDiv(volume, capacity);
  const bound = byWeight > byVolume ? byWeight : byVolume;
  if (bound > BigInt(MAX_PLAN_TRUCKS)) {
    throw new PlanError({ problem: 'tooLarge', trucks: Number(bound) });
  }
  const lowerBound = Math.max(Number(bound), lines.some((l) => l.quantity > 0) ? 1 : 0);
  // weight / payload against volume / capacity, without dividing
  const bindingConstraint = weight * capacity >= volume * payload ? 'weight' : 'volume';

  // Largest first by each unit's own binding dimension (both scaled by payload x capacity).
  const size = (l: PackLine) => {
    const w = l.unitWeight * capacity;
    const v = l.unitVolume * payload;
    return w > v ? w : v;
  };
  const order = lines
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => line.quantity > 0)
    .sort((a, b) => {
      const sa = size(a.line);
      const sb = size(b.line);
      return sa === sb ? a.line.code.localeCompare(b.line.code) : sa > sb ? -1 : 1;
    });

  const fits = (bin: Bin, line: PackLine) =>
    minBig((payload - bin.weight) / line.unitWeight, (capacity - bin.volume) / line.unitVolume);
  const lightest = order.reduce((m, { line }) => minBig(m, line.unitWeight), payload);
  const smallest = order.reduce((m, { line }) => minBig(m, line.unitVolume), capacity);
  const put = (bin: Bin, index: number, line: PackLine, n: number) => {
    if (n <= 0) return;
    bin.weight += BigInt(n) * line.unitWeight;
    bin.volume += BigInt(n) * line.unitVolume;
    bin.counts.set(index, (bin.counts.get(index) ?? 0) + n);
    bin.full = payload - bin.weight < lightest || capacity - bin.volume < smallest;
  };
  const emptyBin = (): Bin => ({ weight: 0n, volume: 0n, full: false, counts: new Map() });
  /** First fit over `bins` in order; returns what did not fit. */
  const firstFit = (bins: Bin[], index: number, line: PackLine, quantity: number) => {
    let left = quantity;
    for (const bin of bins) {
      if (left === 0) break;
      if (bin.full) continue;
      const n = Number(minBig(BigInt(left), fits(bin, line)));
      put(bin, index, line, n);
      left -= n;
    }
    return left;
  };

  const firstFitDecreasing = (): Bin[] => {
    const bins: Bin[] = [];
    for (const { line, index } of order) {
      let left = firstFit(bins, index, line, line.quantity);
      while (left > 0) {
        if (bins.length >= MAX_PLAN_TRUCKS) {
          throw new PlanError({ problem: 'tooLarge', trucks: bins.length + 1 });
        }
        const bin = emptyBin();
        bins.push(bin);
        left = firstFit([bin], index, line, left);
      }
    }
    return bins;
  };

  /** Each line shared evenly over `n` trucks, the rest first fit; null when it does not fit. */
  const spread = (n: number): Bin[] | null => {
    const bins = Array.from({ length: n }, emptyBin);
    const room = (bin: Bin) =>
      bindingConstraint === 'weight' ? payload - bin.weight : capacity - bin.volume;
    for (const { line, index } of order) {
      const base = Math.floor(line.quantity / n);
      const extra = line.quantity % n;
      // the one-unit remainders go to the trucks with the most room
      const roomiest = bins
        .map((bin, i) => ({ bin, i }))
        .sort((a, b) => {
          const ra = room(a.bin);
          const rb = room(b.bin);
          return ra === rb ? a.i - b.i : ra > rb ? -1 : 1;
        });
      let left = 0;
      roomiest.forEach(({ bin }, rank) => {
        const share = base + (rank < extra ? 1 : 0);
        const n = Number(minBig(BigInt(share), fits(bin, line)));
        put(bin, index, line, n);
        left += share - n;
      });
      if (firstFit(bins, index, line, left) > 0) return null;
    }
    return bins.filter((bin) => bin.counts.size > 0);
  };

  /**
   * Dense and bulky goods paired on each truck: lines from the densest (weight-bound) and the
   * bulkiest (volume-bound) ends, in the amounts that fill the truck's weight and volume
   * together, then what else fits. A few lines a truck, and each step uses up a line or a truck.
   */
  const paired = (): Bin[] => {
    const dense = [...order].sort((a, b) => {
      const da = a.line.unitWeight * b.line.unitVolume;
      const db = b.line.unitWeight * a.line.unitVolume;
      return da === db ? a.line.code.localeCompare(b.line.code) : da > db ? -1 : 1;
    });
    const left = dense.map(({ line }) => line.quantity);
    const bins: Bin[] = [];
    let i = 0;
    let j = dense.length - 1;
    const topUpAndClose = (bin: Bin) => {
      for (let k = i; k <= j && !bin.full; k += 1) {
        if (left[k] === 0) continue;
        const n = Number(minBig(BigInt(left[k]), fits(bin, dense[k].line)));
        put(bin, dense[k].index, dense[k].line, n);
        left[k] -= n;
      }
    };
    const take = (bin: Bin, k: number, most: bigint) => {
      const n = Number(minBig(minBig(BigInt(left[k]), most), fits(bin, dense[k].line)));
      put(bin, dense[k].index, dense[k].line, n);
      left[k] -= n;
      return left[k] === 0;
    };
    for (;;) {
      while (i <= j && left[i] === 0) i += 1;
      while (j >= i && left[j] === 0) j -= 1;
      if (i > j) break;
      if (bins.length >= MAX_PLAN_TRUCKS) {
        throw new PlanError({ problem: 'tooLarge', trucks: bins.length + 1 });
      }
      const bin = emptyBin();
      bins.push(bin);
      for (;;) {
        while (i <= j && left[i] === 0) i += 1;
        while (j >= i && left[j] === 0) j -= 1;
        if (i > j) break;
        const a = dense[i].line;
        const b = dense[j].line;
        const det = a.unitWeight * b.unitVolume - b.unitWeight * a.unitVolume;
        const all = BigInt(MAX_QUANTITY_OF_A_LINE);
        if (i === j || det <= 0n) {
          if (!take(bin, i, all)) break; // the truck is full of it
          continue;
        }
        // x of a and y of b fill both the weight and the volume left
        const roomW = payload - bin.weight;
        const roomV = capacity - bin.volume;
        const xNum = roomW * b.unitVolume - b.unitWeight * roomV;
        const yNum = a.unitWeight * roomV - roomW * a.unitVolume;
        if (xNum < det && yNum < det) break;
        if (xNum < det) {
          if (!take(bin, j, all)) break;
        } else if (yNum < det) {
          if (!take(bin, i, all)) break;
        } else {
          const usedA = take(bin, i, xNum / det);
          const usedB = take(bin, j, yNum / det);
          if (!usedA && !usedB) break;
        }
      }
      topUpAndClose(bin);
    }
    return bins;
  };

  let bins = firstFitDecreasing();
  if (bins.length > lowerBound) {
    const mixed = paired();
    if (mixed.length < bins.length) bins = mixed;
  }
  for (const n of [lowerBound, lowerBound + 1]) {
    if (bins.length <= n + 1) break;
    const spreadOver = spread(n);
    if (spreadOver && spreadOver.length < bins.length) {
      bins = spreadOver;
      break;
    }
  }

  const loads = bins.map((bin): TruckLoad => {
    const skus = new Map<string, number>();
    const kits: { code: string; quantity: number }[] = [];
    for (const [index, count] of [...bin.counts].sort(([a], [b]) => a - b)) {
      const line = lines[index];
      if (line.kind === 'kit') kits.push({ code: line.code, quantity: count });
      for (const c of line.contents) skus.set(c.sku, (skus.get(c.sku) ?? 0) + c.quantity * count);
    }
    return {
      lines: [...skus]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([sku, quantity]) => ({ sku, quantity })),
      kits,
      weight: bin.weight,
      volume: bin.volume,
    };
  });
  return {
    truck,
    trucks: loads.length,
    lowerBound,
    bindingConstraint,
    weight,
    volume,
    loads,
  };
}
