import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import PDFDocument from 'pdfkit';

/** One column of a PDF table: a header, a share of the width, and how to read its cell. */
export interface PdfColumn {
  header: string;
  /** Relative width. */
  width: number;
  value: (row: never) => unknown;
}

export interface PdfReport {
  title: string;
  /** `name: value` lines under the title on every page (the filters, the run…). */
  subtitle: string[];
  exportedAt: Date;
}

/** A font with more than Latin-1 when the system has one; the built-in Helvetica otherwise. */
const UNICODE_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
];
const FONT = UNICODE_FONTS.find((f) => existsSync(f));

/** Longest text one cell shows; the rest is cut with an ellipsis (a payload is not a cell). */
const MAX_CELL_CHARS = 400;
/** Bytes the document may hold ahead of the client before drawing waits for it. */
const AHEAD_BYTES = 1024 * 1024;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}…` : text;
}

/**
 * A landscape A4 document drawn as it is read: a header with the title, the filters and the time of
 * export and a page number on every page, then tables whose long cells wrap. Drawing waits while
 * the client is more than about a megabyte behind, so memory stays flat however many rows.
 */
export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  private page = 0;
  private readonly left: number;
  private readonly width: number;
  private table: PdfColumn[] | undefined;
  private aborted = false;

  constructor(private readonly report: PdfReport) {
    this.doc = new PDFDocument({
      size: 'A4',
      layout: 'landscape',
      margins: { top: 36, bottom: 36, left: 36, right: 36 },
      info: { Title: report.title, Producer: 'Synctrail', CreationDate: report.exportedAt },
    });
    if (FONT) this.doc.registerFont('body', FONT);
    this.doc.font(FONT ? 'body' : 'Helvetica');
    this.left = this.doc.page.margins.left;
    this.width = this.doc.page.width - this.left - this.doc.page.margins.right;
    this.doc.on('pageAdded', () => this.pageHeader());
    this.pageHeader();
  }

  get stream(): Readable {
    return this.doc as unknown as Readable;
  }

  /** Stops drawing (the client went away). */
  abort(): void {
    this.aborted = true;
  }

  private pageHeader(): void {
    const { doc } = this;
    this.page++;
    const top = doc.page.margins.top;
    doc
      .fontSize(13)
      .fillColor('black')
      .text(this.report.title, this.left, top, { width: this.width * 0.75 });
    doc
      .fontSize(8)
      .fillColor('#555')
      .text(`Page ${this.page}`, this.left, top, { width: this.width, align: 'right' })
      .text(`Exported ${this.report.exportedAt.toISOString()}`, this.left, top + 11, {
        width: this.width,
        align: 'right',
      });
    doc.x = this.left;
    doc.y = top + 20;
    for (const line of this.report.subtitle)
      doc.fontSize(8).fillColor('#333').text(line, { width: this.width });
    doc.moveDown(0.5).fillColor('black');
    if (this.table) this.tableHeader(this.table);
  }

  /** A heading between sections. */
  heading(text: string): void {
    this.table = undefined;
    this.room(30);
    this.doc
      .moveDown(0.5)
      .fontSize(11)
      .fillColor('black')
      .text(text, this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
  }

  /** `name: value` pairs, wrapped. */
  fields(pairs: [string, unknown][]): void {
    for (const [name, value] of pairs) {
      const text = `${name}: ${cell(value) || '—'}`;
      this.room(this.doc.fontSize(9).heightOfString(text, { width: this.width }));
      this.doc.fontSize(9).fillColor('black').text(text, this.left, this.doc.y, { width: this.width });
    }
  }

  /** Starts a table; `rows` then draws its rows, batch after batch. */
  startTable(columns: PdfColumn[]): void {
    this.table = columns;
    this.room(40);
    this.tableHeader(columns);
  }

  /** Draws rows of the current table, returning once the client has caught up. Returns false when aborted. */
  async rows(batch: readonly unknown[]): Promise<boolean> {
    const columns = this.table;
    if (!columns) throw new Error('rows() before startTable()');
    for (const row of batch) {
      if (this.aborted) return false;
      this.drawRow(
        columns,
        columns.map((c) => cell(c.value(row as never))),
        false,
      );
    }
    while (this.stream.readableLength > AHEAD_BYTES && !this.aborted && !this.stream.destroyed) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return !this.aborted && !this.stream.destroyed;
  }

  end(): void {
    this.doc.end();
  }

  private widths(columns: PdfColumn[]): number[] {
    const total = columns.reduce((sum, c) => sum + c.width, 0);
    return columns.map((c) => (c.width / total) * this.width);
  }

  private tableHeader(columns: PdfColumn[]): void {
    this.drawRow(
      columns,
      columns.map((c) => c.header),
      true,
    );
  }

  private drawRow(columns: PdfColumn[], texts: string[], header: boolean): void {
    const { doc } = this;
    const widths = this.widths(columns);
    const size = header ? 8 : 7.5;
    doc.fontSize(size);
    const height =
      Math.max(...texts.map((text, i) => doc.heightOfString(text || ' ', { width: widths[i]! - 4 }))) + 4;
    this.room(height);
    const top = doc.y;
    let x = this.left;
    if (header) doc.rect(this.left, top, this.width, height).fill('#e8e8e8');
    doc.fillColor('black');
    texts.forEach((text, i) => {
      doc.text(text, x + 2, top + 2, { width: widths[i]! - 4 });
      x += widths[i]!;
    });
    doc
      .moveTo(this.left, top + height)
      .lineTo(this.left + this.width, top + height)
      .lineWidth(0.3)
      .strokeColor('#bbb')
      .stroke();
    doc.x = this.left;
    doc.y = top + height;
  }

  /**
   * Makes room for `height` on this page, or starts a new one (whose header redraws the table's).
   * A row taller than a page is drawn anyway, cut at the page's end.
   */
  private room(height: number): void {
    const bottom = this.doc.page.height - this.doc.page.margins.bottom;
    if (this.doc.y + height > bottom) this.doc.addPage();
  }
}
