import { toMicro } from '../common/decimal.js';

/**
 * How a year's expected yield spreads over the months at Termez: the shape of its monthly
 * irradiation (SPEC "Solar energy", an estimate), January first; the shares sum to 1. A system
 * with no profile of its own uses this one.
 */
export const DEFAULT_MONTHLY_PROFILE = [
  '0.040', // Jan
  '0.051',
  '0.071',
  '0.091',
  '0.116',
  '0.128',
  '0.131', // Jul
  '0.119',
  '0.097',
  '0.071',
  '0.048', // Nov
  '0.037',
] as const;

/** The days a period counts in one calendar month. */
export interface MonthDays {
  /** 1 to 12. */
  month: number;
  /** Days of the period in it. */
  days: number;
  /** Days that month has (28 to 31). */
  daysInMonth: number;
}

/** The counted days from `first` to `last` (YYYY-MM-DD, inclusive), per calendar month. */
export function monthDays(first: string, last: string): MonthDays[] {
  const result: MonthDays[] = [];
  const [fy, fm, fd] = first.split('-').map(Number);
  const [ly, lm, ld] = last.split('-').map(Number);
  for (let y = fy, m = fm; y < ly || (y === ly && m <= lm); m === 12 ? (y++, (m = 1)) : m++) {
    const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const from = y === fy && m === fm ? fd : 1;
    const to = y === ly && m === lm ? ld : daysInMonth;
    if (to >= from) result.push({ month: m, days: to - from + 1, daysInMonth });
  }
  return result;
}

/** A monthly profile in millionths; null: the default one. */
export function profileMicro(profile: readonly string[] | null): bigint[] {
  return (profile ?? DEFAULT_MONTHLY_PROFILE).map((share) => toMicro(share));
}

/** Whether 12 shares sum to 1, give or take 0.001 (shares rounded to 3 decimals). */
export function profileSumsToOne(profile: readonly number[]): boolean {
  const sum = profile.reduce((total, share) => total + toMicro(share), 0n);
  const diff = sum - 1_000_000n;
  return diff <= 1000n && diff >= -1000n;
}
