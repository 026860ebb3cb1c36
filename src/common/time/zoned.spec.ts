import {
  addDays,
  endOfDay,
  isValidDay,
  localDay,
  localToInstant,
  startOfDay,
  toZonedIso,
} from './zoned.js';

const instant = (local: string, timeZone: string) => localToInstant(local, timeZone)?.toISOString();

describe('zoned days', () => {
  it('puts Tashkent days at UTC+5', () => {
    expect(startOfDay('2024-05-31', 'Asia/Tashkent').toISOString()).toBe(
      '2024-05-30T19:00:00.000Z',
    );
    expect(endOfDay('2024-05-31', 'Asia/Tashkent').toISOString()).toBe('2024-05-31T19:00:00.000Z');
    expect(localDay(new Date('2024-05-31T18:30:00Z'), 'Asia/Tashkent')).toBe('2024-05-31');
    expect(localDay(new Date('2024-05-31T19:30:00Z'), 'Asia/Tashkent')).toBe('2024-06-01');
    expect(toZonedIso(new Date('2024-05-31T18:30:00Z'), 'Asia/Tashkent')).toBe(
      '2024-05-31T23:30:00.000+05:00',
    );
  });

  it('gives the day of each instant and zone when asked in turn (the last day is remembered)', () => {
    const beforeMidnight = new Date('2024-05-31T18:59:59.999Z');
    expect(localDay(beforeMidnight, 'Asia/Tashkent')).toBe('2024-05-31');
    expect(localDay(new Date('2024-05-31T18:59:59.000Z'), 'Asia/Tashkent')).toBe('2024-05-31');
    expect(localDay(beforeMidnight, 'UTC')).toBe('2024-05-31');
    expect(localDay(new Date('2024-05-31T19:00:00.000Z'), 'Asia/Tashkent')).toBe('2024-06-01');
    expect(localDay(new Date('2024-05-31T19:00:00.999Z'), 'UTC')).toBe('2024-05-31');
    expect(localDay(new Date('2024-05-31T19:00:00.999Z'), 'Asia/Tashkent')).toBe('2024-06-01');
    expect(localDay(beforeMidnight, 'Asia/Tashkent')).toBe('2024-05-31');
    expect(() => localDay(new Date(Number.NaN), 'Asia/Tashkent')).toThrow(RangeError);
  });

  it('follows daylight saving where a zone has it', () => {
    // Europe/Chisinau: UTC+3 in summer, +2 in winter; 31 March 2024 was 23 hours long.
    expect(startOfDay('2024-03-31', 'Europe/Chisinau').toISOString()).toBe(
      '2024-03-30T22:00:00.000Z',
    );
    expect(endOfDay('2024-03-31', 'Europe/Chisinau').toISOString()).toBe(
      '2024-03-31T21:00:00.000Z',
    );
  });

  it('checks calendar days', () => {
    expect(isValidDay('2024-02-29')).toBe(true);
    expect(isValidDay('2023-02-29')).toBe(false);
    expect(isValidDay('2024-13-01')).toBe(false);
    expect(isValidDay('2024-1-1')).toBe(false);
    expect(isValidDay('2000-02-29')).toBe(true);
    expect(isValidDay('1900-02-29')).toBe(false);
    expect(isValidDay('2024-04-31')).toBe(false);
    expect(isValidDay('2024-00-10')).toBe(false);
    expect(isValidDay('0099-01-01')).toBe(false);
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  });
});

describe('localToInstant', () => {
  const CPH = 'Europe/Copenhagen';

  it('reads a local time in Copenhagen on either side of the spring-forward switch', () => {
    // 31 March 2024: clocks jump from 02:00 (+01:00) to 03:00 (+02:00), at 01:00 UTC.
    expect(instant('2024-03-31T01:59:59', CPH)).toBe('2024-03-31T00:59:59.000Z');
    expect(instant('2024-03-31T03:00', CPH)).toBe('2024-03-31T01:00:00.000Z');
    expect(instant('2024-03-31T12:00', CPH)).toBe('2024-03-31T10:00:00.000Z');
    expect(instant('2024-03-31T00:00', CPH)).toBe(startOfDay('2024-03-31', CPH).toISOString());
    expect(endOfDay('2024-03-31', CPH).getTime() - startOfDay('2024-03-31', CPH).getTime()).toBe(
      23 * 3_600_000,
    );
  });

  it('moves a time in the spring-forward gap forward by the gap, as Temporal does', () => {
    // 02:30 never happened that night: it is read as 03:30 summer time.
    expect(instant('2024-03-31T02:30', CPH)).toBe('2024-03-31T01:30:00.000Z');
    expect(toZonedIso(localToInstant('2024-03-31T02:30', CPH)!, CPH)).toBe(
      '2024-03-31T03:30:00.000+02:00',
    );
    expect(instant('2024-03-31T02:00', CPH)).toBe('2024-03-31T01:00:00.000Z');
  });

  it('takes the earlier offset for a time the fall-back repeats', () => {
    // 27 October 2024: clocks go back from 03:00 (+02:00) to 02:00 (+01:00), at 01:00 UTC.
    expect(instant('2024-10-27T02:30', CPH)).toBe('2024-10-27T00:30:00.000Z');
    expect(toZonedIso(localToInstant('2024-10-27T02:30', CPH)!, CPH)).toBe(
      '2024-10-27T02:30:00.000+02:00',
    );
    expect(instant('2024-10-27T01:59', CPH)).toBe('2024-10-26T23:59:00.000Z');
    expect(instant('2024-10-27T03:00', CPH)).toBe('2024-10-27T02:00:00.000Z');
    expect(instant('2024-10-27T23:00', CPH)).toBe('2024-10-27T22:00:00.000Z');
    expect(endOfDay('2024-10-27', CPH).getTime() - startOfDay('2024-10-27', CPH).getTime()).toBe(
      25 * 3_600_000,
    );
  });

  it('reads normal days in Copenhagen with their own offset', () => {
    expect(instant('2024-01-15T08:00', CPH)).toBe('2024-01-15T07:00:00.000Z');
    expect(instant('2024-07-15T08:00:30.250', CPH)).toBe('2024-07-15T06:00:30.250Z');
    // The same day asked again (from the cache) gives the same answer.
    expect(instant('2024-10-27T02:30', CPH)).toBe('2024-10-27T00:30:00.000Z');
  });

  it('puts Tashkent times at UTC+5 all year', () => {
    expect(instant('2024-05-31T14:30', 'Asia/Tashkent')).toBe('2024-05-31T09:30:00.000Z');
    expect(instant('2024-01-01T00:00', 'Asia/Tashkent')).toBe('2023-12-31T19:00:00.000Z');
    expect(instant('2024-03-31T02:30', 'Asia/Tashkent')).toBe('2024-03-30T21:30:00.000Z');
    expect(instant('2024-10-27T02:30', 'Asia/Tashkent')).toBe('2024-10-26T21:30:00.000Z');
  });

  it('refuses what is not a local date and time', () => {
    expect(localToInstant('2024-02-30T10:00', 'Asia/Tashkent')).toBeNull();
    expect(localToInstant('2024-05-31T24:00', 'Asia/Tashkent')).toBeNull();
    expect(localToInstant('2024-05-31 14:30', 'Asia/Tashkent')).toBeNull();
    expect(localToInstant('2024-05-31T14:30+05:00', 'Asia/Tashkent')).toBeNull();
    expect(localToInstant('2024-05-31', 'Asia/Tashkent')).toBeNull();
  });
});

describe('weeks', () => {
  it('start on Monday, in the hub time zone', async () => {
    const { isMonday, mondayOf, lastFullWeek } = await import('./zoned.js');
    expect(isMonday('2024-05-27')).toBe(true);
    expect(isMonday('2024-05-28')).toBe(false);
    expect(mondayOf('2024-06-02')).toBe('2024-05-27');
    expect(mondayOf('2024-06-03')).toBe('2024-06-03');
    // Monday 3 June 2024, 06:00 in Tashkent: the week that ended is 27 May - 2 June.
    expect(lastFullWeek(new Date('2024-06-03T01:00:00Z'), 'Asia/Tashkent')).toBe('2024-05-27');
    // Sunday 2 June 23:30 in Tashkent: that week has not ended yet.
    expect(lastFullWeek(new Date('2024-06-02T18:30:00Z'), 'Asia/Tashkent')).toBe('2024-05-20');
  });
});
