import { sql } from 'kysely';
import type { LastRun, RunProgress, SyncStatus } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import { toIso, toIsoOrNull } from '../storage/row-values.js';

/** Whose newest runs: each integration's, or each sync user's. */
const OWNERS = {
  integration_id: 'integrations',
  user_id: 'sync_users',
} as const;

/**
 * The newest run (by request time, then id) of each of `ids`: one query, whose subquery reads one
 * entry of the owner's runs index (`runs_integration_idx`, `runs_user_idx`) per owner.
 */
export async function newestRuns(
  engine: Engine,
  owner: keyof typeof OWNERS,
  ids: readonly string[],
): Promise<Map<string, LastRun>> {
  if (ids.length === 0) return new Map();
  const rows = await engine.db
    .selectFrom('runs')
    .select(['id', owner, 'status', 'progress', 'trigger', 'requested_at', 'finished_at'])
    .where(
      'id',
      'in',
      sql<string>`(select (select newest.id from runs as newest where ${sql.ref(`newest.${owner}`)} = o.id
        order by newest.requested_at desc, newest.id desc limit 1)
        from ${sql.table(OWNERS[owner])} as o where o.id in (${sql.join(ids)}))`,
    )
    .execute();
  return new Map(
    rows.map((r) => [
      r[owner]!,
      {
        id: r.id,
        status: r.status as SyncStatus,
        progress: r.progress as RunProgress,
        trigger: r.trigger,
        requestedAt: toIso(r.requested_at),
        finishedAt: toIsoOrNull(r.finished_at),
      },
    ]),
  );
}
