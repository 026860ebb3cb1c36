import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Whether a finite number has at most `places` decimals, however JSON wrote it: 1e-7 has 7 and
 * 1.5e-7 has 8. (class-validator's `maxDecimalPlaces` counts the digits after a "." in the
 * number's text, so it throws on 1e-7 and takes 1.5e-7 for 4 decimals.)
 */
export function hasAtMostDecimals(value: number, places: number): boolean {
  // A number prints with the fewest digits that read back as it, so it has more than `places`
  // decimals exactly when rounding it to `places` gives another number.
  return Number.isFinite(value) && Number(value.toFixed(places)) === value;
}

/**
 * A JSON number (never text, NaN or an infinity) with at most `places` decimals: the one
 * decimal rule of the API, for weights, volumes, energy and capacity. Bounds go beside it
 * (`Min`, `Max`).
 */
export const IsDecimal = (places: number, options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isDecimal',
      constraints: [places],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && hasAtMostDecimals(value, places),
        defaultMessage: () => `$property must be a number with at most ${places} decimals`,
      },
    },
    options,
  );
