import type { Engine, PartitionShare, TimePartition } from '../storage/engine.js';
import { toDate } from '../storage/row-values.js';
import type { RetentionDays } from './retention-policy.js';

const FINAL_PROGRESS = ['FINISHED', 'ABORTED'];

/**
 * The SQL of retention: every method removes at most `limit` rows in one short statement (its own
 * transaction), so a pass never holds the write lock (SQLite) or many row locks (PostgreSQL) for
 * long. On PostgreSQL whole month partitions of actions and calls go first when every organization
 * with rows in them let those go (`timePartitions`, `dropTimePartition`).
 */
export class RetentionRepository {
  constructor(private readonly engine: Engine) {}

  /** The month partitions of actions and calls, oldest first; none where the engine has none. */
  async timePartitions(): Promise<TimePartition[]> {
    return (await this.engine.timePartitions?.()) ?? [];
  }

  /** Drops a partition when `decide` agrees with its rows per organization; answers their counts. */
  async dropTimePartition(
    partition: TimePartition,
    decide: (shares: PartitionShare[]) => boolean,
  ): Promise<PartitionShare[] | undefined> {
    return this.engine.dropTimePartition?.(partition, decide);
  }

  /** Whether runs of these progress values are final (retention removes only final runs). */
  static isFinal(progress: string): boolean {
    return FINAL_PROGRESS.includes(progress);
  }

  async organizationIds(): Promise<string[]> {
    const rows = await this.engine.db.selectFrom('organizations').select('id').orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  async overrides(): Promise<Map<string, RetentionDays>> {
    const rows = await this.engine.db
      .selectFrom('organization_retention')
      .select(['organization_id', 'payload_days', 'days'])
      .execute();
    return new Map(rows.map((r) => [r.organization_id, { payloadDays: r.payload_days, days: r.days }]));
  }

  async override(organizationId: string): Promise<RetentionDays | undefined> {
    const row = await this.engine.db
      .selectFrom('organization_retention')
      .select(['payload_days', 'days'])
      .where('organization_id', '=', organizationId)
      .executeTakeFirst();
    return row && { payloadDays: row.payload_days, days: row.days };
  }

  /** Sets an organization's override; both null removes it (the deployment's policy applies). */
  async setOverride(organizationId: string, days: RetentionDays, by: string, at: Date): Promise<void> {
    if (days.payloadDays === null && days.days === null) {
      await this.engine.db
        .deleteFrom('organization_retention')
        .where('organization_id', '=', organizationId)
        .execute();
      return;
    }
    const values = { payload_days: days.payloadDays, days: days.days, updated_at: at, updated_by: by };
    await this.engine.db
      .insertInto('organization_retention')
      .values({ organization_id: organizationId, ...values })
      .onConflict((oc) => oc.column('organization_id').doUpdateSet(values))
      .execute();
  }

  /** Nulls the bodies of up to `limit` calls of the organization older than `before`. */
  async removeCallPayloads(organizationId: string, before: Date, now: Date, limit: number): Promise<number> {
    const db = this.engine.db;
    const result = await db
      .updateTable('calls')
      .set({
        request: this.engine.jsonWithNull('request', 'body'),
        response: this.engine.jsonWithNull('response', 'body'),
        payload_removed_at: now,
      })
      .where(
        'id',
        'in',
        db
          .selectFrom('calls')
          .select('id')
          .where('organization_id', '=', organizationId)
          .where('payload_removed_at', 'is', null)
          .where('at', '<', before)
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Marks up to `limit` complete log files of the organization created before `before` as removed
   * (from then on they answer 410) and returns their ids; their chunks go next (`deleteChunks`).
   */
  async markArtifactContentRemoved(
    organizationId: string,
    before: Date,
    now: Date,
    limit: number,
  ): Promise<string[]> {
    const db = this.engine.db;
    const rows = await db
      .updateTable('artifacts')
      .set({ content_removed_at: now })
      .where(
        'id',
        'in',
        db
          .selectFrom('artifacts')
          .select('id')
          .where('organization_id', '=', organizationId)
          .where('content_removed_at', 'is', null)
          .where('state', '=', 'COMPLETE')
          .where('created_at', '<', before)
          .limit(limit),
      )
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Deletes up to `limit` chunks of one artifact. */
  async deleteChunks(artifactId: string, limit: number): Promise<number> {
    const db = this.engine.db;
    const result = await db
      .deleteFrom('artifact_chunks')
      .where('artifact_id', '=', artifactId)
      .where(
        'seq',
        'in',
        db
          .selectFrom('artifact_chunks')
          .select('seq')
          .where('artifact_id', '=', artifactId)
          .orderBy('seq')
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Up to `limit` final runs of the organization requested and finished before `before`, oldest first. */
  async agedRuns(organizationId: string, before: Date, limit: number): Promise<string[]> {
    const rows = await this.engine.db
      .selectFrom('runs')
      .select('id')
      .where('organization_id', '=', organizationId)
      .where('requested_at', '<', before)
      .where('progress', 'in', FINAL_PROGRESS)
      .where((eb) => eb.or([eb('finished_at', 'is', null), eb('finished_at', '<', before)]))
      .orderBy('requested_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async deleteActions(runId: string, limit: number): Promise<number> {
    const db = this.engine.db;
    const result = await db
      .deleteFrom('actions')
      .where('run_id', '=', runId)
      .where(
        'seq',
        'in',
        db.selectFrom('actions').select('seq').where('run_id', '=', runId).orderBy('seq').limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteRunCalls(runId: string, limit: number): Promise<number> {
    const db = this.engine.db;
    const result = await db
      .deleteFrom('calls')
      .where('id', 'in', db.selectFrom('calls').select('id').where('run_id', '=', runId).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async runArtifactIds(runId: string): Promise<string[]> {
    const rows = await this.engine.db
      .selectFrom('artifacts')
      .select('id')
      .where('run_id', '=', runId)
      .execute();
    return rows.map((r) => r.id);
  }

  async deleteRunArtifacts(runId: string): Promise<number> {
    const result = await this.engine.db
      .deleteFrom('artifacts')
      .where('run_id', '=', runId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Issues stay (they are the state of a user's objects); they stop pointing at a removed run. */
  async detachIssues(runId: string): Promise<number> {
    const result = await this.engine.db
      .updateTable('issues')
      .set({ last_run_id: null })
      .where('last_run_id', '=', runId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * A removed run's place in the actions' text index: its pending ranges, and on PostgreSQL its rows
   * of `action_texts` (SQLite's FTS5 table loses an action's text with the action, by trigger).
   */
  async deleteRunTextIndex(runId: string): Promise<void> {
    const db = this.engine.db;
    await db.deleteFrom('action_text_pending').where('run_id', '=', runId).execute();
    if (this.engine.kind === 'postgres')
      await db.deleteFrom('action_texts').where('run_id', '=', runId).execute();
  }

  async deleteRun(runId: string): Promise<number> {
    const result = await this.engine.db.deleteFrom('runs').where('id', '=', runId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes up to `limit` calls of the organization older than `before` (with or without a run). */
  async deleteCalls(organizationId: string, before: Date, limit: number): Promise<number> {
    const db = this.engine.db;
    const result = await db
      .deleteFrom('calls')
      .where(
        'id',
        'in',
        db
          .selectFrom('calls')
          .select('id')
          .where('organization_id', '=', organizationId)
          .where('at', '<', before)
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Log files marked removed whose chunks are still there: a pass that died between marking and
   * deleting left them (see RetentionService.pass, which looks only after such a pass).
   */
  async artifactsWithLeftoverChunks(organizationId: string, limit: number): Promise<string[]> {
    const rows = await this.engine.db
      .selectFrom('artifacts as a')
      .select('a.id')
      .where('a.organization_id', '=', organizationId)
      .where('a.content_removed_at', 'is not', null)
      .where(({ exists, selectFrom }) =>
        exists(selectFrom('artifact_chunks as c').select('c.seq').whereRef('c.artifact_id', '=', 'a.id')),
      )
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Whether the lease was left behind by a holder that never released it (a pass that died). */
  async leaseAbandoned(name: string, holder: string, now: Date): Promise<boolean> {
    const row = await this.engine.db
      .selectFrom('job_leases')
      .select(['holder', 'expires_at'])
      .where('name', '=', name)
      .executeTakeFirst();
    return row !== undefined && row.holder !== holder && toDate(row.expires_at) < now;
  }

  /**
   * Takes (or renews) the named lease until `until` unless another holder's is still running at `now`:
   * one process at a time runs a retention pass.
   */
  async acquireLease(name: string, holder: string, now: Date, until: Date): Promise<boolean> {
    await this.engine.db
      .insertInto('job_leases')
      .values({ name, holder, expires_at: until })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: until })
          .where((eb) =>
            eb.or([eb('job_leases.expires_at', '<', now), eb('job_leases.holder', '=', holder)]),
          ),
      )
      .execute();
    const row = await this.engine.db
      .selectFrom('job_leases')
      .select('holder')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.holder === holder;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.engine.db
      .deleteFrom('job_leases')
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }
}
