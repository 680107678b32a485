import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { cellText, valueAtPath } from './export-columns.js';

/** RFC 4180: CRLF between records, fields quoted when they hold a quote, a comma or a line break. */
const CSV_OPTIONS = { record_delimiter: 'windows' } as const;

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
  const emit = (text: string) => {
    const chunk = Buffer.from(text, 'utf8');
    hash.update(chunk);
    tally.bytes += chunk.length;
    return chunk;
  };
  try {
    const header = (options.bom ? '\ufeff' : '') + stringify([options.columns], CSV_OPTIONS);
    yield emit(header);
    const paths = options.columns.map((column) => column.split('.'));
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      const records = batch.map((row) => paths.map((path) => cellText(valueAtPath(row, path))));
      tally.rows += batch.length;
      yield emit(stringify(records, CSV_OPTIONS));
    }
    tally.sha256 = hash.digest('hex');
    tally.complete = true;
  } finally {
    await options.onEnd?.(tally);
  }
}
