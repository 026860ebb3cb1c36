import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsDecimal } from './numbers.js';

/** Letters, digits and . _ - (no spaces, so a code is safe in URLs and CSV). */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const CODE_MAX_LENGTH = 64;

/** A code or SKU: up to 64 letters, digits and . _ - (no spaces, so it is safe in URLs and CSV). */
export const IsCode = (what = 'code') =>
  applyDecorators(
    IsString(),
    MaxLength(CODE_MAX_LENGTH),
    Matches(CODE_PATTERN, {
      message: `$property must be a ${what} of letters, digits and . _ - (starting with a letter or digit)`,
    }),
  );

/** A name or reference: non-blank text of at most 200 characters. */
export const IsName = (maxLength = 200) =>
  applyDecorators(
    IsString(),
    MaxLength(maxLength),
    Matches(/\S/, { message: '$property must not be blank' }),
  );

/** A per-unit measure (kg, m3) stored with six decimals. */
export const IsUnitMeasure = () => applyDecorators(IsDecimal(6), Min(0.000001), Max(999999));
