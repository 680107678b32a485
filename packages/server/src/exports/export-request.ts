import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Page } from '@synctrail/types';
import type { Services } from '../http/services.js';
import type { CsvChunk } from '../storage/engine.js';
import { AppError } from '../http/errors.js';
import { recordAudit } from '../audit/audit-request.js';
import { columnsOf, pickColumns } from './export-columns.js';
import { csvChunks, csvFromEngine, type ExportTally } from './csv-export.js';
import { EXPORT_PAGE_SIZE, allPages, capped, tooManyRows } from './export-pages.js';

/** The query parameters of an export that are not the list's filters. */
const NOT_FILTERS = new Set(['format', 'columns', 'bom', 'limit', 'cursor']);

/** Filters that best say what an export holds, in the order a file name prefers them. */
const NAMING_FILTERS = [
  'status',
  'action',
  'state',
  'progress',
  'requestType',
  'trigger',
  'errorCode',
  'direction',
  'statusCode',
  'integrationType',
  'app',
  'appFrom',
  'appTo',
  'login',
  'objectType',
  'q',
];

interface ExportQueryLike {
  format?: string | undefined;
  columns?: string | undefined;
  bom?: boolean | undefined;
}

/** The paging a list service is asked for while exporting (none: the request's own, for a JSON page). */
export interface ExportPaging {
  limit?: number;
  cursor?: string;
}

export interface ListExport<T> {
  /** What the list is (`calls`, `runs`, `actions`…): the file name's stem and the audit's `list`. */
  list: string;
  /** The JSON schema of a row: its leaf fields are the columns. */
  schema: object;
  /** One page of the list as filtered by the request. */
  page: (paging: ExportPaging) => Promise<Page<T>>;
  /**
   * Every row the list would show, in batches, through one database cursor; lists without one are
   * read page after page (keyset), which holds no connection between pages.
   */
  stream?: (batchSize: number) => Promise<AsyncIterable<T[]>>;
  /**
   * The same rows as CSV records the database writes itself (PostgreSQL's COPY: several times the
   * rows/s of formatting them here), for the columns asked; undefined where it cannot.
   */
  copy?: (columns: readonly string[]) => Promise<AsyncIterable<CsvChunk> | undefined>;
  /** The organization the audit event belongs to, when the list is one organization's. */
  organizationId?: string | null;
  /** What was exported, for the audit event (`run:<id>`, `user:<id>`…). */
  target?: string | null;
}

/** `format=csv|pdf`, or `Accept: text/csv` when no format is given; undefined for a JSON page. */
export function exportFormat(req: FastifyRequest): 'csv' | 'pdf' | undefined {
  const format = (req.query as ExportQueryLike).format;
  if (format === 'csv' || format === 'pdf') return format;
  if (format === undefined && /\btext\/csv\b/i.test(req.headers.accept ?? '')) return 'csv';
  return undefined;
}

/** An export holds every matching row: `limit` and `cursor` (which would cut it) are refused. */
export function refusePaging(req: FastifyRequest): void {
  const params = new URLSearchParams(req.url.split('?')[1] ?? '');
  const given = ['limit', 'cursor'].filter((p) => params.has(p));
  if (given.length > 0) {
    throw new AppError(
      'invalid_filter',
      `An export holds every matching row and is not paged: drop ${given.map((g) => `\`${g}\``).join(' and ')}.`,
      { filter: given[0], invalid: given },
    );
  }
}

/** The request's filters as given (for the audit event and the file name). */
export function exportFilters(req: FastifyRequest): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(req.query as Record<string, unknown>).filter(
      ([key, value]) => !NOT_FILTERS.has(key) && value !== undefined,
    ),
  );
}

/** `calls_SSO_FAILED_20261201T2230Z.csv`: the list, its main filter, the time of export (UTC). */
export function exportFileName(list: string, filters: Record<string, unknown>, at: Date, ext: string) {
  const main = NAMING_FILTERS.map((f) => filters[f]).find((v) => v !== undefined && v !== '');
  const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 13) + 'Z';
  const label =
    main === undefined
      ? ''
      : String(main)
          .replace(/[^A-Za-z0-9._-]+/g, '-')
          .slice(0, 60);
  return `${[list, label, stamp].filter((p) => p.length > 0).join('_')}.${ext}`;
}

export function attachment(reply: FastifyReply, fileName: string, contentType: string): void {
  reply.header('content-type', contentType);
  reply.header('content-disposition', `attachment; filename="${fileName}"`);
  reply.header('cache-control', 'no-store');
}

/** A CSV export reads its rows page after page, or through one cursor when it has a `stream`. */
export type CsvExport<T> = Omit<ListExport<T>, 'page' | 'stream' | 'copy'> & {
  copy?: ListExport<T>['copy'];
} & (
    | { page: ListExport<T>['page']; stream?: ListExport<T>['stream'] }
    | { stream: NonNullable<ListExport<T>['stream']>; page?: undefined }
  );

/**
 * Answers a list request with CSV of every row it matches, streamed page by page. Filters and
 * columns are checked before anything is sent (a bad one is a JSON 400); the row count and the
 * SHA-256 of the body follow in HTTP trailers (`X-Row-Count`, `X-Content-SHA256`), which a response
 * cut short never has. Audited as `export.csv` once it ends.
 */
export async function sendCsvExport<T>(
  s: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  spec: CsvExport<T>,
): Promise<FastifyReply> {
  refusePaging(req);
  const query = req.query as ExportQueryLike;
  const columns = pickColumns(columnsOf(spec.schema), query.columns);
  // The database's own CSV where it has it; else one cursor where the list has one; else page after page.
  const copied = spec.copy ? await spec.copy(columns) : undefined;
  const source =
    copied !== undefined
      ? undefined
      : spec.stream
        ? await spec.stream(EXPORT_PAGE_SIZE)
        : await pagesOf(spec.page);
  const filters = exportFilters(req);
  const at = new Date();
  let result: ExportTally | undefined;
  const onEnd = async (tally: ExportTally) => {
    result = tally;
    s.metrics.exported(spec.list, 'csv', tally.rows);
    const event = {
      action: 'export.csv' as const,
      organizationId: spec.organizationId ?? organizationOf(req, filters),
      target: spec.target ?? null,
      details: { list: spec.list, filters, columns, rows: tally.rows, complete: tally.complete },
    };
    if (tally.complete) {
      await recordAudit(s, req, event);
      return;
    }
    // The client went away or a page failed: on record too, but nothing is left to answer.
    await recordAudit(s, req, event).catch((error: unknown) => req.log.error({ err: error }, 'export audit'));
  };
  if (req.method === 'HEAD') {
    // What the file would be, without reading it (nor auditing a download that did not happen).
    attachment(reply, exportFileName(spec.list, filters, at, 'csv'), 'text/csv; charset=utf-8');
    return reply.send();
  }
  const options = { columns, bom: query.bom === true, onEnd };
  const maxRows = s.config.exportMaxRows;
  const chunks = copied
    ? csvFromEngine(copied, { ...options, maxRows, tooMany: () => tooManyRows(maxRows ?? 0) })
    : csvChunks(capped(source!, maxRows), options);
  const body = Readable.from(chunks, { objectMode: false });
  attachment(reply, exportFileName(spec.list, filters, at, 'csv'), 'text/csv; charset=utf-8');
  reply.trailer('x-row-count', async () => String(result?.rows ?? ''));
  reply.trailer('x-content-sha256', async () => result?.sha256 ?? '');
  return reply.send(body);
}

function pagesOf<T>(page: ListExport<T>['page'] | undefined) {
  if (!page) throw new Error('a CSV export needs a page or a stream');
  return page({ limit: EXPORT_PAGE_SIZE }).then((first) =>
    allPages(first, (cursor) => page({ limit: EXPORT_PAGE_SIZE, cursor })),
  );
}

/** The one organization an export is about, if any: the credential's only one, or the one filtered on. */
function organizationOf(req: FastifyRequest, filters: Record<string, unknown>): string | null {
  const mine = req.access.organizations;
  if (mine !== 'all' && mine.length === 1 && mine[0] !== undefined) return mine[0];
  const asked = filters.organizationId;
  return typeof asked === 'string' && /^[0-9a-f-]{36}$/i.test(asked) ? asked : null;
}

/**
 * A list route's answer: a JSON page, or (`format=csv`, `Accept: text/csv`) every matching row as a
 * CSV file. Lists without a PDF form refuse `format=pdf`.
 */
export async function listOrExport<T>(
  s: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  spec: ListExport<T>,
): Promise<Page<T>> {
  const format = exportFormat(req);
  // Returning the reply tells Fastify the answer is on its way (typed as the page the route declares).
  if (format === 'csv') return (await sendCsvExport(s, req, reply, spec)) as never;
  if (format === 'pdf') {
    throw new AppError(
      'invalid_filter',
      `The ${spec.list} list is exported as csv; pdf is offered for calls and run reports.`,
      { filter: 'format', invalid: ['pdf'], allowed: ['json', 'csv'] },
    );
  }
  return spec.page({});
}
