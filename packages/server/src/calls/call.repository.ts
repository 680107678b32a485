import type { Selectable } from 'kysely';
import type { Call, CallAction, CallDirection, CallSummary, Page, SortOrder } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import type { CallsTable } from '../storage/database.js';
import { fromJson, toIso } from '../storage/row-values.js';
import { afterPosition, inOrganizations } from '../storage/query-helpers.js';
import { decodeCursor, TIME_UUID, toPage } from '../shared/cursor.js';
import type { StoredMessage } from './call-payload.js';
import type { StatusRange } from './call-filters.js';
import { cellSelections, column, jsonField, jsonText, type CellSource } from '../exports/csv-cells.js';

/** The CSV cell of each exported column of a call, for the engine's own CSV writer. */
const CALL_CELLS: Readonly<Record<string, CellSource>> = {
  id: column('id', 'id'),
  organizationId: column('organization_id', 'id'),
  runId: column('run_id', 'id'),
  at: column('at', 'time'),
  direction: column('direction', 'code'),
  appFrom: column('app_from', 'text'),
  appTo: column('app_to', 'text'),
  action: column('action', 'code'),
  requestType: column('request_type', 'code'),
  login: column('login', 'text'),
  method: column('method', 'code'),
  url: column('url', 'text'),
  statusCode: column('status_code', 'number'),
  durationMs: column('duration_ms', 'number'),
  'request.headers': jsonField('request', 'headers'),
  'request.body': jsonText('request', 'body'),
  'response.headers': jsonField('response', 'headers'),
  'response.body': jsonText('response', 'body'),
};

/** A call ready to store: masked, defaulted, its payloads JSON-encoded. */
export interface CallRecord {
  id: string;
  organizationId: string;
  runId: string | null;
  at: Date;
  direction: CallDirection;
  appFrom: string;
  appTo: string;
  action: CallAction;
  requestType: string | null;
  login: string | null;
  method: string;
  url: string;
  statusCode: number | null;
  durationMs: number | null;
  /** `{ headers, body }`, already JSON-encoded. */
  request: string;
  response: string;
}

export interface CallListFilters {
  organizations: 'all' | readonly string[];
  runIds?: string[] | undefined;
  apps?: string[] | undefined;
  appsFrom?: string[] | undefined;
  appsTo?: string[] | undefined;
  actions?: string[] | undefined;
  requestTypes?: string[] | undefined;
  login?: string | undefined;
  /** Text anywhere in the URL or the login. */
  q?: string | undefined;
  directions?: string[] | undefined;
  statusCodes?: StatusRange[] | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface CallPaging {
  limit: number;
  cursor?: string | undefined;
  sort: SortOrder;
}

const COLUMNS = [
  'id',
  'organization_id',
  'run_id',
  'at',
  'direction',
  'app_from',
  'app_to',
  'action',
  'request_type',
  'login',
  'method',
  'url',
  'status_code',
  'duration_ms',
  'request',
  'response',
] as const;

export const SUMMARY_COLUMNS = COLUMNS.filter((c) => c !== 'request' && c !== 'response');

type SummaryRow = Omit<Selectable<CallsTable>, 'request' | 'response' | 'payload_removed_at'>;

export function toSummary(row: SummaryRow): CallSummary {
  return {
    id: row.id,
    organizationId: row.organization_id,
    runId: row.run_id,
    at: toIso(row.at),
    direction: row.direction as CallDirection,
    appFrom: row.app_from,
    appTo: row.app_to,
    action: row.action as CallAction,
    requestType: row.request_type,
    login: row.login,
    method: row.method,
    url: row.url,
    statusCode: row.status_code === null ? null : Number(row.status_code),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  };
}

function toCall(row: Omit<Selectable<CallsTable>, 'payload_removed_at'>): Call {
  return {
    ...toSummary(row),
    request: fromJson<StoredMessage>(row.request),
    response: fromJson<StoredMessage>(row.response),
  };
}

/** Ids per lookup query: far below either engine's limit on bound parameters. */
const LOOKUP_CHUNK = 1000;

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += LOOKUP_CHUNK) out.push(values.slice(i, i + LOOKUP_CHUNK));
  return out;
}

export class CallRepository {
  constructor(private readonly engine: Engine) {}

  /** Bulk load (COPY on PostgreSQL); must run inside the batch's transaction. */
  async insertBatch(records: readonly CallRecord[]): Promise<void> {
    const rows = records.map((r) => [
      r.id,
      r.organizationId,
      r.runId,
      r.at,
      r.direction,
      r.appFrom,
      r.appTo,
      r.action,
      r.requestType,
      r.login,
      r.method,
      r.url,
      r.statusCode,
      r.durationMs,
      r.request,
      r.response,
    ]);
    await this.engine.bulkInsert('calls', COLUMNS, rows);
  }

  async findById(id: string): Promise<Call | undefined> {
    const row = await this.engine.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCall(row);
  }

  /*
   * A batch may name many organizations and runs; checking them with one query per chunk (not one
   * per call) keeps ingestion fast. These read other domains' tables, but only for existence.
   */

  /** Which of `ids` are existing organizations. */
  async existingOrganizations(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunks(ids)) {
      const rows = await this.engine.db
        .selectFrom('organizations')
        .select('id')
        .where('id', 'in', chunk)
        .execute();
      for (const row of rows) found.add(row.id);
    }
    return found;
  }

  /** The organization of each of `ids` that is an existing run. */
  async runOrganizations(ids: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const chunk of chunks(ids)) {
      const rows = await this.engine.db
        .selectFrom('runs')
        .select(['id', 'organization_id'])
        .where('id', 'in', chunk)
        .execute();
      for (const row of rows) found.set(row.id, row.organization_id);
    }
    return found;
  }

  /** Calls without their payloads, newest first by default, keyset-paged on `(at, id)`. */
  async list(filters: CallListFilters, page: CallPaging): Promise<Page<CallSummary>> {
    const items = (await this.listQuery(filters, page).execute()).map(toSummary);
    return toPage(items, page.limit, (c) => ({ key: Date.parse(c.at), id: c.id }));
  }

  /** The query of one page of the list (its plan is what plan tests and `bench:query` look at). */
  listQuery(filters: CallListFilters, page: CallPaging) {
    return this.filtered(filters, page, SUMMARY_COLUMNS);
  }

  /** Every call the list would show, with payloads, in batches, through one cursor (exports). */
  async *stream(filters: CallListFilters, sort: SortOrder, batchSize: number): AsyncGenerator<Call[]> {
    const qb = this.filtered(filters, { limit: 0, sort }, COLUMNS, false);
    for await (const rows of this.engine.stream(qb, batchSize)) {
      yield rows.map((row) => toCall(row as Omit<Selectable<CallsTable>, 'payload_removed_at'>));
    }
  }

  /**
   * The same calls with payloads as CSV records written by the engine (`columns`: export column
   * names), or undefined where it cannot (SQLite, or a column it has no cell for).
   */
  copyCsv(filters: CallListFilters, sort: SortOrder, columns: readonly string[]) {
    const cells = cellSelections(this.engine.kind, CALL_CELLS, columns);
    if (!this.engine.copyCsv || !cells) return undefined;
    return this.engine.copyCsv(
      this.filtered(filters, { limit: 0, sort }, COLUMNS, false).clearSelect().select(cells),
    );
  }

  /** The same without payloads (the connector log as a PDF). */
  async *streamSummaries(filters: CallListFilters, sort: SortOrder, batchSize: number) {
    const qb = this.filtered(filters, { limit: 0, sort }, SUMMARY_COLUMNS, false);
    for await (const rows of this.engine.stream(qb, batchSize)) yield rows.map(toSummary);
  }

  private filtered(
    filters: CallListFilters,
    page: CallPaging,
    columns: readonly (keyof CallsTable)[],
    paged = true,
  ) {
    let qb = this.engine.db
      .selectFrom('calls')
      .select(columns)
      .where(inOrganizations('organization_id', filters.organizations))
      .orderBy('at', page.sort)
      .orderBy('id', page.sort);
    if (paged) qb = qb.limit(page.limit + 1);
    if (filters.runIds) qb = qb.where('run_id', 'in', filters.runIds);
    const apps = filters.apps;
    if (apps) qb = qb.where((eb) => eb.or([eb('app_from', 'in', apps), eb('app_to', 'in', apps)]));
    if (filters.appsFrom) qb = qb.where('app_from', 'in', filters.appsFrom);
    if (filters.appsTo) qb = qb.where('app_to', 'in', filters.appsTo);
    if (filters.actions) qb = qb.where('action', 'in', filters.actions);
    if (filters.requestTypes) qb = qb.where('request_type', 'in', filters.requestTypes);
    // Anywhere in the login / the URL or login, case-insensitive, from the engine's text index.
    if (filters.login !== undefined) qb = qb.where(this.engine.matchText('calls.login', filters.login));
    if (filters.q !== undefined) qb = qb.where(this.engine.matchText('calls', filters.q));
    if (filters.directions) qb = qb.where('direction', 'in', filters.directions);
    const ranges = filters.statusCodes;
    if (ranges && ranges.every((r) => r.max === r.min + 1)) {
      // Exact codes as equality, so that one code is read from a (status_code, at, id) index in order.
      const codes = ranges.map((r) => r.min);
      qb =
        codes.length === 1 ? qb.where('status_code', '=', codes[0]!) : qb.where('status_code', 'in', codes);
    } else if (ranges) {
      qb = qb.where((eb) =>
        eb.or(ranges.map((r) => eb.and([eb('status_code', '>=', r.min), eb('status_code', '<', r.max)]))),
      );
    }
    if (filters.from) qb = qb.where('at', '>=', filters.from);
    if (filters.to) qb = qb.where('at', '<', filters.to);
    if (page.cursor) {
      const position = decodeCursor(page.cursor, TIME_UUID);
      qb = qb.where((eb) => afterPosition(eb, 'at', 'id', position, page.sort, true));
    }
    return qb;
  }
}
