import { loadavg } from 'node:os';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile of an unsorted list of numbers; null when empty. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(latencies) {
  return {
    n: latencies.length,
    p50: round(percentile(latencies, 50), 1),
    p99: round(percentile(latencies, 99), 1),
    max: round(latencies.length ? Math.max(...latencies) : null, 1),
  };
}

/** How many points of a latency distribution a phase run in slices keeps of each slice. */
export const QUANTILES = 1000;

/** The latencies' quantile function at QUANTILES evenly spaced points (0.1 %, ..., 100 %). */
export function quantiles(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return Array.from({ length: QUANTILES }, (_, i) =>
    sorted.length
      ? sorted[Math.max(0, Math.ceil(((i + 1) / QUANTILES) * sorted.length) - 1)]
      : null,
  );
}

/**
 * p50 and p99 of slices taken together, each slice `{ count, quantiles }` standing for its
 * `count` latencies spread evenly over its quantile points: the percentiles of the whole phase,
 * to within a thousandth of each slice's distribution.
 */
export function mergedPercentiles(slices) {
  const points = slices
    .filter((slice) => slice.count > 0)
    .flatMap((slice) =>
      slice.quantiles.map((value) => ({ value, weight: slice.count / QUANTILES })),
    )
    .sort((a, b) => a.value - b.value);
  const total = points.reduce((sum, point) => sum + point.weight, 0);
  const at = (p) => {
    let seen = 0;
    for (const point of points) {
      seen += point.weight;
      if (seen >= (p / 100) * total - 1e-9) return round(point.value, 1);
    }
    return null;
  };
  return { n: Math.round(total), p50: at(50), p99: at(99) };
}

export function round(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A deterministic generator, so two runs of the bench send the same data. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function pickDistinct(rand, list, count) {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}

export const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

export const log = (...args) =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

/** Peak and current resident memory of a process, MB, from /proc (Linux). */
export async function memoryOf(pid) {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: NaN, hwmMb: NaN };
  }
}

/** CPU time (utime + stime, ms; ticks of 10 ms) in the text of a /proc/<pid>/stat. */
export function cpuMsOfStat(stat) {
  // fields after the command (which may hold spaces): state is the 3rd, utime the 14th
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time a process has used so far, ms, from /proc (Linux). */
export async function cpuMsOf(pid) {
  const { readFile } = await import('node:fs/promises');
  return cpuMsOfStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
}
