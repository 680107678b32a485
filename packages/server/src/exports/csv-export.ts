import { createHash } from 'node:crypto';
import { csvFormatRow } from 'd3-dsv';
import type { CsvChunk } from '../storage/engine.js';
import { YoungGarbage } from '../shared/young-garbage.js';
import { cellText, valueAtPath } from './export-columns.js';

/**
 * RFC 4180 through d3-dsv: fields quoted (quotes doubled) when they hold a quote, a comma or a line
 * break; CRLF between records. d3-dsv formats a row in a fraction of csv-stringify's time (200,000
 * calls of 18 columns: 0.6–1.0 s against 3.5–4.2 s, measured side by side), which made the CSV writer
 * the largest cost of an export.
 */
const CRLF = '\r\n';

/** Reads one column out of a row: the path is split once per export, not once per cell. */
function columnReader(column: string): (row: unknown) => string {
  const path = column.split('.');
  if (path.length === 1) {
    const key = path[0]!;
    return (row) => cellText((row as Record<string, unknown>)[key]);
  }
  return (row) => cellText(valueAtPath(row, path));
}

/** What an export reports once its last byte is out (HTTP trailers, the audit event). */
export interface ExportTally {
  rows: number;
  bytes: number;
  sha256: string | null;
  complete: boolean;
}

export interface CsvOptions {
  columns: readonly string[];
  bom: boolean;
  /** Called once at the end: `complete` false when the client went away or the source failed. */
  onEnd?: (tally: ExportTally) => Promise<void>;
}

/**
 * RFC 4180 CSV (CRLF, quotes where needed, UTF-8) of `batches`, one chunk per batch of rows. It is
 * pulled: a slow client slows the reads from the database, and nothing but the current batch is held
 * in memory. Ending early (the consumer's `return()`) stops reading the source.
 */
export async function* csvChunks(
  batches: AsyncIterable<readonly unknown[]>,
  options: CsvOptions,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  const tally: ExportTally = { rows: 0, bytes: 0, sha256: null, complete: false };
  const garbage = new YoungGarbage();
  const emit = (text: string) => {
    const chunk = Buffer.from(text, 'utf8');
    hash.update(chunk);
    tally.bytes += chunk.length;
    garbage.passed(chunk.length);
    return chunk;
  };
  try {
    yield emit((options.bom ? '\ufeff' : '') + csvFormatRow([...options.columns]) + CRLF);
    const readers = options.columns.map(columnReader);
    const cells: string[] = new Array<string>(readers.length);
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      let text = '';
      for (const row of batch) {
        for (let i = 0; i < readers.length; i++) cells[i] = readers[i]!(row);
        text += csvFormatRow(cells) + CRLF;
      }
      tally.rows += batch.length;
      yield emit(text);
    }
    tally.sha256 = hash.digest('hex');
    tally.complete = true;
  } finally {
    await options.onEnd?.(tally);
  }
}

/**
 * The same file as `csvChunks()` from CSV the database wrote itself (`Engine.copyCsv`): our header,
 * then the engine's CRLF-ended records, counted and hashed as they pass. Past `maxRows` records it
 * fails, as a capped export does.
 */
export async function* csvFromEngine(
  chunks: AsyncIterable<CsvChunk>,
  options: CsvOptions & { maxRows?: number | undefined; tooMany: () => Error },
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  const tally: ExportTally = { rows: 0, bytes: 0, sha256: null, complete: false };
  const garbage = new YoungGarbage();
  const emit = (chunk: Buffer) => {
    hash.update(chunk);
    tally.bytes += chunk.length;
    garbage.passed(chunk.length);
    return chunk;
  };
  try {
    yield emit(
      Buffer.from((options.bom ? '\ufeff' : '') + csvFormatRow([...options.columns]) + CRLF, 'utf8'),
    );
    for await (const chunk of chunks) {
      tally.rows += chunk.records;
      if (options.maxRows !== undefined && tally.rows > options.maxRows) throw options.tooMany();
      yield emit(chunk.data);
    }
    tally.sha256 = hash.digest('hex');
    tally.complete = true;
  } finally {
    await options.onEnd?.(tally);
  }
}
