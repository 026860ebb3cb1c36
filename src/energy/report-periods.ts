import { addDays } from '../common/time/zoned.js';

export enum EnergyInterval {
  Day = 'day',
  Week = 'week',
  Month = 'month',
}

/** A calendar period of hub days, first and last day inclusive (YYYY-MM-DD). */
export interface Period {
  start: string;
  end: string;
}

function parts(day: string): [number, number, number] {
  const [y, m, d] = day.split('-').map(Number);
  return [y, m, d];
}

function format(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Days from `a` to `b` (negative when `b` comes first). */
export function daysBetween(a: string, b: string): number {
  const [ay, am, ad] = parts(a);
  const [by, bm, bd] = parts(b);
  return (Date.UTC(by, bm - 1, bd) - Date.UTC(ay, am - 1, ad)) / 86_400_000;
}

/** The first day of the period that holds `day`: itself, its Monday, or the 1st of its month. */
export function periodStartOf(day: string, interval: EnergyInterval): string {
  const [y, m, d] = parts(day);
  switch (interval) {
    case EnergyInterval.Day:
      return day;
    case EnergyInterval.Week: {
      const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 is Sunday
      return addDays(day, -((weekday + 6) % 7));
    }
    case EnergyInterval.Month:
      return format(new Date(Date.UTC(y, m - 1, 1)));
  }
}

/** The last day of the period that starts on `start`. */
export function periodEndOf(start: string, interval: EnergyInterval): string {
  const [y, m] = parts(start);
  switch (interval) {
    case EnergyInterval.Day:
      return start;
    case EnergyInterval.Week:
      return addDays(start, 6);
    case EnergyInterval.Month:
      return format(new Date(Date.UTC(y, m, 0)));
  }
}

/** Every whole period that holds a day from `from` to `to`, in order. */
export function periodsCovering(from: string, to: string, interval: EnergyInterval): Period[] {
  const periods: Period[] = [];
  for (let start = periodStartOf(from, interval); start <= to;) {
    const end = periodEndOf(start, interval);
    periods.push({ start, end });
    start = addDays(end, 1);
  }
  return periods;
}

/** How far back a report reaches when `from` is not given: 30 days, 12 weeks or 12 months. */
export function defaultFrom(to: string, interval: EnergyInterval): string {
  switch (interval) {
    case EnergyInterval.Day:
      return addDays(to, -29);
    case EnergyInterval.Week:
      return addDays(periodStartOf(to, interval), -7 * 11);
    case EnergyInterval.Month: {
      const [y, m] = parts(to);
      return format(new Date(Date.UTC(y, m - 1 - 11, 1)));
    }
  }
}
