import type { Kysely, Selectable } from 'kysely';
import type { AuditAction, AuditEvent, Page, SortOrder } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import type { AuditEventsTable, Database } from '../storage/database.js';
import { fromJson, toIso, toJsonOrNull } from '../storage/row-values.js';
import { inOrganizations } from '../storage/query-helpers.js';
import { decodeCursor, toPage } from '../shared/cursor.js';
import type { ChainHead } from './audit-chain.js';

/** The one-row chain head (migration 0004-audit). */
interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

type AuditDatabase = Database & { audit_head: AuditHeadTable };

export function toAuditEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: toIso(row.at),
    actor: row.actor,
    organizationId: row.organization_id,
    action: row.action as AuditAction,
    target: row.target,
    sourceIp: row.source_ip,
    details: row.details === null ? null : fromJson<Record<string, unknown>>(row.details),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface AuditListFilters {
  organizations: 'all' | readonly string[];
  actors?: string[] | undefined;
  actions?: string[] | undefined;
  targets?: string[] | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export class AuditRepository {
  constructor(private readonly engine: Engine) {}

  private get db(): Kysely<AuditDatabase> {
    return this.engine.db.withTables<{ audit_head: AuditHeadTable }>();
  }

  /**
   * Takes the next position in the chain and the hash to link to. Being an UPDATE, it locks the head
   * row (PostgreSQL) or takes the write lock (SQLite) first thing, so concurrent appenders — in this
   * process or another — queue here until the transaction that holds it commits; under READ
   * COMMITTED the next one then reads the committed head. Call inside a transaction.
   */
  async claimNext(): Promise<{ seq: number; prevHash: string }> {
    const head = await this.db
      .updateTable('audit_head')
      .set((eb) => ({ seq: eb('seq', '+', 1) }))
      .where('id', '=', 1)
      .returning(['seq', 'hash'])
      .executeTakeFirst();
    if (!head) throw new Error('the audit_head row is missing: the audit log cannot be appended to');
    return { seq: Number(head.seq), prevHash: head.hash };
  }

  /** Stores an event at the position `claimNext` gave and moves the head's hash to it. */
  async append(event: AuditEvent): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        seq: event.seq,
        id: event.id,
        at: new Date(event.at),
        actor: event.actor,
        organization_id: event.organizationId,
        action: event.action,
        target: event.target,
        source_ip: event.sourceIp,
        details: toJsonOrNull(event.details),
        prev_hash: event.prevHash,
        hash: event.hash,
      })
      .execute();
    await this.db.updateTable('audit_head').set({ hash: event.hash }).where('id', '=', 1).execute();
  }

  async head(): Promise<ChainHead | undefined> {
    const row = await this.db
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirst();
    return row && { seq: Number(row.seq), hash: row.hash };
  }

  /** Events with `after < seq <= upTo` (no bound when `upTo` is undefined), in seq order, a batch at a time. */
  async *scan(after: number, upTo: number | undefined, batchSize = 2000): AsyncGenerator<AuditEvent> {
    let last = after;
    for (;;) {
      let qb = this.db
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', '>', last)
        .orderBy('seq', 'asc')
        .limit(batchSize);
      if (upTo !== undefined) qb = qb.where('seq', '<=', upTo);
      const rows = await qb.execute();
      for (const row of rows) yield toAuditEvent(row);
      const end = rows[rows.length - 1];
      if (rows.length < batchSize || end === undefined) return;
      last = Number(end.seq);
    }
  }

  /** Ordered by seq (the order of the chain). */
  async list(
    filters: AuditListFilters,
    page: { limit: number; cursor?: string | undefined; sort: SortOrder },
  ) {
    let qb = this.db
      .selectFrom('audit_events')
      .selectAll()
      .where(inOrganizations('organization_id', filters.organizations))
      .orderBy('seq', page.sort)
      .limit(page.limit + 1);
    if (filters.actors) qb = qb.where('actor', 'in', filters.actors);
    if (filters.actions) qb = qb.where('action', 'in', filters.actions);
    if (filters.targets) qb = qb.where('target', 'in', filters.targets);
    if (filters.from) qb = qb.where('at', '>=', filters.from);
    if (filters.to) qb = qb.where('at', '<', filters.to);
    if (page.cursor) {
      // seq is unique, so it alone is the keyset (and walks the primary key).
      const { key } = decodeCursor(page.cursor, { key: 'seq', id: 'uuid' });
      qb = qb.where('seq', page.sort === 'desc' ? '<' : '>', Number(key));
    }
    const items = (await qb.execute()).map(toAuditEvent);
    return toPage(items, page.limit, (e) => ({ key: e.seq, id: e.id })) as Page<AuditEvent>;
  }
}
