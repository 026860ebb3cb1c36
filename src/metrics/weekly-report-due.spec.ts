import { dueWeek, reportOverdue } from './weekly-report-due.js';

const TERMEZ = 'Asia/Tashkent'; // UTC+5, no daylight saving

describe('the weekly report due at Monday 08:00 hub time', () => {
  it('is the week just ended from Monday 08:00, the week before until then', () => {
    // Monday 2024-06-03 07:59 and 08:00 in Termez are 02:59 and 03:00 UTC.
    expect(dueWeek(new Date('2024-06-03T02:59:00Z'), TERMEZ)).toBe('2024-05-20');
    expect(dueWeek(new Date('2024-06-03T03:00:00Z'), TERMEZ)).toBe('2024-05-27');
    // Sunday evening, and the Wednesday after.
    expect(dueWeek(new Date('2024-06-02T18:00:00Z'), TERMEZ)).toBe('2024-05-20');
    expect(dueWeek(new Date('2024-06-05T12:00:00Z'), TERMEZ)).toBe('2024-05-27');
    // The same UTC instant is Monday 08:30 in Termez but still Sunday in New York.
    expect(dueWeek(new Date('2024-06-03T03:30:00Z'), 'America/New_York')).toBe('2024-05-20');
  });

  it('is overdue without that report, not with it or a later one, nor for a hub newer than the week', () => {
    const now = new Date('2024-06-03T03:00:00Z');
    const old = new Date('2024-01-01T00:00:00Z');
    const hub = (weekStart: string | null, hubCreatedAt = old) => ({
      timeZone: TERMEZ,
      hubCreatedAt,
      weekStart,
    });
    expect(reportOverdue(hub(null), now)).toBe(true);
    expect(reportOverdue(hub('2024-05-20'), now)).toBe(true);
    expect(reportOverdue(hub('2024-05-27'), now)).toBe(false);
    expect(reportOverdue(hub('2024-05-20'), new Date('2024-06-03T02:59:00Z'))).toBe(false);
    // Created on Saturday 1 June, before the week of 27 May ended: that week's report is due.
    expect(reportOverdue(hub(null, new Date('2024-06-01T10:00:00Z')), now)).toBe(true);
    // Created on Monday 3 June: nothing was due of it yet.
    expect(reportOverdue(hub(null, new Date('2024-06-03T01:00:00Z')), now)).toBe(false);
  });
});
