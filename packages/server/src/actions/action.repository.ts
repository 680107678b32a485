import { sql, type Expression, type Selectable, type SqlBool } from 'kysely';
import type { Action, ActionKind, Page, SortOrder, SyncStatus } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import type { ActionsTable } from '../storage/database.js';
import { fromJson, toIso } from '../storage/row-values.js';
import { afterTuple, inOrganizations } from '../storage/query-helpers.js';
import { decodeCursor, TIME_RUN_SEQ, toPage } from '../shared/cursor.js';
import { cellSelections, column, type CellSource } from '../exports/csv-cells.js';

/** The CSV cell of each exported column of an action, for the engine's own CSV writer. */
const ACTION_CELLS: Readonly<Record<string, CellSource>> = {
  runId: column('run_id', 'id'),
  seq: column('seq', 'number'),
  at: column('at', 'time'),
  'source.system': column('source_system', 'text'),
  'source.id': column('source_id', 'text'),
  'source.name': column('source_name', 'text'),
  'target.system': column('target_system', 'text'),
  'target.id': column('target_id', 'text'),
  'target.name': column('target_name', 'text'),
  objectType: column('object_type', 'text'),
  action: column('action', 'code'),
  status: column('status', 'code'),
  message: column('message', 'text'),
  details: column('details', 'json'),
  errorCode: column('error_code', 'number'),
};

/** An action ready to store: the wire fields, flattened, with its position in the run. */
export interface ActionRecord {
  seq: number;
  at: Date;
  sourceSystem: string;
  sourceId: string | null;
  sourceName: string | null;
  targetSystem: string;
  targetId: string | null;
  targetName: string | null;
  objectType: string | null;
  action: ActionKind;
  status: SyncStatus;
  message: string | null;
  /** Already JSON-encoded (and masked), or null. */
  details: string | null;
  errorCode: number | null;
}

const COLUMNS = [
  'run_id',
  'seq',
  'at',
  'source_system',
  'source_id',
  'source_name',
  'target_system',
  'target_id',
  'target_name',
  'object_type',
  'action',
  'status',
  'message',
  'details',
  'error_code',
] as const;

const PENDING_COLUMNS = ['run_id', 'first_seq', 'last_seq'] as const;

function toAction(row: Selectable<ActionsTable>): Action {
  const action: Action = {
    runId: row.run_id,
    seq: row.seq,
    at: toIso(row.at),
    source: { system: row.source_system, id: row.source_id, name: row.source_name },
    target: { system: row.target_system, id: row.target_id, name: row.target_name },
    objectType: row.object_type,
    action: row.action as ActionKind,
    status: row.status as SyncStatus,
    message: row.message,
    errorCode: row.error_code,
  };
  if (row.details !== null) action.details = fromJson(row.details);
  return action;
}

/**
 * Runs with ranges pending indexing past which `q=` scans instead (the indexer is far behind, as
 * after migration 0016 queued a whole database).
 */
const MAX_PENDING_RUNS = 100;

/** The conditions for `q=`: one page query per part, merged (see `ActionRepository.textPlan`). */
interface TextPlan {
  parts: Expression<SqlBool>[];
  /** A scan (one part): rows read in the page's order, see `Engine.inPageOrder`. */
  inPageOrder: boolean;
}

export interface ActionListFilters {
  statuses?: string[] | undefined;
  actions?: string[] | undefined;
  objectTypes?: string[] | undefined;
  q?: string | undefined;
}

/** The filters of `GET /api/v1/actions` (actions across runs). */
export interface ActionSearchFilters {
  organizations: 'all' | readonly string[];
  q?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface ActionPaging {
  limit: number;
  cursor?: string | undefined;
  sort: SortOrder;
}

export class ActionRepository {
  constructor(private readonly engine: Engine) {}

  /** Bulk load (COPY on PostgreSQL); must run inside the batch's transaction. */
  async insertBatch(runId: string, records: readonly ActionRecord[]): Promise<void> {
    const rows = records.map((r) => [
      runId,
      r.seq,
      r.at,
      r.sourceSystem,
      r.sourceId,
      r.sourceName,
      r.targetSystem,
      r.targetId,
      r.targetName,
      r.objectType,
      r.action,
      r.status,
      r.message,
      r.details,
      r.errorCode,
    ]);
    await this.engine.bulkInsert('actions', COLUMNS, rows);
    if (records.length === 0) return;
    // For the text indexer (see action-text-index.ts): one small row, where an index kept in step
    // with every action would cost ingest three quarters of its pace.
    let first = records[0]!.seq;
    let last = first;
    for (const r of records) {
      if (r.seq < first) first = r.seq;
      if (r.seq > last) last = r.seq;
    }
    // As a bulk load: on SQLite it then joins the actions' message to the writer thread, unawaited.
    await this.engine.bulkInsert('action_text_pending', PENDING_COLUMNS, [[runId, first, last]]);
  }

  /**
   * How `q=` is answered: the text index for the actions it covers, plus a scan of the ranges still
   * pending (a handful while the indexer keeps up); or one scan of every row in scope when the index
   * cannot help (text too short, many matches: see `Engine.indexedActionMatch`) or the indexer is far
   * behind. The pending ranges are read before the index is, so that a range the indexer finishes in
   * between is found in the index.
   */
  private async textPlan(q: string, runId?: string): Promise<TextPlan> {
    const scan: TextPlan = { parts: [this.engine.matchText('actions', q)], inPageOrder: true };
    const pending = await this.engine.db
      .selectFrom('action_text_pending')
      .select((eb) => ['run_id', eb.fn.min('first_seq').as('first'), eb.fn.max('last_seq').as('last')])
      .$if(runId !== undefined, (qb) => qb.where('run_id', '=', runId!))
      .groupBy('run_id')
      .limit(MAX_PENDING_RUNS + 1)
      .execute();
    if (pending.length > MAX_PENDING_RUNS) return scan;
    const indexed = await this.engine.indexedActionMatch(q, runId);
    if (!indexed) return scan;
    if (pending.length === 0) return { parts: [indexed], inPageOrder: false };
    // One range per run, from its first pending seq to its last: what the indexer finished in
    // between is read twice and counted once.
    const ranges = sql<SqlBool>`(${sql.join(
      pending.map(
        (r) =>
          sql`(${sql.ref('actions.run_id')} = ${r.run_id} and ${sql.ref('actions.seq')} between ${Number(r.first)} and ${Number(r.last)})`,
      ),
      sql` or `,
    )})`;
    return {
      parts: [indexed, sql<SqlBool>`(${ranges} and ${this.engine.matchText('actions', q)})`],
      inPageOrder: false,
    };
  }

  /** Runs one page query per part of the plan and merges their rows in the page's order. */
  private async textPage(
    plan: TextPlan,
    query: (match: Expression<SqlBool>) => { execute(): Promise<Selectable<ActionsTable>[]> },
    compare: (a: Action, b: Action) => number,
    limit: number,
  ): Promise<Action[]> {
    if (plan.inPageOrder) {
      const rows = await this.engine.inPageOrder(() => query(plan.parts[0]!).execute());
      return rows.map(toAction);
    }
    const pages = await Promise.all(
      plan.parts.map(async (part) => (await query(part).execute()).map(toAction)),
    );
    if (pages.length === 1) return pages[0]!;
    const seen = new Set<string>();
    return pages
      .flat()
      .filter((a) => {
        const key = `${a.runId}/${a.seq}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .sort(compare)
      .slice(0, limit + 1);
  }

  /** A run's actions in the order they were reported (`seq`), filtered. */
  async list(
    runId: string,
    filters: ActionListFilters,
    page: { limit: number; cursor?: string | undefined; sort: SortOrder },
  ): Promise<Page<Action>> {
    const items = filters.q
      ? await this.textPage(
          await this.textPlan(filters.q, runId),
          (match) => this.listQuery(runId, filters, page, match),
          (a, b) => (page.sort === 'desc' ? b.seq - a.seq : a.seq - b.seq),
          page.limit,
        )
      : (await this.listQuery(runId, filters, page).execute()).map(toAction);
    return toPage(items, page.limit, (a) => ({ key: a.seq, id: a.seq }));
  }

  /** The query of one page of a run's actions (its plan is what plan tests and `bench:query` look at). */
  listQuery(runId: string, filters: ActionListFilters, page: ActionPaging, match?: Expression<SqlBool>) {
    let qb = this.filtered(runId, filters, page.sort, match).limit(page.limit + 1);
    if (page.cursor) {
      const seq = Number(decodeCursor(page.cursor, { key: 'seq', id: 'seq' }).key);
      qb = qb.where('seq', page.sort === 'desc' ? '<' : '>', seq);
    }
    return qb;
  }

  /**
   * Actions across runs, newest first by default, keyset-paged on `(at, run_id, seq)` (the order of
   * `actions_at_idx`), in the runs of the given organizations.
   */
  async search(filters: ActionSearchFilters, page: ActionPaging): Promise<Page<Action>> {
    const direction = page.sort === 'desc' ? -1 : 1;
    const items = filters.q
      ? await this.textPage(
          await this.textPlan(filters.q),
          (match) => this.searchQuery(filters, page, match),
          (a, b) =>
            direction *
            (Date.parse(a.at) - Date.parse(b.at) ||
              (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0) ||
              a.seq - b.seq),
          page.limit,
        )
      : (await this.searchQuery(filters, page).execute()).map(toAction);
    return toPage(items, page.limit, (a) => ({ key: Date.parse(a.at), id: `${a.runId}/${a.seq}` }));
  }

  /** The query of one page of `search` (its plan is what plan tests and `bench:query` look at). */
  searchQuery(filters: ActionSearchFilters, page: ActionPaging, match?: Expression<SqlBool>) {
    const sort = page.sort;
    let qb = this.engine.db
      .selectFrom('actions')
      .selectAll('actions')
      .orderBy('actions.at', sort)
      .orderBy('actions.run_id', sort)
      .orderBy('actions.seq', sort)
      .limit(page.limit + 1);
    const organizations = filters.organizations;
    if (organizations !== 'all') {
      // A run's organization, looked up by its key for each action read (a semi-join).
      qb = qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom('runs')
            .select(eb.lit(1).as('one'))
            .whereRef('runs.id', '=', 'actions.run_id')
            .where(inOrganizations('runs.organization_id', organizations)),
        ),
      );
    }
    if (filters.q) qb = qb.where(match ?? this.engine.matchText('actions', filters.q));
    if (filters.from) qb = qb.where('actions.at', '>=', filters.from);
    if (filters.to) qb = qb.where('actions.at', '<', filters.to);
    if (page.cursor) {
      const position = decodeCursor(page.cursor, TIME_RUN_SEQ);
      const [runId, seq] = String(position.id).split('/');
      qb = qb.where(
        afterTuple(
          ['actions.at', 'actions.run_id', 'actions.seq'],
          [new Date(Number(position.key)), runId, Number(seq)],
          sort,
        ),
      );
    }
    return qb;
  }

  /** Every action the list would show, in batches, through one cursor (exports). */
  async *stream(runId: string, filters: ActionListFilters, sort: SortOrder, batchSize: number) {
    for await (const rows of this.engine.stream(this.filtered(runId, filters, sort), batchSize)) {
      yield rows.map(toAction);
    }
  }

  /**
   * The same actions as CSV records written by the engine (`columns`: export column names), or
   * undefined where it cannot (SQLite, or a column it has no cell for).
   */
  copyCsv(runId: string, filters: ActionListFilters, sort: SortOrder, columns: readonly string[]) {
    const cells = cellSelections(this.engine.kind, ACTION_CELLS, columns);
    if (!this.engine.copyCsv || !cells) return undefined;
    return this.engine.copyCsv(this.filtered(runId, filters, sort).clearSelect().select(cells));
  }

  /** `match`: the condition for `q` (a part of a TextPlan); a scan by default (exports). */
  private filtered(runId: string, filters: ActionListFilters, sort: SortOrder, match?: Expression<SqlBool>) {
    let qb = this.engine.db
      .selectFrom('actions')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('seq', sort);
    if (filters.statuses) qb = qb.where('status', 'in', filters.statuses);
    if (filters.actions) qb = qb.where('action', 'in', filters.actions);
    if (filters.objectTypes) qb = qb.where('object_type', 'in', filters.objectTypes);
    if (filters.q) qb = qb.where(match ?? this.engine.matchText('actions', filters.q));
    return qb;
  }
}
