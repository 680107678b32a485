import type {
  Organization,
  OrganizationListItem,
  OrganizationListQuery,
  OrganizationStats,
  Page,
} from '@synctrail/types';
import type { Selectable } from 'kysely';
import type { Engine } from '../storage/engine.js';
import type { OrganizationsTable } from '../storage/database.js';
import { toBool, toIso } from '../storage/row-values.js';
import { afterPosition, containsText, inOrganizations } from '../storage/query-helpers.js';
import { decodeCursor, toPage } from '../shared/cursor.js';

function toOrganization(row: Selectable<OrganizationsTable>): Organization {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    syncEnabled: toBool(row.sync_enabled),
    createdAt: toIso(row.created_at),
  };
}

export class OrganizationRepository {
  constructor(private readonly engine: Engine) {}

  async insert(org: { id: string; name: string; slug: string; syncEnabled: boolean; createdAt: Date }) {
    await this.engine.db
      .insertInto('organizations')
      .values({
        id: org.id,
        name: org.name,
        slug: org.slug,
        sync_enabled: org.syncEnabled,
        created_at: org.createdAt,
      })
      .execute();
  }

  async findById(id: string): Promise<Organization | undefined> {
    const row = await this.engine.db
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toOrganization(row);
  }

  async slugExists(slug: string): Promise<boolean> {
    const row = await this.engine.db
      .selectFrom('organizations')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirst();
    return row !== undefined;
  }

  async update(id: string, patch: { name?: string; syncEnabled?: boolean }): Promise<void> {
    await this.engine.db
      .updateTable('organizations')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.syncEnabled !== undefined ? { sync_enabled: patch.syncEnabled } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Ordered by name, then id; each with its figures (see `stats`). */
  async list(
    visible: 'all' | readonly string[],
    query: OrganizationListQuery,
  ): Promise<Page<OrganizationListItem>> {
    const limit = query.limit ?? 50;
    const sort = query.sort ?? 'asc';
    let qb = this.engine.db
      .selectFrom('organizations')
      .selectAll()
      .where(inOrganizations('id', visible))
      .orderBy('name', sort)
      .orderBy('id', sort)
      .limit(limit + 1);
    if (query.q) {
      const q = query.q;
      qb = qb.where((eb) =>
        eb.or([containsText(this.engine, 'name', q), containsText(this.engine, 'slug', q)]),
      );
    }
    if (query.syncEnabled !== undefined) qb = qb.where('sync_enabled', '=', query.syncEnabled);
    if (query.cursor) {
      const position = decodeCursor(query.cursor, { key: 'text', id: 'uuid' });
      qb = qb.where((eb) => afterPosition(eb, 'name', 'id', position, sort, false));
    }
    const rows = (await qb.execute()).map(toOrganization);
    const stats = await this.stats(rows.map((o) => o.id));
    const items = rows.map((o) => ({ ...o, stats: stats.get(o.id) ?? emptyStats() }));
    return toPage(items, limit, (o) => ({ key: o.name, id: o.id }));
  }

  /**
   * The figures of a page of organizations: three grouped queries whatever the page's size (never one
   * per organization), each an index range per organization (`integrations_org_idx`,
   * `sync_users_org_idx`, and `runs_org_idx` from 24 hours ago on). They read other domains' tables
   * for counts only.
   */
  private async stats(ids: readonly string[]): Promise<Map<string, OrganizationStats>> {
    const stats = new Map<string, OrganizationStats>(ids.map((id) => [id, emptyStats()]));
    if (ids.length === 0) return stats;
    const since = new Date(Date.now() - DAY_MS);
    const db = this.engine.db;
    const [integrations, users, runs] = await Promise.all([
      db
        .selectFrom('integrations')
        .select((eb) => ['organization_id', eb.fn.countAll<number | string>().as('n')])
        .where('organization_id', 'in', ids)
        .groupBy('organization_id')
        .execute(),
      db
        .selectFrom('sync_users')
        .select((eb) => ['organization_id', eb.fn.countAll<number | string>().as('n')])
        .where('organization_id', 'in', ids)
        .groupBy('organization_id')
        .execute(),
      db
        .selectFrom('runs')
        .select((eb) => [
          'organization_id',
          eb.fn.countAll<number | string>().as('n'),
          eb.fn
            .sum<number | string | null>(eb.case().when('status', '=', 'ERROR').then(1).else(0).end())
            .as('errors'),
        ])
        .where('organization_id', 'in', ids)
        .where('requested_at', '>=', since)
        .groupBy('organization_id')
        .execute(),
    ]);
    for (const r of integrations) stats.get(r.organization_id)!.integrations = Number(r.n);
    for (const r of users) stats.get(r.organization_id)!.users = Number(r.n);
    for (const r of runs) {
      const s = stats.get(r.organization_id)!;
      s.runs24h = Number(r.n);
      s.errors24h = Number(r.errors ?? 0);
    }
    return stats;
  }
}

const DAY_MS = 24 * 3600_000;

function emptyStats(): OrganizationStats {
  return { integrations: 0, users: 0, runs24h: 0, errors24h: 0 };
}
