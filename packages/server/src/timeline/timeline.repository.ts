import { sql, type Expression, type SqlBool } from 'kysely';
import {
  CALL_ACTION,
  type ActionKind,
  type RunProgress,
  type SortOrder,
  type SyncStatus,
  type TimelineEntry,
  type TimelineKind,
} from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import { toIso, toIsoOrNull } from '../storage/row-values.js';
import { afterTuple } from '../storage/query-helpers.js';
import { toIssue } from '../issues/issue.repository.js';
import { SUMMARY_COLUMNS, toSummary } from '../calls/call.repository.js';
import {
  actionEntryId,
  callEntryId,
  issueEntryId,
  runEntryId,
  streamBound,
  type TimelineCursor,
} from './timeline-position.js';

/** Whose timeline: the user and their organization. */
export interface TimelineOwner {
  userId: string;
  organizationId: string;
}

/** One read of a stream: the next `limit` entries after `cursor`, within `from` (inclusive) and `to`. */
export interface StreamPage {
  sort: SortOrder;
  limit: number;
  from?: Date | undefined;
  to?: Date | undefined;
  cursor?: TimelineCursor | undefined;
}

/** A call failed when it answered 400 or more, or its action says so (SSO_FAILED, SLO_FAILED). */
const FAILED_CALL_ACTIONS = CALL_ACTION.filter((a) => a.endsWith('_FAILED'));
const EXCEPTION_CHARS = 500;

/**
 * Where a stream of `kind` resumes after the page's cursor: the stream's time beyond the cursor's,
 * or (for the cursor's own kind) its time and key beyond the cursor's (see `streamBound`).
 */
function resume(
  kind: TimelineKind,
  page: StreamPage,
  time: string,
  key: (rest: string[]) => { columns: string[]; values: unknown[]; inclusive?: boolean },
): Expression<SqlBool> {
  const cursor = page.cursor;
  if (!cursor) return sql<SqlBool>`1 = 1`;
  const at = new Date(cursor.at);
  const bound = streamBound(kind, cursor, page.sort);
  if (bound !== 'key') return afterTuple([time], [at], page.sort, bound === 'beyond-or-at');
  const k = key(cursor.rest);
  return afterTuple([time, ...k.columns], [at, ...k.values], page.sort, k.inclusive ?? false);
}

/** The range filter of a stream on its time column. */
function inRange(time: string, page: StreamPage): Expression<SqlBool> {
  const parts = [
    ...(page.from ? [sql<SqlBool>`${sql.ref(time)} >= ${page.from}`] : []),
    ...(page.to ? [sql<SqlBool>`${sql.ref(time)} < ${page.to}`] : []),
  ];
  return parts.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`${sql.join(parts, sql` and `)}`;
}

/**
 * The streams a sync user's timeline merges, each read in its own keyset order and cut after a
 * page: no stream is read whole. Runs by `runs_user_idx`; failing actions through each of the user's
 * runs (`actions_status_idx`), sorted by time; issues by `issues_user_first_seen_idx` and
 * `issues_user_resolved_idx`; calls through the user's runs (`calls_run_idx`) and by login
 * (`calls_org_login_lower_idx`). The streams through the user's runs cost a look-up per run of the
 * user (a few hundred in a year of daily syncs: tens of milliseconds), then a sort of what they found.
 */
export class TimelineRepository {
  constructor(private readonly engine: Engine) {}

  async runs(owner: TimelineOwner, statuses: readonly SyncStatus[] | undefined, page: StreamPage) {
    let qb = this.engine.db
      .selectFrom('runs')
      .select([
        'id',
        'status',
        'progress',
        'trigger',
        'requested_at',
        'finished_at',
        'integration_id',
        'integration_type',
        'name',
        'error_source',
        'error_category',
      ])
      .select(sql<string | null>`substr(exception, 1, ${EXCEPTION_CHARS})`.as('exception'))
      .where('user_id', '=', owner.userId)
      .where(inRange('requested_at', page))
      .where(resume('run', page, 'requested_at', ([id]) => ({ columns: ['id'], values: [id] })))
      .orderBy('requested_at', page.sort)
      .orderBy('id', page.sort)
      .limit(page.limit);
    if (statuses) qb = qb.where('status', 'in', statuses);
    return (await qb.execute()).map((r): TimelineEntry => ({
      id: runEntryId(r.id),
      kind: 'run',
      at: toIso(r.requested_at),
      status: r.status as SyncStatus,
      run: {
        id: r.id,
        status: r.status as SyncStatus,
        progress: r.progress as RunProgress,
        trigger: r.trigger,
        requestedAt: toIso(r.requested_at),
        finishedAt: toIsoOrNull(r.finished_at),
        integrationId: r.integration_id,
        integrationType: r.integration_type,
        name: r.name,
        errorSource: r.error_source,
        errorCategory: r.error_category,
        exception: r.exception,
      },
    }));
  }

  /** The WARNING and ERROR actions (or those of `statuses`) of the user's runs, by their time. */
  async actions(owner: TimelineOwner, statuses: readonly SyncStatus[], page: StreamPage) {
    const rows = await this.engine.db
      .selectFrom('actions')
      .select([
        'run_id',
        'seq',
        'at',
        'object_type',
        'action',
        'status',
        'source_system',
        'source_name',
        'target_system',
        'target_name',
        'message',
        'error_code',
      ])
      .where('run_id', 'in', this.runsOf(owner))
      .where('status', 'in', statuses)
      .where(inRange('at', page))
      .where(
        resume('action', page, 'at', ([runId, seq]) => ({
          columns: ['run_id', 'seq'],
          values: [runId, Number(seq)],
        })),
      )
      .orderBy('at', page.sort)
      .orderBy('run_id', page.sort)
      .orderBy('seq', page.sort)
      .limit(page.limit)
      .execute();
    return rows.map((r): TimelineEntry => ({
      id: actionEntryId(r.run_id, r.seq),
      kind: 'action',
      at: toIso(r.at),
      status: r.status as SyncStatus,
      action: {
        runId: r.run_id,
        seq: r.seq,
        objectType: r.object_type,
        action: r.action as ActionKind,
        sourceSystem: r.source_system,
        sourceName: r.source_name,
        targetSystem: r.target_system,
        targetName: r.target_name,
        message: r.message,
        errorCode: r.error_code,
      },
    }));
  }

  /** The user's issues when first seen (`opened`, ERROR) or when resolved (`resolved`, OK). */
  async issues(owner: TimelineOwner, event: 'opened' | 'resolved', page: StreamPage) {
    const time = event === 'opened' ? 'first_seen_at' : 'resolved_at';
    let qb = this.engine.db
      .selectFrom('issues')
      .selectAll()
      .where('user_id', '=', owner.userId)
      .where(inRange(time, page))
      .where(
        resume('issue', page, time, ([id, cursorEvent]) => ({
          columns: ['id'],
          values: [id],
          // The same issue's other event at the same time: `opened` sorts before `resolved`.
          inclusive: page.sort === 'desc' ? event < cursorEvent! : event > cursorEvent!,
        })),
      )
      .orderBy(time, page.sort)
      .orderBy('id', page.sort)
      .limit(page.limit);
    if (event === 'resolved') qb = qb.where('resolved_at', 'is not', null);
    return (await qb.execute()).map((row): TimelineEntry => {
      const issue = toIssue(row);
      return {
        id: issueEntryId(issue.id, event),
        kind: 'issue',
        at: event === 'opened' ? issue.firstSeenAt : issue.resolvedAt!,
        status: event === 'opened' ? 'ERROR' : 'OK',
        event,
        issue,
      };
    });
  }

  /**
   * The organization's calls of the user: those of one of their runs (`run`), or else those whose
   * login is `login` in any case (`{ login }`: one of the user's email and external id, each read on
   * its own so that each read is one ordered range of `calls_org_login_lower_idx`). `failed` keeps
   * only the failed calls (true) or only the others (false).
   */
  async calls(
    owner: TimelineOwner,
    by: 'run' | { login: string },
    failed: boolean | undefined,
    page: StreamPage,
  ) {
    const matchedBy = by === 'run' ? 'run' : 'login';
    let qb = this.engine.db
      .selectFrom('calls')
      .select(SUMMARY_COLUMNS)
      .where('organization_id', '=', owner.organizationId)
      .where(inRange('at', page))
      .where(resume('call', page, 'at', ([id]) => ({ columns: ['id'], values: [id] })))
      .orderBy('at', page.sort)
      .orderBy('id', page.sort)
      .limit(page.limit);
    if (by === 'run') {
      qb = qb.where('run_id', 'in', this.runsOf(owner));
    } else {
      // `lower(login)` exactly as the expression index has it; both sides through the engine's lower().
      qb = qb
        .where(sql<SqlBool>`lower(login) = lower(${by.login})`)
        .where((eb) => eb.or([eb('run_id', 'is', null), eb('run_id', 'not in', this.runsOf(owner))]));
    }
    if (failed === true)
      qb = qb.where((eb) => eb.or([eb('status_code', '>=', 400), eb('action', 'in', FAILED_CALL_ACTIONS)]));
    if (failed === false)
      qb = qb.where((eb) =>
        eb.and([
          eb.or([eb('status_code', 'is', null), eb('status_code', '<', 400)]),
          eb('action', 'not in', FAILED_CALL_ACTIONS),
        ]),
      );
    return (await qb.execute()).map((row): TimelineEntry => {
      const call = toSummary(row);
      const failure = (call.statusCode ?? 0) >= 400 || FAILED_CALL_ACTIONS.includes(call.action);
      return {
        id: callEntryId(call.id),
        kind: 'call',
        at: call.at,
        status: failure ? 'ERROR' : 'OK',
        matchedBy,
        call,
      };
    });
  }

  private runsOf(owner: TimelineOwner) {
    return this.engine.db.selectFrom('runs').select('runs.id').where('runs.user_id', '=', owner.userId);
  }
}
