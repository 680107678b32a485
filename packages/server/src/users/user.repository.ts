import type { Page, SyncUser, SyncUserListItem, SyncUserListQuery } from '@synctrail/types';
import type { Selectable } from 'kysely';
import type { Engine } from '../storage/engine.js';
import { newestRuns } from '../runs/newest-runs.js';
import type { SyncUsersTable } from '../storage/database.js';
import { toBool, toIso } from '../storage/row-values.js';
import { afterPosition, containsText } from '../storage/query-helpers.js';
import { decodeCursor, TIME_UUID, toPage } from '../shared/cursor.js';

function toUser(row: Selectable<SyncUsersTable>): SyncUser {
  return {
    id: row.id,
    organizationId: row.organization_id,
    externalId: row.external_id,
    email: row.email,
    name: row.name,
    syncEnabled: toBool(row.sync_enabled),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export class UserRepository {
  constructor(private readonly engine: Engine) {}

  async findById(id: string): Promise<SyncUser | undefined> {
    const row = await this.engine.db
      .selectFrom('sync_users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toUser(row);
  }

  async findByExternalId(organizationId: string, externalId: string): Promise<SyncUser | undefined> {
    const row = await this.engine.db
      .selectFrom('sync_users')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return row && toUser(row);
  }

  async insert(u: SyncUser): Promise<void> {
    await this.engine.db
      .insertInto('sync_users')
      .values({
        id: u.id,
        organization_id: u.organizationId,
        external_id: u.externalId,
        email: u.email,
        name: u.name,
        sync_enabled: u.syncEnabled,
        created_at: new Date(u.createdAt),
        updated_at: new Date(u.updatedAt),
      })
      .execute();
  }

  async replace(u: SyncUser): Promise<void> {
    await this.engine.db
      .updateTable('sync_users')
      .set({ email: u.email, name: u.name, sync_enabled: u.syncEnabled, updated_at: new Date(u.updatedAt) })
      .where('id', '=', u.id)
      .execute();
  }

  /** An organization's sync users, oldest first by default, each with their newest run and open issues. */
  async list(organizationId: string, query: SyncUserListQuery): Promise<Page<SyncUserListItem>> {
    const limit = query.limit ?? 50;
    const sort = query.sort ?? 'asc';
    let qb = this.engine.db
      .selectFrom('sync_users')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .orderBy('created_at', sort)
      .orderBy('id', sort)
      .limit(limit + 1);
    if (query.q) {
      const q = query.q;
      qb = qb.where((eb) =>
        eb.or([
          containsText(this.engine, 'name', q),
          containsText(this.engine, 'email', q),
          containsText(this.engine, 'external_id', q),
        ]),
      );
    }
    if (query.syncEnabled !== undefined) qb = qb.where('sync_enabled', '=', query.syncEnabled);
    if (query.cursor) {
      const position = decodeCursor(query.cursor, TIME_UUID);
      qb = qb.where((eb) => afterPosition(eb, 'created_at', 'id', position, sort, true));
    }
    const users = (await qb.execute()).map(toUser);
    const ids = users.map((u) => u.id);
    const [lastRuns, openIssues] = await Promise.all([
      newestRuns(this.engine, 'user_id', ids),
      this.openIssues(ids),
    ]);
    const items = users.map((u) => ({
      ...u,
      lastRun: lastRuns.get(u.id) ?? null,
      openIssues: openIssues.get(u.id) ?? 0,
    }));
    return toPage(items, limit, (u) => ({ key: Date.parse(u.createdAt), id: u.id }));
  }

  /** How many OPEN issues each user has: one grouped query for the page (`issues_object_idx` leads by user). */
  private async openIssues(userIds: readonly string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.engine.db
      .selectFrom('issues')
      .select((eb) => ['user_id', eb.fn.countAll<number | string>().as('n')])
      .where('user_id', 'in', userIds)
      .where('state', '=', 'OPEN')
      .groupBy('user_id')
      .execute();
    return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
  }
}
