import type { Organization, OrganizationListQuery, Page } from '@synctrail/types';
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

  /** Ordered by name, then id. */
  async list(visible: 'all' | readonly string[], query: OrganizationListQuery): Promise<Page<Organization>> {
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
    return toPage(rows, limit, (o) => ({ key: o.name, id: o.id }));
  }
}
