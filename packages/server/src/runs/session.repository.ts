import type { ExpressionBuilder } from 'kysely';
import type { Page, RunOrder, SessionListItem, SortOrder, SyncStatus } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import type { Database } from '../storage/database.js';
import { afterPosition } from '../storage/query-helpers.js';
import { decodeCursor, TIME_UUID, toPage, type CursorShape } from '../shared/cursor.js';
import {
  filteredRuns,
  integrationCancellable,
  SEVERITY,
  toRun,
  type RunListFilters,
} from './run.repository.js';

/** `orderBy=status`: the cursor holds the status's rank (see SEVERITY), the request time and the id. */
const RANK_CURSOR: CursorShape = { key: 'rank-time', id: 'uuid' };

/** Statuses from the worst: the order of `orderBy=status&sort=desc`. */
const WORST_FIRST: readonly SyncStatus[] = ['ERROR', 'WARNING', 'INFO', 'OK'];

export interface SessionPaging {
  limit: number;
  cursor?: string | undefined;
  sort: SortOrder;
  orderBy: RunOrder;
}

/** One column of a run's sync user, next to the run's columns (null for a run without a user). */
function userColumn(column: 'name' | 'email' | 'external_id', alias: string) {
  return (eb: ExpressionBuilder<Database, 'runs'>) =>
    eb
      .selectFrom('sync_users')
      .select(`sync_users.${column}`)
      .whereRef('sync_users.id', '=', 'runs.user_id')
      .as(alias);
}

/** The lists of sessions (an organization's, a user's): runs with their sync user's name, email, external id. */
export class SessionRepository {
  constructor(private readonly engine: Engine) {}

  async list(filters: RunListFilters, page: SessionPaging): Promise<Page<SessionListItem>> {
    return page.orderBy === 'status' ? this.byStatus(filters, page) : this.byRequestTime(filters, page);
  }

  private query(filters: RunListFilters, sort: SortOrder, limit: number) {
    return filteredRuns(
      this.engine.db
        .selectFrom('runs')
        .selectAll('runs')
        .select(integrationCancellable)
        .select(userColumn('name', 'user_name'))
        .select(userColumn('email', 'user_email'))
        .select(userColumn('external_id', 'user_external_id')),
      filters,
    )
      .orderBy('runs.requested_at', sort)
      .orderBy('runs.id', sort)
      .limit(limit);
  }

  private async read(qb: ReturnType<SessionRepository['query']>): Promise<SessionListItem[]> {
    return (await qb.execute()).map((row) => ({
      ...toRun(row),
      userName: row.user_name ?? null,
      userEmail: row.user_email ?? null,
      userExternalId: row.user_external_id ?? null,
    }));
  }

  private async byRequestTime(filters: RunListFilters, page: SessionPaging) {
    let qb = this.query(filters, page.sort, page.limit + 1);
    if (page.cursor) {
      const position = decodeCursor(page.cursor, TIME_UUID);
      qb = qb.where((eb) => afterPosition(eb, 'runs.requested_at', 'runs.id', position, page.sort, true));
    }
    const items = await this.read(qb);
    return toPage(items, page.limit, (r) => ({ key: Date.parse(r.requestedAt), id: r.id }));
  }

  /**
   * Worst status first (`sort=desc`), newest first within a status; keyset over (rank, requested_at,
   * id). An ORDER BY on a rank expression (`case status when 'ERROR' then 3 …`, which both engines
   * accept) would use no index for its order: every page would read and sort all of the
   * organization's matching runs. Each status is read on its own instead, in rank order, until the
   * page is full: `status = ?` is an equality on the second column of `runs_org_status_idx
   * (organization_id, status, requested_at, id)`, so each read is one ordered index range that stops
   * after the rows it needs, and a page costs at most four such reads with no sort. A user's list
   * reads `runs_user_idx (user_id, requested_at, id)` and checks the status of each: a user's runs
   * are few.
   */
  private async byStatus(filters: RunListFilters, page: SessionPaging) {
    const order = page.sort === 'desc' ? WORST_FIRST : [...WORST_FIRST].reverse();
    let position: { rank: number; at: number; id: string } | undefined;
    if (page.cursor) {
      const decoded = decodeCursor(page.cursor, RANK_CURSOR);
      const [rank, at] = decoded.key as [number, number];
      position = { rank, at, id: String(decoded.id) };
    }
    const items: SessionListItem[] = [];
    for (const status of order) {
      if (filters.statuses && !filters.statuses.includes(status)) continue;
      const rank = SEVERITY[status];
      if (position && (page.sort === 'desc' ? rank > position.rank : rank < position.rank)) continue;
      let qb = this.query({ ...filters, statuses: [status] }, page.sort, page.limit + 1 - items.length);
      if (position && rank === position.rank) {
        const { at, id } = position;
        qb = qb.where((eb) =>
          afterPosition(eb, 'runs.requested_at', 'runs.id', { key: at, id }, page.sort, true),
        );
      }
      items.push(...(await this.read(qb)));
      if (items.length > page.limit) break;
    }
    return toPage(items, page.limit, (r) => ({
      key: [SEVERITY[r.status], Date.parse(r.requestedAt)] as [number, number],
      id: r.id,
    }));
  }
}
