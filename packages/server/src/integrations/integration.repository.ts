import type {
  Integration,
  IntegrationListQuery,
  IntegrationOverview,
  Page,
  SortOrder,
} from '@synctrail/types';
import type { Selectable } from 'kysely';
import type { Engine } from '../storage/engine.js';
import { newestRuns } from '../runs/newest-runs.js';
import type { IntegrationsTable } from '../storage/database.js';
import { fromJson, toBool, toIso, toJson } from '../storage/row-values.js';
import { afterPosition, afterTuple, containsText, inOrganizations } from '../storage/query-helpers.js';
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

/** Across organizations: ordered by organization name, integration name, id. */
const OVERVIEW_CURSOR = { key: 'texts', id: 'uuid' } as const;

export interface IntegrationListFilters {
  /** Only for the overview across organizations. */
  organizations?: 'all' | readonly string[];
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

  /**
   * Integrations across organizations, by organization name, then name, then id (ascending by
   * default), each with its organization's name and newest run.
   */
  async overview(
    filters: IntegrationListFilters,
    page: { limit: number; cursor?: string | undefined; sort: SortOrder },
  ): Promise<Page<IntegrationOverview>> {
    const order = ['organizations.name', 'integrations.name', 'integrations.id'] as const;
    let qb = this.engine.db
      .selectFrom('integrations')
      .innerJoin('organizations', 'organizations.id', 'integrations.organization_id')
      .selectAll('integrations')
      .select('organizations.name as organization_name')
      .where(inOrganizations('integrations.organization_id', filters.organizations ?? 'all'))
      .orderBy(order[0], page.sort)
      .orderBy(order[1], page.sort)
      .orderBy(order[2], page.sort)
      .limit(page.limit + 1);
    if (filters.types) qb = qb.where('integrations.type', 'in', filters.types);
    if (filters.statuses) qb = qb.where('integrations.status', 'in', filters.statuses);
    if (filters.q) {
      const q = filters.q;
      qb = qb.where(() => containsText(this.engine, 'integrations.name', q));
    }
    if (page.cursor) {
      const { key, id } = decodeCursor(page.cursor, OVERVIEW_CURSOR);
      qb = qb.where(afterTuple(order, [...(key as string[]), id], page.sort));
    }
    const rows = await qb.execute();
    const ids = rows.map((r) => r.id);
    const [lastRuns, last24h] = await Promise.all([
      newestRuns(this.engine, 'integration_id', ids),
      this.last24h(ids),
    ]);
    const items = rows.map((row): IntegrationOverview => ({
      ...toIntegration(row),
      organizationName: row.organization_name,
      lastRun: lastRuns.get(row.id) ?? null,
      last24h: last24h.get(row.id) ?? { runs: 0, errors: 0 },
    }));
    return toPage(items, page.limit, (i) => ({ key: [i.organizationName, i.name], id: i.id }));
  }

  /** Runs requested in the last 24 hours per integration, and how many of them ended in ERROR. */
  private async last24h(
    integrationIds: readonly string[],
  ): Promise<Map<string, { runs: number; errors: number }>> {
    if (integrationIds.length === 0) return new Map();
    const since = new Date(Date.now() - 24 * 3600_000);
    const rows = await this.engine.db
      .selectFrom('runs')
      .select((eb) => [
        'integration_id',
        eb.fn.countAll<number | string>().as('runs'),
        eb.fn
          .sum<number | string | null>(eb.case().when('status', '=', 'ERROR').then(1).else(0).end())
          .as('errors'),
      ])
      .where('integration_id', 'in', integrationIds)
      .where('requested_at', '>=', since)
      .groupBy('integration_id')
      .execute();
    return new Map(
      rows.map((r) => [r.integration_id, { runs: Number(r.runs), errors: Number(r.errors ?? 0) }]),
    );
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
