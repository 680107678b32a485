import { v7 as uuidv7 } from 'uuid';
import {
  ACTION_KIND,
  SYNC_STATUS,
  type Action,
  type ActionBatchResult,
  type ActionInput,
  type ActionListQuery,
  type HeartbeatResult,
  type Page,
  type Run,
  type RunCreate,
  type RunListQuery,
  type RunPatch,
  type SessionListItem,
  type SessionListQuery,
} from '@synctrail/types';
import type { Access, Scope } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { AppError, notFound } from '../http/errors.js';
import { isUuid, parseList } from '../shared/filters.js';
import type { Masker } from '../masking/masker.js';
import { BASELINE_MASKERS, type MaskerSource } from '../masking/masking-rule.service.js';
import { toJsonOrNull } from '../storage/row-values.js';
import { ActionRepository, type ActionRecord } from '../actions/action.repository.js';
import type { OrganizationService } from '../organizations/organization.service.js';
import type { IntegrationService } from '../integrations/integration.service.js';
import type { IssueService } from '../issues/issue.service.js';
import type { UserService } from '../users/user.service.js';
import { RunRepository, type RunChanges, type RunListFilters } from './run.repository.js';
import { SessionRepository } from './session.repository.js';
import { parseRunFilters } from './run-filters.js';
import { allowedMoves, canMove, isFinal, tally } from './run-rules.js';
import type { LiveEventService } from '../events/live-event.service.js';
import { Metrics } from '../metrics/metrics.js';

/** A heartbeat is a live event when the previous one is at least this old (or there was none). */
export const HEARTBEAT_EVENT_EVERY_MS = 15_000;

/** An action as stored: secrets masked in its details and in a message holding structured data. */
function toRecord(input: ActionInput, seq: number, now: Date, masker: Masker): ActionRecord {
  return {
    seq,
    at: input.at ? new Date(input.at) : now,
    sourceSystem: input.source.system,
    sourceId: input.source.id ?? null,
    sourceName: input.source.name ?? null,
    targetSystem: input.target.system,
    targetId: input.target.id ?? null,
    targetName: input.target.name ?? null,
    objectType: input.objectType ?? null,
    action: input.action,
    status: input.status,
    message: input.message === undefined || input.message === null ? null : masker.body(input.message),
    details: toJsonOrNull(input.details === undefined ? undefined : masker.json(input.details)),
    errorCode: input.errorCode ?? null,
  };
}

function actionFilters(query: ActionListQuery) {
  return {
    statuses: parseList('status', query.status, SYNC_STATUS),
    actions: parseList('action', query.action, ACTION_KIND),
    objectTypes: parseList('objectType', query.objectType),
    q: query.q?.trim() || undefined,
  };
}

function finalChanges(run: Pick<Run, 'startedAt'>, finishedAt: Date): RunChanges {
  const started = run.startedAt ? new Date(run.startedAt) : finishedAt;
  return {
    finishedAt,
    startedAt: started,
    durationMs: Math.max(0, finishedAt.getTime() - started.getTime()),
  };
}

export class RunService {
  readonly repository: RunRepository;
  readonly actions: ActionRepository;
  readonly sessions: SessionRepository;

  constructor(
    private readonly engine: Engine,
    private readonly organizations: OrganizationService,
    private readonly integrations: IntegrationService,
    private readonly users: UserService,
    private readonly issues: IssueService,
    private readonly events: LiveEventService,
    private readonly masking: MaskerSource = BASELINE_MASKERS,
    private readonly metrics: Metrics = new Metrics(),
  ) {
    this.repository = new RunRepository(engine);
    this.actions = new ActionRepository(engine);
    this.sessions = new SessionRepository(engine);
  }

  async get(access: Access, id: string, scope?: Scope): Promise<Run> {
    const run = isUuid(id) ? await this.repository.findById(id) : undefined;
    if (!run || !access.canSee(run.organizationId)) throw notFound('run_not_found', 'Run', id);
    if (scope) access.require(scope, run.organizationId);
    return run;
  }

  async list(access: Access, query: RunListQuery, fixed: Partial<RunListFilters> = {}): Promise<Page<Run>> {
    const filters: RunListFilters = { ...parseRunFilters(access, query), ...fixed };
    return this.repository.list(filters, {
      limit: query.limit ?? 50,
      cursor: query.cursor,
      sort: query.sort ?? 'desc',
    });
  }

  /** Statistics of all the sessions of an organization's users (the third seed's Statistics tab). */
  async listForOrganization(
    access: Access,
    organizationId: string,
    query: SessionListQuery,
  ): Promise<Page<SessionListItem>> {
    await this.organizations.get(access, organizationId, 'read');
    return this.listSessions(access, query, { organizations: [organizationId] });
  }

  async listForUser(access: Access, userId: string, query: SessionListQuery): Promise<Page<SessionListItem>> {
    const user = await this.users.get(access, userId, 'read');
    return this.listSessions(access, query, { organizations: [user.organizationId], userIds: [user.id] });
  }

  private async listSessions(
    access: Access,
    query: SessionListQuery,
    fixed: Partial<RunListFilters>,
  ): Promise<Page<SessionListItem>> {
    const filters: RunListFilters = { ...parseRunFilters(access, query), ...fixed };
    return this.sessions.list(filters, {
      limit: query.limit ?? 50,
      cursor: query.cursor,
      sort: query.sort ?? 'desc',
      orderBy: query.orderBy ?? 'requestedAt',
    });
  }

  /** Starts a run, or records a whole one (with its actions) when `progress` is final. */
  async create(access: Access, input: RunCreate): Promise<Run> {
    access.require('ingest');
    return this.engine.transaction(async () => {
      const integration = await this.integrations.get(access, input.integrationId, 'ingest');
      if (input.userId) {
        const user = await this.users.get(access, input.userId);
        if (user.organizationId !== integration.organizationId) {
          throw notFound('user_not_found', 'Sync user', input.userId);
        }
      }
      const now = new Date();
      const progress = input.progress ?? 'RUNNING';
      const startedAt = progress === 'PENDING' ? null : input.startedAt ? new Date(input.startedAt) : now;
      const finishedAt = input.finishedAt ? new Date(input.finishedAt) : undefined;
      if (finishedAt && !isFinal(progress)) {
        throw new AppError('validation_failed', '`finishedAt` needs `progress` FINISHED or ABORTED.', [
          { path: '/finishedAt', message: 'only for a finished run' },
        ]);
      }
      if (finishedAt && startedAt && finishedAt < startedAt) {
        throw new AppError('validation_failed', '`finishedAt` is before `startedAt`.', [
          { path: '/finishedAt', message: 'before startedAt' },
        ]);
      }
      const id = uuidv7();
      await this.repository.insert({
        id,
        organizationId: integration.organizationId,
        integrationId: integration.id,
        integrationType: integration.type,
        userId: input.userId ?? null,
        name: input.name ?? null,
        trigger: input.trigger ?? 'FULL_SYNC_JOB',
        progress: isFinal(progress) ? 'RUNNING' : progress,
        requestedAt: startedAt ?? now,
        startedAt,
        requestedBy: access.actor,
      });
      if (input.actions && input.actions.length > 0) await this.appendActions(access, id, input.actions);
      const run = await this.patch(access, id, {
        ...(isFinal(progress) ? { progress, finishedAt: (finishedAt ?? now).toISOString() } : {}),
        ...(input.counters ? { counters: input.counters } : {}),
        ...(input.errorSource !== undefined ? { errorSource: input.errorSource } : {}),
        ...(input.errorCategory !== undefined ? { errorCategory: input.errorCategory } : {}),
        ...(input.exception !== undefined ? { exception: input.exception } : {}),
        ...(input.objectReport !== undefined ? { objectReport: input.objectReport } : {}),
      });
      await this.events.runChanged(run);
      return run;
    });
  }

  /** Progress, reported counters and error details; FINISHED and ABORTED runs accept no change. */
  async patch(access: Access, id: string, patch: RunPatch): Promise<Run> {
    access.require('ingest');
    return this.engine.transaction(async () => {
      const run = await this.get(access, id, 'ingest');
      if (Object.keys(patch).length === 0) return run;
      if (isFinal(run.progress)) {
        throw new AppError('run_final', `Run ${id} is ${run.progress} and accepts no more changes.`, {
          progress: run.progress,
        });
      }
      const to = patch.progress ?? run.progress;
      if (!canMove(run.progress, to)) {
        throw new AppError(
          'invalid_transition',
          `A ${run.progress} run cannot become ${to}; it can become ${allowedMoves(run.progress).join(', ')}.`,
          { from: run.progress, to, allowed: allowedMoves(run.progress) },
        );
      }
      const changes: RunChanges = {
        ...(patch.progress !== undefined ? { progress: patch.progress } : {}),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.counters?.objects !== undefined ? { objects: patch.counters.objects } : {}),
        ...(patch.counters?.changes !== undefined ? { changes: patch.counters.changes } : {}),
        ...(patch.counters?.failures !== undefined ? { failures: patch.counters.failures } : {}),
        ...(patch.counters?.conflicts !== undefined ? { conflicts: patch.counters.conflicts } : {}),
        ...(patch.errorSource !== undefined ? { errorSource: patch.errorSource } : {}),
        ...(patch.errorCategory !== undefined ? { errorCategory: patch.errorCategory } : {}),
        ...(patch.exception !== undefined
          ? { exception: await this.maskText(run.organizationId, patch.exception) }
          : {}),
        ...(patch.objectReport !== undefined ? { objectReport: patch.objectReport } : {}),
      };
      const startedAt = patch.startedAt ? new Date(patch.startedAt) : run.startedAt ? undefined : new Date();
      if (to !== 'PENDING' && startedAt) changes.startedAt = startedAt;
      if (isFinal(to)) {
        const finishedAt = patch.finishedAt ? new Date(patch.finishedAt) : new Date();
        const started = changes.startedAt ?? (run.startedAt ? new Date(run.startedAt) : finishedAt);
        if (finishedAt < started) {
          throw new AppError('validation_failed', '`finishedAt` is before the run started.', [
            { path: '/finishedAt', message: `before ${started.toISOString()}` },
          ]);
        }
        Object.assign(changes, finalChanges({ startedAt: started.toISOString() }, finishedAt));
      } else if (patch.finishedAt) {
        throw new AppError('validation_failed', '`finishedAt` needs `progress` FINISHED or ABORTED.', [
          { path: '/finishedAt', message: 'only for a finished run' },
        ]);
      }
      const updated = await this.repository.update(id, changes);
      if (!updated) throw notFound('run_not_found', 'Run', id);
      await this.events.runChanged(updated);
      return updated;
    });
  }

  /** Records that the connector is alive; tells it whether an administrator asked it to stop. */
  async heartbeat(access: Access, id: string): Promise<HeartbeatResult> {
    const run = await this.engine.transaction(async () => {
      const run = await this.get(access, id, 'ingest');
      if (isFinal(run.progress)) return run;
      const now = new Date();
      await this.repository.update(id, { lastHeartbeatAt: now });
      // Connectors beat every few seconds; the console needs to hear that a run is alive, not each beat.
      const last = run.lastHeartbeatAt ? Date.parse(run.lastHeartbeatAt) : undefined;
      if (last === undefined || now.getTime() - last >= HEARTBEAT_EVENT_EVERY_MS)
        await this.events.runChanged(run);
      return run;
    });
    return {
      progress: run.progress,
      cancelRequested: run.progress === 'ABORTION_PENDING' || run.progress === 'ABORTED',
    };
  }

  /** Appends actions atomically: counters, status and issues move with them, or nothing is stored. */
  async appendActions(
    access: Access,
    id: string,
    inputs: readonly ActionInput[],
  ): Promise<ActionBatchResult> {
    access.require('ingest');
    const startedAt = performance.now();
    // A run never changes organization or user, so the records are masked before the transaction:
    // it then holds the write lock for the writes only. Whether the run still takes actions is
    // settled again by the counters' update inside it.
    const run = await this.get(access, id, 'ingest');
    if (isFinal(run.progress)) {
      throw new AppError('run_final', `Run ${id} is ${run.progress}; it accepts no more actions.`, {
        progress: run.progress,
      });
    }
    if (inputs.length === 0) return { accepted: 0, firstSeq: null, run };
    const now = new Date();
    const masker = await this.masking.maskerFor(run.organizationId);
    // Sequence numbers are assigned after the counter update below; issues need only the records.
    const records = inputs.map((input) => toRecord(input, 0, now, masker));
    const counted = tally(inputs);
    return this.engine.transaction(async () => {
      const issues = run.userId
        ? await this.issues.recordBatch(
            { id, organizationId: run.organizationId, userId: run.userId },
            records,
          )
        : 0;
      const updated = await this.repository.addBatch(id, { ...counted, issues }, now);
      if (!updated) {
        throw new AppError('run_final', `Run ${id} finished meanwhile; it accepts no more actions.`);
      }
      const firstSeq = updated.counters.processed - inputs.length + 1;
      records.forEach((r, i) => (r.seq = firstSeq + i));
      await this.actions.insertBatch(id, records);
      await this.events.runChanged(updated);
      this.engine.afterCommit(() => this.metrics.batchStored('actions', records.length, startedAt));
      return { accepted: inputs.length, firstSeq, run: updated };
    });
  }

  /** An exception's text often quotes the failed request: its credentials are masked like a message's. */
  private async maskText(organizationId: string, text: string | null): Promise<string | null> {
    return text === null ? null : (await this.masking.maskerFor(organizationId)).body(text);
  }

  async listActions(access: Access, runId: string, query: ActionListQuery): Promise<Page<Action>> {
    await this.get(access, runId, 'read');
    return this.actions.list(runId, actionFilters(query), {
      limit: query.limit ?? 50,
      cursor: query.cursor,
      sort: query.sort ?? 'asc',
    });
  }

  /**
   * Every action the list would show, in batches (exports). Access and filters are checked now, so
   * that a refusal comes before the first row.
   */
  async streamActions(
    access: Access,
    runId: string,
    query: ActionListQuery,
    batchSize: number,
  ): Promise<AsyncGenerator<Action[]>> {
    await this.get(access, runId, 'read');
    return this.actions.stream(runId, actionFilters(query), query.sort ?? 'asc', batchSize);
  }

  /** The same as CSV the engine writes itself, where it can (see `Engine.copyCsv`). */
  async copyActionsCsv(access: Access, runId: string, query: ActionListQuery, columns: readonly string[]) {
    await this.get(access, runId, 'read');
    return this.actions.copyCsv(runId, actionFilters(query), query.sort ?? 'asc', columns);
  }
}
