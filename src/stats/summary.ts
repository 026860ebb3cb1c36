/** The sentence a situation report prints, from the cumulative figures. */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Country names English writes with "the". */
const NEEDS_ARTICLE =
  /\b(Republic|Kingdom|Federation|Emirates|States|Islands|Netherlands|Philippines|Bahamas|Gambia|Maldives|Comoros|Seychelles|Union|Territories)\b/;

export interface SummaryInput {
  /** YYYY-MM-DD */
  asOf: string;
  hubShortName: string;
  trucks: number;
  tonnageKg: number;
  /**
   * The tonnes the figures beside the sentence show (3 decimals): when given, the sentence's
   * whole tons are these rounded, so the dashboard's tonnes card and the sentence never differ.
   */
  tonnes?: number;
  /** Kits dispatched; the sentence ends "enough for N households" when there are any. */
  households?: number;
  /** Largest first. */
  destinations: { name: string; tonnageKg: number }[];
  /** Largest first. */
  items: { plural: string; tonnageKg: number }[];
}

export function longDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

export function withArticle(name: string): string {
  if (/^the\s/i.test(name)) return name;
  return NEEDS_ARTICLE.test(name) ? `the ${name}` : name;
}

/** "a", "a and b", "a, b and c" */
export function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

const thousands = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** "Blanket, high thermal, 150x200 cm" -> "blankets"; "Refugee Housing Unit (...)" -> "refugee housing units". */
export function pluralOf(name: string): string {
  const base = name.split(/[,(]/)[0].trim().toLowerCase();
  const words = base.split(/\s+/);
  const last = words.pop() ?? '';
  let plural: string;
  if (/(s|x|z|ch|sh)$/.test(last)) plural = `${last}es`;
  else if (/[^aeiou]y$/.test(last)) plural = `${last.slice(0, -1)}ies`;
  else plural = `${last}s`;
  return [...words, plural].join(' ');
}

export function summarySentence(input: SummaryInput): string {
  const date = longDate(input.asOf);
  const hub = `the ${input.hubShortName} hub`;
  if (input.trucks === 0) return `As of ${date}, no trucks have been dispatched from ${hub}.`;
  const trucks =
    input.trucks === 1
      ? '1 truck has been dispatched'
      : `${thousands(input.trucks)} trucks have been dispatched`;
  const tons = Math.round(input.tonnes ?? input.tonnageKg / 1000);
  const tonnes = `${thousands(tons)} metric ton${tons === 1 ? '' : 's'}`;
  const destinations = joinAnd(
    input.destinations
      .filter((d) => d.tonnageKg > 0 || input.tonnageKg === 0)
      .map((d) => withArticle(d.name)),
  );
  const kinds = joinAnd(
    [...new Set(input.items.filter((i) => i.tonnageKg > 0).map((i) => i.plural))].slice(0, 8),
  );
  const to = destinations ? ` to ${destinations}` : '';
  const including = kinds ? `, including ${kinds}` : '';
  const households = input.households ?? 0;
  const enough =
    households > 0
      ? `, enough for ${thousands(households)} household${households === 1 ? '' : 's'}`
      : '';
  return `As of ${date}, ${trucks} from ${hub}${to}, transporting ${tonnes} of relief items${including}${enough}.`;
}
