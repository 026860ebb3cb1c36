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

export function isValidDay(day: string): boolean {
  const m = DAY.exec(day);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === day;
}

/** The local calendar day of an instant: "2024-05-31". */
export function localDay(instant: Date, timeZone: string): string {
  const p = parts(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * Local midnights already worked out: each costs two Intl formatToParts calls, and an import of
 * 100,000 rows in hub time asks for the same few thousand days again and again (a quarter of its
 * CPU time before this). A zone's rules do not change while the process runs.
 */
const midnights = new Map<string, number>();
const MAX_MIDNIGHTS = 20_000;

/** The instant local midnight starts that day. */
export function startOfDay(day: string, timeZone: string): Date {
  const key = `${timeZone} ${day}`;
  let midnight = midnights.get(key);
  if (midnight === undefined) {
    const [y, m, d] = day.split('-').map(Number);
    const guess = Date.UTC(y, m - 1, d);
    const first = guess - offsetMs(new Date(guess), timeZone);
    midnight = guess - offsetMs(new Date(first), timeZone);
    if (midnights.size >= MAX_MIDNIGHTS) midnights.clear();
    midnights.set(key, midnight);
  }
  return new Date(midnight);
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
