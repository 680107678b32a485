import { sql, type ExpressionBuilder, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { Page, Run, RunProgress, SortOrder, SyncStatus } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import type { Database, RunsTable } from '../storage/database.js';
import { fromJson, toBool, toIso, toIsoOrNull, toJsonOrNull } from '../storage/row-values.js';
import { afterPosition, inOrganizations } from '../storage/query-helpers.js';
import { decodeCursor, TIME_UUID, toPage } from '../shared/cursor.js';

/** A run's row with its integration's `cancellable` capability (see `integrationCancellable`). */
type RunRow = Selectable<RunsTable> & { integration_cancellable: boolean | number | null };

/**
 * Selects the run's integration's `cancellable` next to the run's columns (in a SELECT or a
 * RETURNING), so that every run read answers `cancellable` without a second query.
 */
export function integrationCancellable(eb: ExpressionBuilder<Database, 'runs'>) {
  return eb
    .selectFrom('integrations')
    .select('integrations.cancellable')
    .whereRef('integrations.id', '=', 'runs.integration_id')
    .as('integration_cancellable');
}

/** What `POST /runs/{id}/cancel` accepts: a PENDING or RUNNING run of an integration that can cancel. */
function isCancellable(row: RunRow): boolean {
  return (
    (row.progress === 'PENDING' || row.progress === 'RUNNING') &&
    row.integration_cancellable !== null &&
    toBool(row.integration_cancellable)
  );
}

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    organizationId: row.organization_id,
    integrationId: row.integration_id,
    integrationType: row.integration_type,
    userId: row.user_id,
    name: row.name,
    trigger: row.trigger,
    progress: row.progress as RunProgress,
    status: row.status as SyncStatus,
    requestedAt: toIso(row.requested_at),
    startedAt: toIsoOrNull(row.started_at),
    finishedAt: toIsoOrNull(row.finished_at),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    lastHeartbeatAt: toIsoOrNull(row.last_heartbeat_at),
    counters: {
      processed: row.processed,
      creates: row.creates,
      updates: row.updates,
      deletes: row.deletes,
      warnings: row.warnings,
      errors: row.errors,
      objects: row.objects,
      changes: row.changes,
      failures: row.failures,
      conflicts: row.conflicts,
      issues: row.issues,
    },
    errorSource: row.error_source,
    errorCategory: row.error_category,
    exception: row.exception,
    objectReport: row.object_report === null ? null : fromJson<Record<string, unknown>>(row.object_report),
    requestedBy: row.requested_by,
    leaseOwner: row.lease_owner,
    cancelRequestedBy: row.cancel_requested_by,
    cancelRequestedAt: toIsoOrNull(row.cancel_requested_at),
    cancellable: isCancellable(row),
  };
}

export interface NewRun {
  id: string;
  organizationId: string;
  integrationId: string;
  integrationType: string;
  userId: string | null;
  name: string | null;
  trigger: string;
  progress: RunProgress;
  requestedAt: Date;
  startedAt: Date | null;
  requestedBy: string;
}

/** Fields a connector or an administrator may change on a run. */
export interface RunChanges {
  progress?: RunProgress;
  name?: string | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  durationMs?: number | null;
  lastHeartbeatAt?: Date;
  objects?: number;
  changes?: number;
  failures?: number;
  conflicts?: number;
  errorSource?: string | null;
  errorCategory?: string | null;
  exception?: string | null;
  objectReport?: Record<string, unknown> | null;
  leaseOwner?: string | null;
  cancelRequestedBy?: string | null;
  cancelRequestedAt?: Date | null;
}

/** What one batch of actions adds to a run. */
export interface BatchTally {
  processed: number;
  creates: number;
  updates: number;
  deletes: number;
  warnings: number;
  errors: number;
  issues: number;
  /** The most severe status in the batch. */
  status: SyncStatus;
}

export interface RunListFilters {
  organizations: 'all' | readonly string[];
  integrationIds?: string[] | undefined;
  integrationTypes?: string[] | undefined;
  userIds?: string[] | undefined;
  names?: string[] | undefined;
  triggers?: string[] | undefined;
  progress?: string[] | undefined;
  statuses?: string[] | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** The list's filters on a query of runs. */
export function filteredRuns<O>(
  qb: SelectQueryBuilder<Database, 'runs', O>,
  filters: RunListFilters,
): SelectQueryBuilder<Database, 'runs', O> {
  qb = qb.where(inOrganizations('runs.organization_id', filters.organizations));
  if (filters.integrationIds) qb = qb.where('runs.integration_id', 'in', filters.integrationIds);
  if (filters.integrationTypes) qb = qb.where('runs.integration_type', 'in', filters.integrationTypes);
  if (filters.userIds) qb = qb.where('runs.user_id', 'in', filters.userIds);
  if (filters.names) qb = qb.where('runs.name', 'in', filters.names);
  if (filters.triggers) qb = qb.where('runs.trigger', 'in', filters.triggers);
  if (filters.progress) qb = qb.where('runs.progress', 'in', filters.progress);
  if (filters.statuses) qb = qb.where('runs.status', 'in', filters.statuses);
  if (filters.from) qb = qb.where('runs.requested_at', '>=', filters.from);
  if (filters.to) qb = qb.where('runs.requested_at', '<', filters.to);
  return qb;
}

const SEVERITY_SQL = sql<number>`case status when 'ERROR' then 3 when 'WARNING' then 2 when 'INFO' then 1 else 0 end`;
export const SEVERITY: Record<SyncStatus, number> = { OK: 0, INFO: 1, WARNING: 2, ERROR: 3 };

export class RunRepository {
  constructor(private readonly engine: Engine) {}

  async insert(run: NewRun): Promise<void> {
    await this.engine.db
      .insertInto('runs')
      .values({
        id: run.id,
        organization_id: run.organizationId,
        integration_id: run.integrationId,
        integration_type: run.integrationType,
        user_id: run.userId,
        name: run.name,
        trigger: run.trigger,
        progress: run.progress,
        status: 'OK',
        requested_at: run.requestedAt,
        started_at: run.startedAt,
        requested_by: run.requestedBy,
      })
      .execute();
  }

  async findById(id: string): Promise<Run | undefined> {
    const row = await this.engine.db
      .selectFrom('runs')
      .selectAll('runs')
      .select(integrationCancellable)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRun(row);
  }

  /** The runs with these ids (unknown ones are left out). */
  async findByIds(ids: readonly string[]): Promise<Map<string, Run>> {
    const found = new Map<string, Run>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.engine.db
        .selectFrom('runs')
        .selectAll('runs')
        .select(integrationCancellable)
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const row of rows) found.set(row.id, toRun(row));
    }
    return found;
  }

  async update(id: string, c: RunChanges): Promise<Run | undefined> {
    const set = {
      ...(c.progress !== undefined ? { progress: c.progress } : {}),
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.startedAt !== undefined ? { started_at: c.startedAt } : {}),
      ...(c.finishedAt !== undefined ? { finished_at: c.finishedAt } : {}),
      ...(c.durationMs !== undefined ? { duration_ms: c.durationMs } : {}),
      ...(c.lastHeartbeatAt !== undefined ? { last_heartbeat_at: c.lastHeartbeatAt } : {}),
      ...(c.objects !== undefined ? { objects: c.objects } : {}),
      ...(c.changes !== undefined ? { changes: c.changes } : {}),
      ...(c.failures !== undefined ? { failures: c.failures } : {}),
      ...(c.conflicts !== undefined ? { conflicts: c.conflicts } : {}),
      ...(c.errorSource !== undefined ? { error_source: c.errorSource } : {}),
      ...(c.errorCategory !== undefined ? { error_category: c.errorCategory } : {}),
      ...(c.exception !== undefined ? { exception: c.exception } : {}),
      ...(c.objectReport !== undefined ? { object_report: toJsonOrNull(c.objectReport) } : {}),
      ...(c.leaseOwner !== undefined ? { lease_owner: c.leaseOwner } : {}),
      ...(c.cancelRequestedBy !== undefined ? { cancel_requested_by: c.cancelRequestedBy } : {}),
      ...(c.cancelRequestedAt !== undefined ? { cancel_requested_at: c.cancelRequestedAt } : {}),
    };
    if (Object.keys(set).length === 0) return this.findById(id);
    const row = await this.engine.db
      .updateTable('runs')
      .set(set)
      .where('id', '=', id)
      .returningAll()
      .returning(integrationCancellable)
      .executeTakeFirst();
    return row && toRun(row);
  }

  /**
   * Adds a batch's tally to a run that is not final, in one statement (which also serializes
   * concurrent batches of the same run on PostgreSQL). A PENDING run starts. Returns undefined when
   * the run is final.
   */
  async addBatch(id: string, tally: BatchTally, now: Date): Promise<Run | undefined> {
    const rank = SEVERITY[tally.status];
    const row = await this.engine.db
      .updateTable('runs')
      .set((eb) => ({
        processed: eb('processed', '+', tally.processed),
        creates: eb('creates', '+', tally.creates),
        updates: eb('updates', '+', tally.updates),
        deletes: eb('deletes', '+', tally.deletes),
        warnings: eb('warnings', '+', tally.warnings),
        errors: eb('errors', '+', tally.errors),
        issues: eb('issues', '+', tally.issues),
        status: sql<string>`case when ${rank} > ${SEVERITY_SQL} then ${tally.status} else status end`,
        progress: sql<string>`case when progress = 'PENDING' then 'RUNNING' else progress end`,
        started_at: sql<Date>`coalesce(started_at, ${now})`,
      }))
      .where('id', '=', id)
      .where('progress', 'not in', ['FINISHED', 'ABORTED'])
      .returningAll()
      .returning(integrationCancellable)
      .executeTakeFirst();
    return row && toRun(row);
  }

  async list(filters: RunListFilters, page: { limit: number; cursor?: string | undefined; sort: SortOrder }) {
    const items = (await this.listQuery(filters, page).execute()).map(toRun);
    return toPage(items, page.limit, (r) => ({ key: Date.parse(r.requestedAt), id: r.id })) as Page<Run>;
  }

  /** The query of one page of the list (its plan is what plan tests and `bench:query` look at). */
  listQuery(filters: RunListFilters, page: { limit: number; cursor?: string | undefined; sort: SortOrder }) {
    let qb = filteredRuns(
      this.engine.db.selectFrom('runs').selectAll('runs').select(integrationCancellable),
      filters,
    )
      .orderBy('requested_at', page.sort)
      .orderBy('id', page.sort)
      .limit(page.limit + 1);
    if (page.cursor) {
      const position = decodeCursor(page.cursor, TIME_UUID);
      qb = qb.where((eb) => afterPosition(eb, 'requested_at', 'id', position, page.sort, true));
    }
    return qb;
  }

  /** How many runs match, per UTC hour or day of their request time and status, in time order. */
  async histogram(filters: RunListFilters, unit: 'hour' | 'day') {
    const rows = await filteredRuns(
      this.engine.db
        .selectFrom('runs')
        .select((eb) => [
          this.engine.timeBucket('requested_at', unit).as('bucket_start'),
          'status',
          eb.fn.countAll<number>().as('runs'),
        ]),
      filters,
    )
      .groupBy([sql.ref('bucket_start'), 'status'])
      .execute();
    // Sorted here, not in SQL: PostgreSQL cannot estimate how few buckets there are, and an ORDER BY
    // makes it sort every row before grouping instead of hashing them.
    return rows
      .map((r) => ({ start: toIso(r.bucket_start), status: r.status as SyncStatus, runs: Number(r.runs) }))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }
}
