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
