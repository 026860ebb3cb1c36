const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * User-entered text in Markdown: what Markdown reads as markup (emphasis, code, links, headings,
 * a table's pipe) behind a backslash, then HTML-escaped, since Markdown passes raw HTML through
 * to the page it renders (`<svg onload=...>` would run). A line break would end a table row, so
 * it becomes a space.
 */
export function escapeMarkdown(text: string): string {
  // Quotes stay as typed ("the hub's"): with < and > escaped no tag, so no attribute, can open.
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\\`*_~[\]#|]/g, '\\$&')
    .replace(/[&<>]/g, (c) => ENTITIES[c]);
}
