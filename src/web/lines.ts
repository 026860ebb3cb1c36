import { FieldErrors, fields, FormBody, wholeNumber } from './forms.js';

/** Rows of a form's item lines as typed (repeated `sku` and `quantity` fields). */
export interface LineValues {
  sku: string;
  quantity: string;
}

/** Rows a lines form shows at least; the page's script adds more. */
export const MIN_ROWS = 5;

export function readLines(body: FormBody): LineValues[] {
  const skus = fields(body, 'sku');
  const quantities = fields(body, 'quantity');
  const rows = Math.max(skus.length, quantities.length);
  return Array.from({ length: rows }, (_, i) => ({
    sku: skus[i] ?? '',
    quantity: quantities[i] ?? '',
  }));
}

/** A picker's value for a kit rather than an item (the dispatch form offers both). */
export const KIT_PREFIX = 'kit:';

/**
 * The filled rows as DTO lines (a row whose picker names `kit:CODE` a kit line), and for each
 * the form row it came from.
 */
export function toDtoLines(lines: LineValues[]) {
  const rowOf: number[] = [];
  const plain: (({ sku: string } | { kit: string }) & { quantity: number | string })[] = [];
  lines.forEach((line, row) => {
    if (!line.sku && !line.quantity) return;
    rowOf.push(row);
    const quantity = wholeNumber(line.quantity) ?? '';
    plain.push(
      line.sku.startsWith(KIT_PREFIX)
        ? { kit: line.sku.slice(KIT_PREFIX.length), quantity }
        : { sku: line.sku, quantity },
    );
  });
  return { plain, rowOf };
}

/** Errors of "lines.<n>.<field>" for the DTO's n-th filled line -> the form's row numbers. */
export function rowErrors(errors: FieldErrors, rowOf: number[]): FieldErrors {
  const out: FieldErrors = {};
  for (const [path, messages] of Object.entries(errors)) {
    const m = /^lines\.(\d+)(\..*)?$/.exec(path);
    // a kit line's code is typed in the same picker as an item's SKU
    const member = m?.[2] === '.kit' ? '.sku' : (m?.[2] ?? '');
    out[m ? `lines.${rowOf[Number(m[1])]}${member}` : path] = messages;
  }
  return out;
}
