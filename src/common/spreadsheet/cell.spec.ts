import { stringify } from 'csv-stringify/sync';
import { csvCell, spreadsheetCell } from './cell.js';

describe('spreadsheetCell', () => {
  it.each(['=1+2', '+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '=HYPERLINK("http://x","y")'])(
    'writes %j as text, behind a single quote',
    (text) => expect(spreadsheetCell(text)).toBe(`'${text}`),
  );

  it('leaves other text, numbers (negative ones too) and empty cells as they are', () => {
    for (const value of ['Rustam', '01 A 123 BC', 'a=b', ' =1', '', "'quoted"]) {
      expect(spreadsheetCell(value)).toBe(value);
    }
    expect(spreadsheetCell(-12.5)).toBe(-12.5);
    expect(spreadsheetCell(0)).toBe(0);
    expect(spreadsheetCell(null)).toBeNull();
  });
});

describe('csvCell', () => {
  it('quotes a neutralised cell and nothing else', () => {
    const csv = stringify([['=1+2', 'Rustam', -3, '-', 'say "hi"']], {
      cast: { string: csvCell },
    });
    expect(csv).toBe(`"'=1+2",Rustam,-3,"'-","say ""hi"""\n`);
  });
});
