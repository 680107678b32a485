import type { Run, RunProgress } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import { integrationCancellable, toRun } from './run.repository.js';

const LIVE: RunProgress[] = ['PENDING', 'RUNNING', 'ABORTION_PENDING'];
const FULL_SYNC = ['FULL_SYNC_JOB', 'FULL_SYNC_MANUAL'];

/** The SQL of run control: finding pending and live runs, leasing, reaping. */
export class RunControlRepository {
  constructor(private readonly engine: Engine) {}

  /** Holds the integration's row until the transaction ends, so triggers of one integration queue up. */
  async lockIntegration(integrationId: string): Promise<void> {
    await this.engine
      .lockRows(
        this.engine.db.selectFrom('integrations').select('id').where('id', '=', integrationId),
        'wait',
      )
      .execute();
  }

  /** Whether the organization may sync at all (an administrator can switch it off). */
  async organizationSyncEnabled(organizationId: string): Promise<boolean> {
    const row = await this.engine.db
      .selectFrom('organizations')
      .select('sync_enabled')
      .where('id', '=', organizationId)
      .executeTakeFirst();
    return row !== undefined && Boolean(row.sync_enabled);
  }

  /** A full sync of the integration (for that user, or for none) that is pending or under way. */
  async findLiveFullSync(integrationId: string, userId: string | null): Promise<Run | undefined> {
    let qb = this.engine.db
      .selectFrom('runs')
      .selectAll('runs')
      .select(integrationCancellable)
      .where('integration_id', '=', integrationId)
      .where('progress', 'in', LIVE)
      .where('trigger', 'in', FULL_SYNC);
    qb = userId === null ? qb.where('user_id', 'is', null) : qb.where('user_id', '=', userId);
    const row = await qb.orderBy('requested_at').limit(1).executeTakeFirst();
    return row && toRun(row);
  }

  async findPendingWithTrigger(integrationId: string, trigger: string, userId: string | null) {
    let qb = this.engine.db
      .selectFrom('runs')
      .selectAll('runs')
      .select(integrationCancellable)
      .where('integration_id', '=', integrationId)
      .where('progress', '=', 'PENDING')
      .where('trigger', '=', trigger);
    qb = userId === null ? qb.where('user_id', 'is', null) : qb.where('user_id', '=', userId);
    const row = await qb.orderBy('requested_at').limit(1).executeTakeFirst();
    return row && toRun(row);
  }

  /**
   * Takes the oldest pending run of the integration and makes it RUNNING. Concurrent callers never
   * get the same run (SKIP LOCKED on PostgreSQL; serialized writers on SQLite).
   */
  async leaseOldestPending(integrationId: string, owner: string, now: Date): Promise<Run | undefined> {
    const candidate = await this.engine
      .lockRows(
        this.engine.db
          .selectFrom('runs')
          .select('id')
          .where('integration_id', '=', integrationId)
          .where('progress', '=', 'PENDING')
          .orderBy('requested_at')
          .orderBy('id')
          .limit(1),
        'skip',
      )
      .executeTakeFirst();
    if (!candidate) return undefined;
    const row = await this.engine.db
      .updateTable('runs')
      .set({ progress: 'RUNNING', started_at: now, last_heartbeat_at: now, lease_owner: owner })
      .where('id', '=', candidate.id)
      .where('progress', '=', 'PENDING')
      .returningAll()
      .returning(integrationCancellable)
      .executeTakeFirst();
    return row && toRun(row);
  }

  /** Live runs whose connector has not reported since `before` (heartbeat, else start, else request). */
  async findStale(before: Date, limit: number): Promise<Run[]> {
    const rows = await this.engine.db
      .selectFrom('runs')
      .selectAll('runs')
      .select(integrationCancellable)
      .where('progress', 'in', ['RUNNING', 'ABORTION_PENDING'])
      .where((eb) => eb(eb.fn.coalesce('last_heartbeat_at', 'started_at', 'requested_at'), '<', before))
      .orderBy('requested_at')
      .limit(limit)
      .execute();
    return rows.map(toRun);
  }

  /**
   * Aborts a stale run unless it moved meanwhile (a heartbeat, a finish, or another process reaping
   * it first): the conditions are checked again in the UPDATE itself.
   */
  async abortIfStill(
    run: Run,
    before: Date,
    fields: { finishedAt: Date; durationMs: number; exception: string },
  ): Promise<Run | undefined> {
    const row = await this.engine.db
      .updateTable('runs')
      .set({
        progress: 'ABORTED',
        finished_at: fields.finishedAt,
        duration_ms: fields.durationMs,
        error_source: 'CONNECTOR',
        error_category: 'CONNECTOR_UNRESPONSIVE',
        exception: fields.exception,
      })
      .where('id', '=', run.id)
      .where('progress', '=', run.progress)
      .where((eb) => eb(eb.fn.coalesce('last_heartbeat_at', 'started_at', 'requested_at'), '<', before))
      .returningAll()
      .returning(integrationCancellable)
      .executeTakeFirst();
    return row && toRun(row);
  }
}
