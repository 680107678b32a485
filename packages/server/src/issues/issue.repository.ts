import type { Selectable } from 'kysely';
import type { Issue, IssueListItem, IssueState, Page, SortOrder } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import type { IssuesTable } from '../storage/database.js';
import { toIso, toIsoOrNull } from '../storage/row-values.js';
import { afterPosition, inOrganizations } from '../storage/query-helpers.js';
import { decodeCursor, TIME_UUID, toPage } from '../shared/cursor.js';

export function toIssue(row: Selectable<IssuesTable>): Issue {
  return {
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    objectType: row.object_type,
    objectId: row.object_id,
    objectName: row.object_name,
    direction: row.direction,
    operation: row.operation,
    errorCode: row.error_code,
    errorText: row.error_text,
    firstSeenAt: toIso(row.first_seen_at),
    lastSeenAt: toIso(row.last_seen_at),
    occurrences: row.occurrences,
    state: row.state as IssueState,
    lastRunId: row.last_run_id,
    resolvedAt: toIsoOrNull(row.resolved_at),
  };
}

export interface OpenIssueRef {
  id: string;
  objectKey: string;
  operation: string;
}

export interface NewIssue {
  id: string;
  organizationId: string;
  userId: string;
  objectKey: string;
  objectType: string | null;
  objectId: string | null;
  objectName: string | null;
  direction: string;
  operation: string;
  errorCode: number;
  errorText: string | null;
  at: Date;
  runId: string;
}

export interface IssueListFilters {
  /** The organizations the list may show (`'all'` for an operator). */
  organizations: 'all' | readonly string[];
  userIds?: string[] | undefined;
  states?: string[] | undefined;
  errorCodes?: number[] | undefined;
  objectTypes?: string[] | undefined;
  directions?: string[] | undefined;
  /** On the time last seen: `from` inclusive, `to` exclusive. */
  from?: Date | undefined;
  to?: Date | undefined;
}

const KEY_CHUNK = 500;

export class IssueRepository {
  constructor(private readonly engine: Engine) {}

  /** Open issues of a user for any of these objects. */
  async findOpen(userId: string, objectKeys: readonly string[]): Promise<OpenIssueRef[]> {
    const found: OpenIssueRef[] = [];
    for (let i = 0; i < objectKeys.length; i += KEY_CHUNK) {
      const rows = await this.engine.db
        .selectFrom('issues')
        .select(['id', 'object_key', 'operation'])
        .where('user_id', '=', userId)
        .where('state', '=', 'OPEN')
        .where('object_key', 'in', objectKeys.slice(i, i + KEY_CHUNK))
        .execute();
      found.push(...rows.map((r) => ({ id: r.id, objectKey: r.object_key, operation: r.operation })));
    }
    return found;
  }

  async insert(issue: NewIssue): Promise<void> {
    await this.engine.db
      .insertInto('issues')
      .values({
        id: issue.id,
        organization_id: issue.organizationId,
        user_id: issue.userId,
        object_key: issue.objectKey,
        object_type: issue.objectType,
        object_id: issue.objectId,
        object_name: issue.objectName,
        direction: issue.direction,
        operation: issue.operation,
        error_code: issue.errorCode,
        error_text: issue.errorText,
        first_seen_at: issue.at,
        last_seen_at: issue.at,
        occurrences: 1,
        state: 'OPEN',
        last_run_id: issue.runId,
      })
      .execute();
  }

  async recordAgain(
    id: string,
    seen: { at: Date; runId: string; errorCode: number; errorText: string | null; objectName: string | null },
  ): Promise<void> {
    await this.engine.db
      .updateTable('issues')
      .set((eb) => ({
        occurrences: eb('occurrences', '+', 1),
        last_seen_at: seen.at,
        last_run_id: seen.runId,
        error_code: seen.errorCode,
        error_text: seen.errorText,
        ...(seen.objectName !== null ? { object_name: seen.objectName } : {}),
      }))
      .where('id', '=', id)
      .execute();
  }

  async resolve(ids: readonly string[], at: Date): Promise<void> {
    for (let i = 0; i < ids.length; i += KEY_CHUNK) {
      await this.engine.db
        .updateTable('issues')
        .set({ state: 'RESOLVED', resolved_at: at })
        .where('id', 'in', ids.slice(i, i + KEY_CHUNK))
        .execute();
    }
  }

  /**
   * Issues as filtered, with their sync user's name and email, most recently seen first by default.
   * Keyset paged on `(last_seen_at, id)`: `issues_user_idx` serves a user's list,
   * `issues_org_seen_idx` an organization's and `issues_seen_idx` everyone's.
   */
  async list(
    filters: IssueListFilters,
    page: { limit: number; cursor?: string | undefined; sort: SortOrder },
  ): Promise<Page<IssueListItem>> {
    let qb = this.engine.db
      .selectFrom('issues')
      .innerJoin('sync_users', 'sync_users.id', 'issues.user_id')
      .selectAll('issues')
      .select(['sync_users.name as user_name', 'sync_users.email as user_email'])
      .where(inOrganizations('issues.organization_id', filters.organizations))
      .orderBy('issues.last_seen_at', page.sort)
      .orderBy('issues.id', page.sort)
      .limit(page.limit + 1);
    if (filters.userIds) qb = qb.where('issues.user_id', 'in', filters.userIds);
    if (filters.states) qb = qb.where('issues.state', 'in', filters.states);
    if (filters.errorCodes) qb = qb.where('issues.error_code', 'in', filters.errorCodes);
    if (filters.objectTypes) qb = qb.where('issues.object_type', 'in', filters.objectTypes);
    if (filters.directions) qb = qb.where('issues.direction', 'in', filters.directions);
    if (filters.from) qb = qb.where('issues.last_seen_at', '>=', filters.from);
    if (filters.to) qb = qb.where('issues.last_seen_at', '<', filters.to);
    if (page.cursor) {
      const position = decodeCursor(page.cursor, TIME_UUID);
      qb = qb.where((eb) => afterPosition(eb, 'issues.last_seen_at', 'issues.id', position, page.sort, true));
    }
    const items = (await qb.execute()).map((row): IssueListItem => ({
      ...toIssue(row),
      userName: row.user_name,
      userEmail: row.user_email,
    }));
    return toPage(items, page.limit, (i) => ({ key: Date.parse(i.lastSeenAt), id: i.id }));
  }
}
