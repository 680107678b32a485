import { sql } from 'kysely';
import type { Engine } from '../storage/engine.js';
import { inOrganizations } from '../storage/query-helpers.js';
import { toDate } from '../storage/row-values.js';

/** One row of the live event log, as the poller reads it. */
export interface LiveEventRow {
  seq: number;
  organizationId: string;
  kind: 'run' | 'calls';
  runId: string | null;
  count: number;
  latestAt: Date | null;
}

export interface NewLiveEvent {
  organizationId: string;
  kind: 'run' | 'calls';
  runId: string | null;
  count?: number;
  latestAt?: Date;
}

/** The SQL of the live event log (`live_events`). */
export class LiveEventRepository {
  constructor(private readonly engine: Engine) {}

  async insert(events: readonly NewLiveEvent[], at: Date): Promise<void> {
    if (events.length === 0) return;
    await this.engine.db
      .insertInto('live_events')
      .values(
        events.map((e) => ({
          at,
          organization_id: e.organizationId,
          kind: e.kind,
          run_id: e.runId,
          count: e.count ?? null,
          latest_at: e.latestAt ?? null,
        })),
      )
      .execute();
  }

  /** Events after `seq`, oldest first (the primary key's order). */
  async after(seq: number, limit: number): Promise<LiveEventRow[]> {
    const rows = await this.engine.db
      .selectFrom('live_events')
      .select(['seq', 'organization_id', 'kind', 'run_id', 'count', 'latest_at'])
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      organizationId: r.organization_id,
      kind: r.kind as LiveEventRow['kind'],
      runId: r.run_id,
      count: r.count ?? 0,
      latestAt: r.latest_at === null ? null : toDate(r.latest_at),
    }));
  }

  /** The oldest and newest sequence numbers kept; undefined while the log is empty. */
  async bounds(): Promise<{ min: number; max: number } | undefined> {
    const row = await this.engine.db
      .selectFrom('live_events')
      .select((eb) => [eb.fn.min('seq').as('min'), eb.fn.max('seq').as('max')])
      .executeTakeFirst();
    return row?.min === null || row?.min === undefined || row.max === null
      ? undefined
      : { min: Number(row.min), max: Number(row.max) };
  }

  /**
   * The events in `(after, upTo]` of the given organizations, grouped as the poller coalesces them:
   * one per run (its newest seq), one per organization and run for calls (counts summed). At most
   * `limit` groups; the caller treats a full answer as too much to replay.
   */
  async replay(after: number, upTo: number, organizations: 'all' | readonly string[], limit: number) {
    const rows = await this.engine.db
      .selectFrom('live_events')
      .select((eb) => [
        'kind',
        'organization_id',
        'run_id',
        eb.fn.max('seq').as('last_seq'),
        eb.fn.sum<number>(sql`coalesce(count, 0)`).as('count'),
        eb.fn.max('latest_at').as('latest_at'),
      ])
      .where('seq', '>', after)
      .where('seq', '<=', upTo)
      .where(inOrganizations('organization_id', organizations))
      .groupBy(['kind', 'organization_id', 'run_id'])
      .orderBy('last_seq')
      .limit(limit)
      .execute();
    return rows.map((r): LiveEventRow => ({
      seq: Number(r.last_seq),
      organizationId: r.organization_id,
      kind: r.kind as LiveEventRow['kind'],
      runId: r.run_id,
      count: Number(r.count),
      latestAt: r.latest_at === null ? null : toDate(r.latest_at as Date | number),
    }));
  }

  /**
   * Deletes events older than `before`, except the newest one: it keeps the sequence's high mark
   * readable, so that an id from before a quiet hour is still known to be this database's.
   */
  async pruneBefore(before: Date): Promise<number> {
    const result = await this.engine.db
      .deleteFrom('live_events')
      .where('at', '<', before)
      .where('seq', '<', (eb) => eb.selectFrom('live_events').select((e) => e.fn.max('seq').as('max')))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
