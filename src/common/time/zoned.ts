/** Calendar days in a hub's time zone, and the instants they start at. */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(instant: Date, timeZone: string): Record<string, number> {
  return Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .filter((p) => p.type !== 'literal')
      .map((p) => [p.type, Number(p.value)]),
  );
}

/** Milliseconds the zone is ahead of UTC at that instant. */
function offsetMs(instant: Date, timeZone: string): number {
  const p = parts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar day as YYYY-MM-DD, from the year 100 on (Date reads 0-99 as 1900-1999). */
export function isValidDay(day: string): boolean {
  const m = DAY.exec(day);
  if (!m) return false;
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 100 || month < 1 || month > 12 || date < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return date <= DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0);
}

/**
 * The last day localDay() found in each zone, with the second of UTC it was found for. Every
 * zone's offset is a whole number of seconds and changes on a whole second, so two instants in
 * the same second are on the same local day. Every dispatch asks for its day (its waybill's
 * year), and formatToParts took about 0.1 ms of CPU a dispatch under load (npm run bench --
 * --cpu-prof, scenario 1); under load, most dispatches come in the same second as the last.
 */
const lastDays = new Map<string, { second: number; day: string }>();

/** The local calendar day of an instant: "2024-05-31". */
export function localDay(instant: Date, timeZone: string): string {
  const second = Math.floor(instant.getTime() / 1000);
  const last = lastDays.get(timeZone);
  if (last?.second === second) return last.day;
  const p = parts(instant, timeZone);
  const day = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  lastDays.set(timeZone, { second, day });
  return day;
}

export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * How a zone maps the wall-clock times of one local day to instants: `wallMs` is the day's
 * midnight read as if it were UTC, `before` the zone's offset as the day starts, `after` its
 * offset as it ends, and `switchAt` the instant the offset changes (when they differ).
 */
interface DayOffsets {
  wallMs: number;
  before: number;
  after: number;
  switchAt: number;
}

/**
 * Days already worked out: each costs two Intl formatToParts calls (a few dozen more on the
 * day of a switch), and an import of 100,000 rows in hub time asks for the same few thousand
 * days again and again (a quarter of its CPU time before this). A zone's rules do not change
 * while the process runs.
 */
const days = new Map<string, Map<string, DayOffsets>>();
/** Per zone: 55 years of days. */
const MAX_DAYS = 20_000;
/** Every wall-clock time of a day lies within these of its midnight read as UTC (UTC-12 to +14). */
const EARLIEST_OFFSET_MS = 14 * 3_600_000;
const LATEST_OFFSET_MS = (24 + 12) * 3_600_000;

function dayOffsets(day: string, timeZone: string): DayOffsets {
  let zone = days.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    days.set(timeZone, zone);
  }
  let known = zone.get(day);
  if (known === undefined) {
    const [y, m, d] = day.split('-').map(Number);
    const wallMs = Date.UTC(y, m - 1, d);
    // Offsets on either side of every instant the day's wall-clock times can name. Zones
    // switch at most once in those 50 hours, so differing offsets mean one switch in between.
    let low = wallMs - EARLIEST_OFFSET_MS;
    let high = wallMs + LATEST_OFFSET_MS;
    const before = offsetMs(new Date(low), timeZone);
    const after = offsetMs(new Date(high), timeZone);
    if (before !== after) {
      // The first second on the new offset (zones switch on whole seconds).
      low = Math.floor(low / 1000);
      high = Math.floor(high / 1000);
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (offsetMs(new Date(middle * 1000), timeZone) === before) low = middle;
        else high = middle;
      }
    }
    known = { wallMs, before, after, switchAt: before === after ? wallMs : high * 1000 };
    if (zone.size >= MAX_DAYS) zone.clear();
    zone.set(day, known);
  }
  return known;
}

/**
 * The instant a wall-clock time of that day names in the zone, `ms` milliseconds after its
 * midnight (as a clock on the wall would count them, so 02:30 is 9,000,000 on any day).
 * Resolved as Temporal's 'compatible' disambiguation does: a time the spring-forward gap
 * skips moves forward by the gap (02:30 on the day clocks jump from 02:00 to 03:00 is 03:30,
 * the instant read with the offset before the switch); a time the fall-back repeats is the
 * earlier of the two (02:30 on the day clocks go back from 03:00 to 02:00 is the first 02:30,
 * still on summer time).
 */
function wallClockToInstant(day: string, ms: number, timeZone: string): number {
  const { wallMs, before, after, switchAt } = dayOffsets(day, timeZone);
  const onBefore = wallMs + ms - before;
  const onAfter = wallMs + ms - after;
  // On the earlier offset while that still names an instant before the switch; in a gap
  // neither reading is valid and the earlier offset's reading is the one after the gap.
  return onBefore < switchAt || onAfter < switchAt ? onBefore : onAfter;
}

/** The instant local midnight starts that day (the end of the gap where clocks skip midnight). */
export function startOfDay(day: string, timeZone: string): Date {
  return new Date(wallClockToInstant(day, 0, timeZone));
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?$/;

/**
 * The instant a local date-time without offset ("2024-05-31T14:30", seconds and a fraction
 * optional) names in the zone, or null when it is not a real day and time of day. Daylight
 * saving is resolved as Temporal's 'compatible' does: a time skipped when clocks spring
 * forward moves forward by the gap (Copenhagen's 2024-03-31T02:30 is 03:30+02:00); a time
 * repeated when they fall back takes the earlier offset (Copenhagen's 2024-10-27T02:30 is
 * 02:30+02:00, not the hour later at +01:00). Milliseconds are kept; finer digits are rounded.
 */
export function localToInstant(localDateTime: string, timeZone: string): Date | null {
  const m = LOCAL_DATE_TIME.exec(localDateTime);
  if (!m || !isValidDay(m[1])) return null;
  const [, day, hh, mm, ss = '00', fraction = ''] = m;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
  const ms =
    ((Number(hh) * 60 + Number(mm)) * 60 + Number(ss)) * 1000 +
    Math.round(Number(fraction || '0') * 1000);
  return new Date(wallClockToInstant(day, ms, timeZone));
}

/** The instant the day after begins: "as of" a day includes everything before it. */
export function endOfDay(day: string, timeZone: string): Date {
  return startOfDay(addDays(day, 1), timeZone);
}

/** ISO 8601 with the zone's offset at that instant: "2024-05-31T23:30:00.000+05:00". */
export function toZonedIso(instant: Date, timeZone: string): string {
  const offset = offsetMs(instant, timeZone);
  const local = new Date(instant.getTime() + offset).toISOString().slice(0, 23);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / 60000;
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** 0 = Monday ... 6 = Sunday */
function weekday(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

export function isMonday(day: string): boolean {
  return isValidDay(day) && weekday(day) === 0;
}

/** The Monday of the week a day falls in. */
export function mondayOf(day: string): string {
  return addDays(day, -weekday(day));
}

/** The Monday of the last week that has ended at this instant, in the zone's days. */
export function lastFullWeek(now: Date, timeZone: string): string {
  return addDays(mondayOf(localDay(now, timeZone)), -7);
}
