import { addDays } from '../common/time/zoned.js';

/** Inclusive days, YYYY-MM-DD. */
export type DayRange = [from: string, to: string];

/**
 * A window of days split for the rollups: the whole calendar months inside it, read from the
 * monthly rollups (`months`: first days, from inclusive (null: since the first truck) to
 * exclusive), and the days before and after them, read from the daily rollups.
 */
export interface RollupWindow {
  months: { from: string | null; until: string } | null;
  days: DayRange[];
}

const firstOfMonth = (day: string) => `${day.slice(0, 7)}-01`;
const nextMonth = (day: string) => {
  const [y, m] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
};

/** `from` (null: from the start) to `asOf`, both inclusive days. */
export function rollupWindow(from: string | null, asOf: string): RollupWindow {
  // first day of the first whole month, and the first day after the last whole month
  const start = from === null ? null : from === firstOfMonth(from) ? from : nextMonth(from);
  const until = firstOfMonth(addDays(asOf, 1));
  if (start !== null && start >= until) return { months: null, days: [[from!, asOf]] };
  const days: DayRange[] = [];
  if (from !== null && from < start!) days.push([from, addDays(start!, -1)]);
  if (until <= asOf) days.push([until, asOf]);
  return { months: { from: start, until }, days };
}
