import { addDays, localDay, localToInstant, mondayOf, startOfDay } from '../common/time/zoned.js';

/**
 * Weekly reports are built on Monday at 06:00 hub time (WEEKLY_REPORT_CRON); by 08:00 the report
 * of the week that just ended is overdue (the alert in docs/prometheus/alerts.yml).
 */
export const REPORT_DUE_LOCAL_TIME = '08:00';

/** The Monday of the newest week whose report should exist at `now` in the hub's zone. */
export function dueWeek(now: Date, timeZone: string): string {
  const monday = mondayOf(localDay(now, timeZone));
  const dueAt = localToInstant(`${monday}T${REPORT_DUE_LOCAL_TIME}`, timeZone)!;
  return addDays(monday, now >= dueAt ? -7 : -14);
}

/**
 * Whether the hub misses the report it is due: none of the due week or later. A hub created
 * after that week ended was never due one for it (the scheduler builds only the week just ended).
 */
export function reportOverdue(
  hub: { timeZone: string; hubCreatedAt: Date; weekStart: string | null },
  now: Date,
): boolean {
  const week = dueWeek(now, hub.timeZone);
  if (new Date(hub.hubCreatedAt) >= startOfDay(addDays(week, 7), hub.timeZone)) return false;
  return hub.weekStart === null || hub.weekStart < week;
}
