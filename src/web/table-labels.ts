/**
 * Labels every cell of a page's tables with its column's header (`data-label`), and marks the
 * table `data-stack`, so that on a narrow screen the stylesheet stacks each row as a card whose
 * cells read "Header  value" instead of a table wider than the phone. Every table a template
 * writes with a <thead> gets it, so a new page needs nothing of its own; a cell that spans
 * columns, or already has a label, is left as it is.
 *
 * It reads only the app's own escaped template output (no nested tables, attributes quoted), so
 * a few patterns do; the header's text is already escaped for HTML, so it goes into the
 * attribute as it is.
 */
export function labelTableCells(html: string): string {
  return html.replace(
    /<table\b([^>]*)>([\s\S]*?)<\/table>/g,
    (whole, attrs: string, inner: string) => {
      const head = /<thead\b[^>]*>([\s\S]*?)<\/thead>/.exec(inner);
      if (!head || /\sdata-stack\b/.test(attrs)) return whole;
      const labels: string[] = [];
      for (const cell of head[1].matchAll(/<th\b([^>]*)>([\s\S]*?)<\/th>/g)) {
        const text = cell[2]
          .replace(/<[^>]*>/g, '')
          .replace(/\s+/g, ' ')
          .trim();
        for (let i = 0; i < spanOf(cell[1]); i++) labels.push(text);
      }
      const end = head.index + head[0].length;
      const rows = inner.slice(end).replace(/<tr\b[^>]*>[\s\S]*?<\/tr>/g, (row) => {
        let column = 0;
        return row.replace(/<(td|th)\b([^>]*)>/g, (tag, name: string, cellAttrs: string) => {
          const span = spanOf(cellAttrs);
          const label = labels[column];
          column += span;
          if (span > 1 || !label || /\sdata-label=/.test(cellAttrs)) return tag;
          return `<${name}${cellAttrs} data-label="${label}">`;
        });
      });
      return `<table${attrs} data-stack>${inner.slice(0, end)}${rows}</table>`;
    },
  );
}

function spanOf(attributes: string): number {
  return Number(/\scolspan="(\d+)"/.exec(attributes)?.[1] ?? 1);
}
