import type { Integration, IntegrationListQuery, Page } from '@synctrail/types';
import type { Selectable } from 'kysely';
import type { Engine } from '../storage/engine.js';
import type { IntegrationsTable } from '../storage/database.js';
import { fromJson, toBool, toIso, toJson } from '../storage/row-values.js';
import { afterPosition, containsText } from '../storage/query-helpers.js';
import { decodeCursor, TIME_UUID, toPage } from '../shared/cursor.js';

function toIntegration(row: Selectable<IntegrationsTable>): Integration {
  return {
    id: row.id,
    organizationId: row.organization_id,
    type: row.type,
    name: row.name,
    status: row.status as Integration['status'],
    capabilities: { cancellable: toBool(row.cancellable), partialSync: toBool(row.partial_sync) },
    schedule: row.schedule,
    configuration: fromJson<Record<string, unknown>>(row.configuration),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export interface IntegrationListFilters {
  types?: string[] | undefined;
  statuses?: string[] | undefined;
  q?: string | undefined;
}

export class IntegrationRepository {
  constructor(private readonly engine: Engine) {}

  async insert(i: Integration): Promise<void> {
    await this.engine.db
      .insertInto('integrations')
      .values({
        id: i.id,
        organization_id: i.organizationId,
        type: i.type,
        name: i.name,
        status: i.status,
        cancellable: i.capabilities.cancellable,
        partial_sync: i.capabilities.partialSync,
        schedule: i.schedule,
        configuration: toJson(i.configuration),
        created_at: new Date(i.createdAt),
        updated_at: new Date(i.updatedAt),
      })
      .execute();
  }

  async findById(id: string): Promise<Integration | undefined> {
    const row = await this.engine.db
      .selectFrom('integrations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toIntegration(row);
  }

  async replace(i: Integration): Promise<void> {
    await this.engine.db
      .updateTable('integrations')
      .set({
        name: i.name,
        status: i.status,
        cancellable: i.capabilities.cancellable,
        partial_sync: i.capabilities.partialSync,
        schedule: i.schedule,
        configuration: toJson(i.configuration),
        updated_at: new Date(i.updatedAt),
      })
      .where('id', '=', i.id)
      .execute();
  }

  /** An organization's integrations, oldest first by default. */
  async list(
    organizationId: string,
    filters: IntegrationListFilters,
    query: IntegrationListQuery,
  ): Promise<Page<Integration>> {
    const limit = query.limit ?? 50;
    const sort = query.sort ?? 'asc';
    let qb = this.engine.db
      .selectFrom('integrations')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .orderBy('created_at', sort)
      .orderBy('id', sort)
      .limit(limit + 1);
    if (filters.types) qb = qb.where('type', 'in', filters.types);
    if (filters.statuses) qb = qb.where('status', 'in', filters.statuses);
    if (filters.q) {
      const q = filters.q;
      qb = qb.where(() => containsText(this.engine, 'name', q));
    }
    if (query.cursor) {
      const position = decodeCursor(query.cursor, TIME_UUID);
      qb = qb.where((eb) => afterPosition(eb, 'created_at', 'id', position, sort, true));
    }
    const items = (await qb.execute()).map(toIntegration);
    return toPage(items, limit, (i) => ({ key: Date.parse(i.createdAt), id: i.id }));
  }
}
