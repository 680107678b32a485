import { v7 as uuidv7 } from 'uuid';
import type { ChangeNotification, Integration, LeaseResult, Run, SyncTrigger } from '@synctrail/types';
import type { Access, Scope } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { AppError, notFound } from '../http/errors.js';
import type { IntegrationService } from '../integrations/integration.service.js';
import type { UserService } from '../users/user.service.js';
import type { RunService } from './run.service.js';
import { RunControlRepository } from './run-control.repository.js';
import { isFinal } from './run-rules.js';
import type { LiveEventService } from '../events/live-event.service.js';

export interface RunControlOptions {
  /** A live run with no heartbeat for this long is aborted. */
  staleRunTimeoutMs: number;
  /** The live event log, told of every run this service changes. */
  events: LiveEventService;
  now?: () => Date;
}

/** Starting and stopping syncs: manual and change triggers, leases, cancel, stale runs. */
export class RunControlService {
  readonly repository: RunControlRepository;
  private readonly now: () => Date;

  constructor(
    private readonly engine: Engine,
    private readonly runs: RunService,
    private readonly integrations: IntegrationService,
    private readonly users: UserService,
    private readonly options: RunControlOptions,
  ) {
    this.repository = new RunControlRepository(engine);
    this.now = options.now ?? (() => new Date());
  }

  /** A manual full sync: a PENDING run with trigger FULL_SYNC_MANUAL, for a connector to lease. */
  async triggerSync(access: Access, integrationId: string, input: SyncTrigger): Promise<Run> {
    return this.engine.transaction(async () => {
      const integration = await this.activeIntegration(access, integrationId, 'admin');
      const userId = await this.checkUser(access, integration, input.userId ?? null);
      await this.repository.lockIntegration(integration.id);
      const live = await this.repository.findLiveFullSync(integration.id, userId);
      if (live) {
        throw new AppError(
          'run_already_pending',
          `A full sync of this integration${userId ? ' for this user' : ''} is already ${live.progress} (run ${live.id}); wait for it to finish or cancel it.`,
          { runId: live.id, progress: live.progress },
        );
      }
      return this.createPending(integration, userId, 'FULL_SYNC_MANUAL', access.actor, input.name ?? null);
    });
  }

  /**
   * A change notification: a PENDING partial sync `<ORIGIN>_CHANGES`. Notifications that arrive while
   * one is still pending are merged into it (`created: false`).
   */
  async notifyChanges(
    access: Access,
    integrationId: string,
    input: ChangeNotification,
  ): Promise<{ run: Run; created: boolean }> {
    return this.engine.transaction(async () => {
      const integration = await this.activeIntegration(access, integrationId, 'ingest');
      if (!integration.capabilities.partialSync) {
        throw new AppError(
          'partial_sync_unsupported',
          `Integration ${integration.id} (${integration.type}) does not do partial syncs; enable capabilities.partialSync or trigger a full sync.`,
        );
      }
      const userId = await this.checkUser(access, integration, input.userId ?? null);
      const trigger = `${input.origin}_CHANGES`;
      await this.repository.lockIntegration(integration.id);
      const pending = await this.repository.findPendingWithTrigger(integration.id, trigger, userId);
      if (pending) return { run: pending, created: false };
      const run = await this.createPending(
        integration,
        userId,
        trigger,
        `changes:${input.origin} (${access.actor})`,
        null,
      );
      return { run, created: true };
    });
  }

  /** The connector takes the oldest pending run of the integration; undefined when there is none. */
  async lease(
    access: Access,
    integrationId: string,
    worker: string | undefined,
  ): Promise<LeaseResult | undefined> {
    return this.engine.transaction(async () => {
      const integration = await this.integrations.get(access, integrationId, 'ingest');
      const now = this.now();
      const run = await this.repository.leaseOldestPending(integration.id, worker ?? access.actor, now);
      if (!run) return undefined;
      await this.options.events.runChanged(run);
      return { run, leaseExpiresAt: new Date(now.getTime() + this.options.staleRunTimeoutMs).toISOString() };
    });
  }

  /**
   * PENDING → ABORTED at once; RUNNING → ABORTION_PENDING, which the next heartbeat tells the
   * connector, whose confirmation (PATCH progress ABORTED) ends it.
   */
  async cancel(access: Access, runId: string): Promise<Run> {
    return this.engine.transaction(async () => {
      const run = await this.runs.get(access, runId, 'admin');
      const integration = await this.integrations.get(access, run.integrationId);
      if (isFinal(run.progress)) {
        throw new AppError('run_not_cancellable', `Run ${run.id} is already ${run.progress}.`, {
          progress: run.progress,
        });
      }
      if (!integration.capabilities.cancellable) {
        throw new AppError(
          'run_not_cancellable',
          `Runs of ${integration.type} integration "${integration.name}" cannot be cancelled; wait for it to finish.`,
          { integrationType: integration.type },
        );
      }
      if (run.progress === 'ABORTION_PENDING') return run;
      const now = this.now();
      const requested = { cancelRequestedBy: access.actor, cancelRequestedAt: now };
      const updated =
        run.progress === 'PENDING'
          ? await this.runs.repository.update(run.id, {
              ...requested,
              progress: 'ABORTED',
              finishedAt: now,
              durationMs: 0,
            })
          : await this.runs.repository.update(run.id, { ...requested, progress: 'ABORTION_PENDING' });
      if (!updated) throw notFound('run_not_found', 'Run', runId);
      await this.options.events.runChanged(updated);
      return updated;
    });
  }

  /**
   * Aborts live runs whose connector stopped reporting. Safe with several server processes: each
   * run is aborted by whichever process gets there first, once.
   */
  async reapStaleRuns(batchSize = 500): Promise<Run[]> {
    const now = this.now();
    const before = new Date(now.getTime() - this.options.staleRunTimeoutMs);
    const reaped: Run[] = [];
    for (const run of await this.repository.findStale(before, batchSize)) {
      const lastSign = run.lastHeartbeatAt ?? run.startedAt ?? run.requestedAt;
      const started = new Date(run.startedAt ?? run.requestedAt);
      const aborted = await this.engine.transaction(async () => {
        const aborted = await this.repository.abortIfStill(run, before, {
          finishedAt: now,
          durationMs: Math.max(0, now.getTime() - started.getTime()),
          exception: `The connector stopped reporting: no heartbeat since ${lastSign} (timeout ${Math.round(
            this.options.staleRunTimeoutMs / 1000,
          )} s), so the run was aborted.`,
        });
        if (aborted) await this.options.events.runChanged(aborted);
        return aborted;
      });
      if (aborted) reaped.push(aborted);
    }
    return reaped;
  }

  /** Creates the PENDING run of a trigger (used by the scheduler too). */
  async createPending(
    integration: Integration,
    userId: string | null,
    trigger: string,
    requestedBy: string,
    name: string | null,
    requestedAt: Date = this.now(),
  ): Promise<Run> {
    const id = uuidv7();
    await this.runs.repository.insert({
      id,
      organizationId: integration.organizationId,
      integrationId: integration.id,
      integrationType: integration.type,
      userId,
      name,
      trigger,
      progress: 'PENDING',
      requestedAt,
      startedAt: null,
      requestedBy,
    });
    const run = await this.runs.repository.findById(id);
    if (!run) throw new Error(`run ${id} vanished right after insert`);
    await this.options.events.runChanged(run);
    return run;
  }

  private async activeIntegration(access: Access, integrationId: string, scope: Scope): Promise<Integration> {
    const integration = await this.integrations.get(access, integrationId, scope);
    if (integration.status !== 'ACTIVE') {
      throw new AppError(
        'integration_inactive',
        `Integration "${integration.name}" is INACTIVE; activate it (PATCH status ACTIVE) before starting a sync.`,
      );
    }
    if (!(await this.repository.organizationSyncEnabled(integration.organizationId))) {
      throw new AppError(
        'sync_disabled',
        `Sync is disabled for this organization; enable it (PATCH /organizations/${integration.organizationId} syncEnabled true) before starting a sync.`,
      );
    }
    return integration;
  }

  private async checkUser(access: Access, integration: Integration, userId: string | null) {
    if (userId === null) return null;
    const user = await this.users.get(access, userId);
    if (user.organizationId !== integration.organizationId)
      throw notFound('user_not_found', 'Sync user', userId);
    if (!user.syncEnabled) {
      throw new AppError(
        'sync_disabled',
        `Sync is disabled for ${user.name ?? user.email ?? user.externalId}; enable it (PATCH /users/${user.id} syncEnabled true) before starting a sync.`,
      );
    }
    return user.id;
  }
}
