import { Problem, refuseProblems } from '../common/errors/problem-list.js';
import { isInFuture } from '../common/validation/time.js';

/** Where a reading came from, so a problem names it: a CSV row, or an index into `readings`. */
export type ReadingSource = { row: number } | { index: number };

/** A reading as received, its shape already checked; amounts are decimal strings, >= 0. */
export interface ReadingInput {
  source: ReadingSource;
  system: string;
  start: string;
  end: string;
  generatedKwh: string;
  consumedKwh: string | null;
  gridImportKwh: string | null;
  exportedKwh: string | null;
  irradiationKwhM2: string | null;
}

/** A problem of a request's readings: `row` for a CSV's, `index` into `readings` for JSON. */
export type ReadingProblem = Problem;

/** What a request body holds: the readings that could be read, and the rows that could not. */
export interface ReceivedReadings {
  readings: ReadingInput[];
  problems: ReadingProblem[];
}

const position = (p: ReadingProblem) => p.row ?? p.index ?? 0;

export const MAX_READINGS = 10_000;
/** Bounds that catch a unit mix-up (Wh for kWh) rather than physics. */
export const MAX_KWH = 1_000_000_000;
export const MAX_IRRADIATION_KWH_M2 = 100;

/** A reading covers at most a day; 25 hours lets a daily meter span a daylight-saving day. */
export const MAX_READING_HOURS = 25;
/** What every 422 of the readings says first: all or nothing. */
export const NO_READING_STORED = 'No reading was stored';

export function describeSource(source: ReadingSource): string {
  return 'row' in source ? `row ${source.row}` : `readings.${source.index}`;
}

export function problem(source: ReadingSource, message: string, column?: string): ReadingProblem {
  return column === undefined ? { ...source, message } : { ...source, column, message };
}

/**
 * 422 naming every problem (the first 100 listed), so a meter operator can fix a file in one
 * go; nothing of the request is stored.
 */
export function rejectReadings(problems: ReadingProblem[]): never {
  return refuseProblems(NO_READING_STORED, problems, { list: 'readings' });
}

/**
 * The rules a request's readings must keep, besides their shape: each ends after it starts,
 * covers at most 25 hours and has ended (give or take clock drift); no two of one system
 * start at once or overlap.
 */
export function checkReadings(readings: ReadingInput[], now: Date): ReadingProblem[] {
  const problems: ReadingProblem[] = [];
  const timed = readings.map((reading) => ({
    reading,
    start: new Date(reading.start).getTime(),
    end: new Date(reading.end).getTime(),
  }));
  for (const { reading, start, end } of timed) {
    if (end <= start) {
      problems.push(problem(reading.source, 'end must be after start'));
    } else if (end - start > MAX_READING_HOURS * 3_600_000) {
      problems.push(
        problem(reading.source, `a reading may cover at most ${MAX_READING_HOURS} hours`),
      );
    }
    if (isInFuture(end, now)) problems.push(problem(reading.source, 'end is in the future'));
  }
  const bySystem = new Map<string, typeof timed>();
  for (const t of timed) {
    const list = bySystem.get(t.reading.system);
    if (list) list.push(t);
    else bySystem.set(t.reading.system, [t]);
  }
  for (const [system, list] of bySystem) {
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    // The reading reaching furthest so far: any later start before its end overlaps it.
    let reach = list[0];
    list.forEach((current, i) => {
      if (i === 0) return;
      const previous = list[i - 1];
      if (current.start === previous.start) {
        const other = describeSource(previous.reading.source);
        problems.push(
          problem(
            current.reading.source,
            `${system} has another reading with this start (${other})`,
          ),
        );
      } else if (current.start < reach.end) {
        const other = describeSource(reach.reading.source);
        problems.push(problem(current.reading.source, `overlaps the reading of ${other}`));
      }
      if (current.end > reach.end) reach = current;
    });
  }
  return problems.sort((a, b) => position(a) - position(b));
}
