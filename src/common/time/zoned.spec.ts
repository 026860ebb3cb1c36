import { addDays, endOfDay, isValidDay, localDay, startOfDay, toZonedIso } from './zoned.js';

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
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
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
