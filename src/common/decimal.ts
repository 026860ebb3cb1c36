/**
 * Exact decimal arithmetic for weights and volumes, in millionths (the catalogue's 6 decimals)
 * held as bigint: no float ever drifts a sum, and rounding to 3 decimals is exactly half-up.
 */
const SCALE = 6;
const ONE = 10n ** BigInt(SCALE);

/** "1.5" or 1.5 -> 1_500_000n. More than 6 decimals is an error upstream (validated). */
export function toMicro(value: string | number): bigint {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a decimal: ${value}`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > SCALE && /[1-9]/.test(fraction.slice(SCALE))) {
    throw new Error(`more than ${SCALE} decimals: ${value}`);
  }
  const micro = BigInt(whole) * ONE + BigInt(fraction.slice(0, SCALE).padEnd(SCALE, '0'));
  return sign ? -micro : micro;
}

/** 1_500_000n -> "1.500000", for a numeric column. */
export function microToString(micro: bigint): string {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const text = `${abs / ONE}.${(abs % ONE).toString().padStart(SCALE, '0')}`;
  return negative ? `-${text}` : text;
}

/** Rounds half away from zero to `places` decimals and returns a JSON number. */
export function roundMicro(micro: bigint, places = 3): number {
  const step = 10n ** BigInt(SCALE - places);
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const rounded = ((abs + step / 2n) / step) * step;
  return Number(microToString(negative ? -rounded : rounded));
}

/** A numeric column's value (string) rounded to `places` decimals. */
export function roundDecimal(value: string | number, places = 3): number {
  return roundMicro(toMicro(value), places);
}

/** a / b rounded to `places` decimals, both in millionths. */
export function ratio(numerator: bigint, denominator: bigint, places = 3): number {
  if (denominator === 0n) return 0;
  return roundMicro((numerator * ONE) / denominator, places);
}

function numberToPlain(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return value
    .toFixed(SCALE + 2)
    .replace(/0+$/, '')
    .replace(/\.$/, '');
}
