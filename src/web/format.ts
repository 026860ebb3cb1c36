import { localToInstant, toZonedIso } from '../common/time/zoned.js';
import { Language } from './i18n.js';

/** The Intl locale of each interface language (Uzbek in its Latin script, as the app writes it). */
export const LOCALES: Record<Language, string> = { en: 'en-GB', ru: 'ru-RU', uz: 'uz-Latn-UZ' };

/** Numbers, days and times as the reader's language writes them; times in the hub's zone. */
export function formatter(language: Language, timeZone: string) {
  const locale = LOCALES[language];
  const numbers = new Map<number, Intl.NumberFormat>();
  const number = (digits: number) => {
    let f = numbers.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
      numbers.set(digits, f);
    }
    return f;
  };
  const day = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const dayMonth = new Intl.DateTimeFormat(locale, {
    day: '2-digit',
    month: '2-digit',
    timeZone: 'UTC',
  });
  const regions = new Intl.DisplayNames([locale], { type: 'region' });
  const moment = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  });
  return {
    /** Up to `digits` decimals, grouped thousands. */
    num: (value: number | null | undefined, digits = 3) =>
      value === null || value === undefined ? '' : number(digits).format(value),
    /** A ratio (0.25) as a percentage (25 %). */
    percent: (ratio: number) => `${number(1).format(ratio * 100)} %`,
    /** "2024-05-31" as "31 May 2024" / "31 мая 2024 г.". */
    day: (isoDay: string) => day.format(new Date(`${isoDay}T00:00:00Z`)),
    /** "2024-05-31" as "31/05" / "31.05", short enough to sit under a chart's bar. */
    dayMonth: (isoDay: string) => dayMonth.format(new Date(`${isoDay}T00:00:00Z`)),
    /**
     * An instant in the hub's time zone as the reader's language writes it: "31 May 2024, 14:30",
     * "31 мая 2024 г., 14:30", "31-may, 2024, 14:30".
     */
    time: (iso: string | Date | null | undefined) => (iso ? moment.format(new Date(iso)) : ''),
    /** A destination's name in the reader's language when it is a country. */
    place: (destination: { name: string; iso2?: string | null }) => {
      if (language === 'en' || !destination.iso2) return destination.name;
      try {
        return regions.of(destination.iso2) ?? destination.name;
      } catch {
        return destination.name;
      }
    },
  };
}

export type Formatter = ReturnType<typeof formatter>;

/** "2024-05-31T14:30" typed in the hub's zone -> ISO 8601 with the hub's offset. */
export function localInputToIso(value: string, timeZone: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const instant = localToInstant(value, timeZone);
  return instant && toZonedIso(instant, timeZone);
}

/** An instant as a datetime-local input value in the hub's zone. */
export function toLocalInput(instant: Date, timeZone: string): string {
  return toZonedIso(instant, timeZone).slice(0, 16);
}
