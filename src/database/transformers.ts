import { ValueTransformer } from 'typeorm';

/**
 * `numeric` and `bigint` come back from pg as strings (they may not fit a JS number).
 * Quantities, grams and catalogue figures here stay far below 2^53, so they are safe as numbers.
 */
export const numericTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
