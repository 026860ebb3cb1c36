import { labelTableCells } from './table-labels.js';

describe('tables that stack on a phone', () => {
  it('labels each body and foot cell with its column header, spans and all', () => {
    const html =
      '<p>x</p><table class="stock"><caption>c</caption><thead><tr><th scope="col">Item</th>' +
      '<th scope="col" class="num">Weight, <abbr>kg</abbr></th><th scope="col">A &amp; B</th></tr></thead>' +
      '<tbody><tr data-sku="S"><th scope="row">Tent</th><td class="num">1,000</td><td>y</td></tr>' +
      '<tr><th scope="row">Day</th><td colspan="2">No readings</td></tr></tbody>' +
      '<tfoot><tr><th colspan="2">Total</th><td data-label="Own">z</td></tr></tfoot></table>';
    expect(labelTableCells(html)).toBe(
      '<p>x</p><table class="stock" data-stack><caption>c</caption><thead><tr><th scope="col">Item</th>' +
        '<th scope="col" class="num">Weight, <abbr>kg</abbr></th><th scope="col">A &amp; B</th></tr></thead>' +
        '<tbody><tr data-sku="S"><th scope="row" data-label="Item">Tent</th><td class="num" data-label="Weight, kg">1,000</td><td data-label="A &amp; B">y</td></tr>' +
        '<tr><th scope="row" data-label="Item">Day</th><td colspan="2">No readings</td></tr></tbody>' +
        '<tfoot><tr><th colspan="2">Total</th><td data-label="Own">z</td></tr></tfoot></table>',
    );
  });

  it('leaves a table without a header row, and labels each table by its own header', () => {
    const bare = '<table><tr><td>1</td></tr></table>';
    expect(labelTableCells(bare)).toBe(bare);
    const two =
      '<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>' +
      '<table><thead><tr><th>B</th></tr></thead><tbody><tr><td>2</td></tr></tbody></table>';
    expect(labelTableCells(two)).toBe(
      '<table data-stack><thead><tr><th>A</th></tr></thead><tbody><tr><td data-label="A">1</td></tr></tbody></table>' +
        '<table data-stack><thead><tr><th>B</th></tr></thead><tbody><tr><td data-label="B">2</td></tr></tbody></table>',
    );
  });
});
