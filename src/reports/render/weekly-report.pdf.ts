import PDFDocument from 'pdfkit';
import { WeeklyReportResponse } from '../dto/weekly-report.dto.js';
import { Bar, barLayout, ChartSize } from './bar-chart.js';
import {
  ReportBlock,
  ReportContext,
  reportDocument,
  ReportTable,
  shortDay,
} from './report-document.js';

/** A4 in points, 2 cm margins. */
const MARGIN = 56;
const BLUE = '#0072bc';
const RULE = '#d0d7de';
const TABLE_FONT = 9;
const CELL_PAD = 4;

/** The chart as drawn on the page, in points (the SVG's layout, at the page's width). */
const pdfChart = (width: number): ChartSize => ({
  width,
  height: 170,
  pad: { top: 10, right: 4, bottom: 22, left: 44 },
  fontSize: 8,
});

// Windows-1252 beyond Latin-1: what the PDF's standard fonts can show besides ASCII and Latin-1.
const CP1252 = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const CYRILLIC: Record<string, string> = Object.fromEntries([
  ...'абвгдезийклмнопрстуфхцы'.split('').map((c, i) => [c, 'abvgdezijklmnoprstufhcy'[i]]),
  ['ё', 'e'],
  ['ж', 'zh'],
  ['ч', 'ch'],
  ['ш', 'sh'],
  ['щ', 'shch'],
  ['ъ', ''],
  ['ь', ''],
  ['э', 'e'],
  ['ю', 'yu'],
  ['я', 'ya'],
  ['ў', 'o‘'],
  ['қ', 'q'],
  ['ғ', 'g‘'],
  ['ҳ', 'h'],
]);

/**
 * Text as the PDF's standard fonts (Windows-1252) can draw it, so the file needs no embedded
 * font: subscripts and superscripts as digits, the Uzbek ʻ as ‘, Cyrillic transliterated, other
 * letters without their accents, anything else as "?".
 */
export function pdfText(text: string): string {
  let out = '';
  for (const ch of text.replace(/₂/g, '2').replace(/[ʻʼ]/g, '‘')) {
    const code = ch.codePointAt(0)!;
    if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || CP1252.has(ch)) {
      out += ch;
      continue;
    }
    const lower = ch.toLowerCase();
    if (CYRILLIC[lower] !== undefined) {
      const latin = CYRILLIC[lower];
      out += ch === lower ? latin : latin.charAt(0).toUpperCase() + latin.slice(1);
      continue;
    }
    const bare = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    out += /^[\x20-\x7e]+$/.test(bare) ? bare : ch === '\n' || ch === '\t' ? ' ' : '?';
  }
  return out;
}

/** The weekly report as an A4 PDF: the same document as the HTML page, the chart drawn in vectors. */
export function renderPdf(report: WeeklyReportResponse, context: ReportContext): Promise<Buffer> {
  const doc = reportDocument(report, context);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    lang: 'en',
    displayTitle: true,
    info: {
      Title: pdfText(doc.title),
      Subject: pdfText(doc.period),
      Author: 'relief-hub',
      // A report's PDF is the same bytes however often it is asked for.
      CreationDate: new Date(report.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const width = pdf.page.width - 2 * MARGIN;
  const text = (value: string, font: string, size: number, color = '#1a1a1a', gap = 0.4) => {
    pdf.font(font).fontSize(size).fillColor(color).text(pdfText(value), MARGIN, pdf.y, { width });
    pdf.moveDown(gap);
  };

  text(doc.title, 'Helvetica-Bold', 17);
  text(doc.period, 'Helvetica', 10.5, '#444');
  text(doc.headline, 'Helvetica-Bold', 11);
  const quoteTop = pdf.y;
  pdf.font('Helvetica').fontSize(10.5);
  const quoteHeight = pdf.heightOfString(pdfText(doc.summary), { width: width - 16 });
  pdf.rect(MARGIN, quoteTop - 4, width, quoteHeight + 8).fill('#f3f8fc');
  pdf.rect(MARGIN, quoteTop - 4, 3, quoteHeight + 8).fill(BLUE);
  pdf.fillColor('#1a1a1a').text(pdfText(doc.summary), MARGIN + 12, quoteTop, { width: width - 16 });
  pdf.moveDown(0.8);

  for (const section of doc.sections) {
    ensureRoom(pdf, 60);
    text(section.title, 'Helvetica-Bold', 12.5, '#1a1a1a', 0.3);
    for (const block of section.blocks) drawBlock(pdf, block, width);
    pdf.moveDown(0.6);
  }
  text(doc.generated, 'Helvetica-Oblique', 8.5, '#555');

  const pages = pdf.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    pdf.switchToPage(pages.start + i);
    const bottom = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#777')
      .text(
        pdfText(
          `${doc.title}, ${doc.period.replace(/^Week of /, 'week of ')} - page ${i + 1} of ${pages.count}`,
        ),
        MARGIN,
        pdf.page.height - MARGIN / 2 - 8,
        { width, align: 'center', lineBreak: false },
      );
    pdf.page.margins.bottom = bottom;
  }
  pdf.end();
  return done;
}

/** A new page when less than `points` remain above the bottom margin. */
function ensureRoom(pdf: PDFKit.PDFDocument, points: number): void {
  if (pdf.y + points > pdf.page.height - pdf.page.margins.bottom) pdf.addPage();
}

function drawBlock(pdf: PDFKit.PDFDocument, block: ReportBlock, width: number): void {
  if (block.kind === 'text') {
    pdf.font('Helvetica').fontSize(10).fillColor('#1a1a1a');
    pdf.text(pdfText(block.text), MARGIN, pdf.y, { width });
    pdf.moveDown(0.4);
  } else if (block.kind === 'table') {
    drawTable(pdf, block.table, width);
  } else {
    drawChart(pdf, block.bars, width);
  }
}

/** Columns as wide as their content; text columns wrap when the page is too narrow. */
function columnWidths(pdf: PDFKit.PDFDocument, table: ReportTable, width: number): number[] {
  const natural = table.columns.map((column, i) => {
    pdf.font('Helvetica-Bold').fontSize(TABLE_FONT);
    let w = pdf.widthOfString(pdfText(column.head));
    pdf.font('Helvetica');
    for (const row of table.rows) w = Math.max(w, pdf.widthOfString(pdfText(row[i])));
    return w + 2 * CELL_PAD + 1;
  });
  const total = natural.reduce((a, b) => a + b, 0);
  const textColumns = table.columns.map((c) => !c.numeric);
  const textTotal = natural.reduce((sum, w, i) => sum + (textColumns[i] ? w : 0), 0);
  if (total <= width) {
    // Spread the room left over the text columns (numbers stay snug at the right).
    const spare = width - total;
    return natural.map((w, i) =>
      textColumns[i] && textTotal > 0 ? w + (spare * w) / textTotal : w,
    );
  }
  const room = Math.max(width - (total - textTotal), 40 * textColumns.filter(Boolean).length);
  return natural.map((w, i) => (textColumns[i] ? Math.max(40, (room * w) / textTotal) : w));
}

function drawTable(pdf: PDFKit.PDFDocument, table: ReportTable, width: number): void {
  if (table.rows.length === 0) {
    pdf
      .font('Helvetica')
      .fontSize(10)
      .fillColor('#1a1a1a')
      .text(pdfText(table.empty), MARGIN, pdf.y, { width });
    pdf.moveDown(0.4);
    return;
  }
  const widths = columnWidths(pdf, table, width);
  const drawRow = (cells: string[], bold: boolean) => {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(TABLE_FONT);
    const heights = cells.map((cell, i) =>
      pdf.heightOfString(pdfText(cell), { width: widths[i] - 2 * CELL_PAD }),
    );
    const height = Math.max(...heights) + 2 * CELL_PAD;
    return {
      height,
      draw: (top: number) => {
        let x = MARGIN;
        cells.forEach((cell, i) => {
          pdf.fillColor('#1a1a1a').text(pdfText(cell), x + CELL_PAD, top + CELL_PAD, {
            width: widths[i] - 2 * CELL_PAD,
            align: table.columns[i].numeric ? 'right' : 'left',
          });
          x += widths[i];
        });
        pdf
          .moveTo(MARGIN, top + height)
          .lineTo(MARGIN + widths.reduce((a, b) => a + b, 0), top + height)
          .lineWidth(bold ? 0.8 : 0.4)
          .strokeColor(bold ? '#888' : RULE)
          .stroke();
      },
    };
  };
  const header = drawRow(
    table.columns.map((c) => c.head),
    true,
  );
  const bottom = () => pdf.page.height - pdf.page.margins.bottom;
  if (pdf.y + header.height * 2 > bottom()) pdf.addPage();
  let y = pdf.y;
  header.draw(y);
  y += header.height;
  for (const cells of table.rows) {
    const row = drawRow(cells, false);
    if (y + row.height > bottom()) {
      pdf.addPage();
      y = pdf.page.margins.top;
      // The header again at the top of the page the table continues on.
      drawRow(
        table.columns.map((c) => c.head),
        true,
      ).draw(y);
      y += header.height;
      pdf.font('Helvetica').fontSize(TABLE_FONT);
    }
    row.draw(y);
    y += row.height;
  }
  pdf.x = MARGIN;
  pdf.y = y + 8;
}

/** The SVG chart's bars, drawn with the PDF's vector operators from the same layout. */
function drawChart(pdf: PDFKit.PDFDocument, bars: Bar[], width: number): void {
  const size = pdfChart(width);
  ensureRoom(pdf, size.height + 10);
  const left = MARGIN;
  const top = pdf.y;
  const layout = barLayout(
    bars.map((b) => b.value),
    size,
  );
  pdf.font('Helvetica').fontSize(size.fontSize);
  for (const tick of layout.ticks) {
    pdf
      .moveTo(left + size.pad.left, top + tick.y)
      .lineTo(left + size.width - size.pad.right, top + tick.y)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    pdf
      .fillColor('#333')
      .text(
        tick.value.toLocaleString('en-US', { maximumFractionDigits: 1 }),
        left,
        top + tick.y - size.fontSize / 2,
        { width: size.pad.left - 6, align: 'right', lineBreak: false },
      );
  }
  bars.forEach((bar, i) => {
    const g = layout.bars[i];
    if (g.height > 0) pdf.rect(left + g.x, top + g.y, g.width, g.height).fill(BLUE);
    pdf
      .fillColor('#333')
      .text(
        shortDay(bar.label).replace(/ \d{4}$/, ''),
        left + g.center - 30,
        top + layout.baseline + 5,
        { width: 60, align: 'center', lineBreak: false },
      );
  });
  pdf
    .moveTo(left + size.pad.left, top + layout.baseline)
    .lineTo(left + size.width - size.pad.right, top + layout.baseline)
    .lineWidth(0.8)
    .strokeColor('#444')
    .stroke();
  pdf.x = MARGIN;
  pdf.y = top + size.height + 6;
}
