import { DICTIONARIES, LANGUAGES, languageOf, MessageKey, translator } from './i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('web dictionaries', () => {
  const keys = Object.keys(DICTIONARIES.en) as MessageKey[];

  it.each(LANGUAGES.filter((l) => l !== 'en'))(
    'translate every label into %s with the same placeholders',
    (language) => {
      const dictionary = DICTIONARIES[language];
      expect(Object.keys(dictionary).sort()).toEqual([...keys].sort());
      for (const key of keys) {
        expect(dictionary[key].trim()).not.toBe('');
        expect([key, placeholders(dictionary[key])]).toEqual([
          key,
          placeholders(DICTIONARIES.en[key]),
        ]);
      }
    },
  );

  it('has Uzbek as a language of its own, in the Latin script', () => {
    expect(LANGUAGES).toEqual(['en', 'ru', 'uz']);
    expect(languageOf('uz')).toBe('uz');
    expect(languageOf(undefined, 'uz-Latn-UZ,uz;q=0.9')).toBe('uz');
    expect(translator('uz')('lines.onHand', { count: 140 })).toBe('140 mavjud');
    // Latin letters only (no Cyrillic), apart from the app's symbols.
    for (const text of Object.values(DICTIONARIES.uz)) expect(text).not.toMatch(/[\u0400-\u04ff]/);
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
