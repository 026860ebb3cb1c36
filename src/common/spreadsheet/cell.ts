import type { Cast } from 'csv-stringify';

/**
 * What makes a spreadsheet read a cell as a formula (OWASP, CSV injection): a leading `=`, `+`,
 * `-` or `@`, or a tab or carriage return, which some spreadsheets skip before looking.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell as every CSV and XLSX of the app writes it. Text a spreadsheet would run as a formula
 * (a driver "named" `=HYPERLINK(...)`) gets a leading single quote, so that it is shown as text.
 * Numbers stay numbers: a negative number is not a formula.
 */
export function spreadsheetCell<T>(value: T): T | string {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * csv-stringify's `cast.string` for every CSV of the app: text through spreadsheetCell, and a
 * neutralised cell quoted as well, as OWASP asks.
 */
export const csvCell: Cast<string> = (value) => {
  const cell = spreadsheetCell(value);
  return cell === value ? value : { value: cell, quoted: true };
};
