import { inflateSync } from 'node:zlib';

/**
 * What a PDF of the app says, for tests: its page count, and the text of its content streams
 * (inflated), one line per text-showing operator, decoded as the standard fonts' Windows-1252.
 * Enough for the PDFs relief-hub writes (pdfkit, standard fonts); not a general PDF reader.
 */
export function readPdf(pdf: Buffer): {
  header: string;
  pages: number;
  text: string;
  /** The inflated content streams: drawing operators included. */
  content: string;
} {
  const raw = pdf.toString('latin1');
  const pages = [...raw.matchAll(/\/Type\s*\/Page\b(?!s)/g)].length;
  const lines: string[] = [];
  const contents: string[] = [];
  for (const stream of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(stream[1], 'latin1')).toString('latin1');
    } catch {
      content = stream[1];
    }
    contents.push(content);
    for (const shown of content.matchAll(
      /\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g,
    )) {
      const hex = shown[1]
        ? [...shown[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1]).join('')
        : shown[2];
      lines.push(new TextDecoder('windows-1252').decode(Buffer.from(hex, 'hex')));
    }
  }
  return { header: raw.slice(0, 5), pages, text: lines.join('\n'), content: contents.join('\n') };
}
