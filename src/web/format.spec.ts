import { formatter, localInputToIso, toLocalInput } from './format.js';

describe('web formatting', () => {
  it('reads a time typed in hub time and writes it back', () => {
    expect(localInputToIso('2024-05-31T14:30', 'Asia/Tashkent')).toBe(
      '2024-05-31T14:30:00.000+05:00',
    );
    expect(localInputToIso('2024-05-31 14:30', 'Asia/Tashkent')).toBeNull();
    expect(localInputToIso('2024-02-30T10:00', 'Asia/Tashkent')).toBeNull();
    expect(toLocalInput(new Date('2024-05-31T09:30:00Z'), 'Asia/Tashkent')).toBe(
      '2024-05-31T14:30',
    );
  });

  it('reads a time typed in a hub with daylight saving with the offset of that time', () => {
    const cph = (value: string) => localInputToIso(value, 'Europe/Copenhagen');
    // The night clocks go back (03:00 +02:00 -> 02:00 +01:00): before, repeated, after.
    expect(cph('2024-10-27T01:30')).toBe('2024-10-27T01:30:00.000+02:00');
    expect(cph('2024-10-27T02:30')).toBe('2024-10-27T02:30:00.000+02:00');
    expect(cph('2024-10-27T03:30')).toBe('2024-10-27T03:30:00.000+01:00');
    // The night they spring forward, 02:30 does not exist: it is read as 03:30.
    expect(cph('2024-03-31T01:30')).toBe('2024-03-31T01:30:00.000+01:00');
    expect(cph('2024-03-31T02:30')).toBe('2024-03-31T03:30:00.000+02:00');
    expect(cph('2024-03-31T03:30')).toBe('2024-03-31T03:30:00.000+02:00');
  });

  it('writes numbers, days and places as the reader’s language does', () => {
    const en = formatter('en', 'Asia/Tashkent');
    const ru = formatter('ru', 'Asia/Tashkent');
    expect(en.num(7247.4567)).toBe('7,247.457');
    expect(ru.num(7247.4567).replace(/\s/g, ' ')).toBe('7 247,457');
    expect(en.day('2024-05-31')).toBe('31 May 2024');
    expect(en.dayMonth('2024-05-31')).toBe('31/05');
    expect(ru.dayMonth('2024-05-31')).toBe('31.05');
    expect(ru.day('2024-05-31')).toMatch(/^31 мая 2024/);
    expect(ru.place({ name: 'Kyrgyz Republic', iso2: 'KG' })).toBe('Киргизия');
    expect(en.place({ name: 'Kyrgyz Republic', iso2: 'KG' })).toBe('Kyrgyz Republic');
    expect(en.time('2024-05-31T09:30:00Z')).toBe('31 May 2024, 14:30');
  });
});

describe('numbers and times in the three languages', () => {
  it('writes a time in the hub zone in the reader’s words, never as ISO', () => {
    const at = '2024-05-31T09:30:00Z';
    expect(formatter('en', 'Asia/Tashkent').time(at)).toBe('31 May 2024, 14:30');
    expect(formatter('ru', 'Asia/Tashkent').time(at).replace(/\s/g, ' ')).toBe(
      '31 мая 2024 г., 14:30',
    );
    expect(formatter('uz', 'Asia/Tashkent').time(at)).toMatch(/^31-may, 2024.*14:30$/);
    expect(formatter('uz', 'Asia/Tashkent').place({ name: 'Afghanistan', iso2: 'AF' })).toBe(
      'Afgʻoniston',
    );
  });
});
