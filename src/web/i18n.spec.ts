import { DICTIONARIES, languageOf, MessageKey, translator } from './i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('web dictionaries', () => {
  const keys = Object.keys(DICTIONARIES.en) as MessageKey[];

  it('translate every label into Russian with the same placeholders', () => {
    expect(Object.keys(DICTIONARIES.ru).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(DICTIONARIES.ru[key].trim()).not.toBe('');
      expect([key, placeholders(DICTIONARIES.ru[key])]).toEqual([
        key,
        placeholders(DICTIONARIES.en[key]),
      ]);
    }
  });

  it('fills placeholders and picks a language', () => {
    expect(translator('ru')('lines.onHand', { count: 5 })).toBe('в наличии 5');
    expect(translator('en')('dispatch.title', { waybill: 'TMZ-2024-000001' })).toBe(
      'Dispatch TMZ-2024-000001',
    );
    expect(languageOf('ru')).toBe('ru');
    expect(languageOf(undefined, 'ru-RU,ru;q=0.9,en;q=0.8')).toBe('ru');
    expect(languageOf('xx', 'de-DE,en;q=0.5')).toBe('en');
    expect(languageOf(null, undefined)).toBe('en');
  });
});
