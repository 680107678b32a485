import { v7 as uuidv7 } from 'uuid';
import { CronExpressionParser } from 'cron-parser';
import {
  INTEGRATION_STATUS,
  type Integration,
  type IntegrationCreate,
  type IntegrationListQuery,
  type IntegrationOverview,
  type IntegrationOverviewQuery,
  type IntegrationPatch,
  type Page,
} from '@synctrail/types';
import type { Access, Scope } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { AppError, notFound } from '../http/errors.js';
import { isUuid, parseIdList, parseList } from '../shared/filters.js';
import { BASELINE_MASKERS, type MaskerSource } from '../masking/masking-rule.service.js';
import type { OrganizationService } from '../organizations/organization.service.js';
import { IntegrationRepository } from './integration.repository.js';

export const DEFAULT_SCHEDULE = '0 3 * * *';

function checkSchedule(schedule: string): string {
  try {
    CronExpressionParser.parse(schedule, { tz: 'UTC' });
  } catch (error) {
    throw new AppError(
      'validation_failed',
      `The schedule "${schedule}" is not a valid cron expression (e.g. "0 3 * * *" for daily at 03:00 UTC).`,
      [{ path: '/schedule', message: error instanceof Error ? error.message : String(error) }],
      { cause: error },
    );
  }
  return schedule;
}

export class IntegrationService {
  readonly repository: IntegrationRepository;

  constructor(
    private readonly engine: Engine,
    private readonly organizations: OrganizationService,
    private readonly masking: MaskerSource = BASELINE_MASKERS,
  ) {
    this.repository = new IntegrationRepository(engine);
  }

  async get(access: Access, id: string, scope?: Scope): Promise<Integration> {
    const integration = isUuid(id) ? await this.repository.findById(id) : undefined;
    if (!integration || !access.canSee(integration.organizationId)) {
      throw notFound('integration_not_found', 'Integration', id);
    }
    if (scope) access.require(scope, integration.organizationId);
    return integration;
  }

  async list(
    access: Access,
    organizationId: string,
    query: IntegrationListQuery,
  ): Promise<Page<Integration>> {
    await this.organizations.get(access, organizationId, 'read');
    return this.repository.list(
      organizationId,
      {
        types: parseList('type', query.type),
        statuses: parseList('status', query.status, INTEGRATION_STATUS),
        q: query.q,
      },
      query,
    );
  }

  /** `GET /api/v1/integrations`: across the organizations the caller may see (narrowed like the runs list). */
  async overview(access: Access, query: IntegrationOverviewQuery): Promise<Page<IntegrationOverview>> {
    access.require('read');
    return this.repository.overview(
      {
        organizations: access.visible(parseIdList('organizationId', query.organizationId)),
        // Types are lower-case identifiers: `type=Exchange` means `exchange`.
        types: parseList('type', query.type?.toLowerCase()),
        statuses: parseList('status', query.status, INTEGRATION_STATUS),
        q: query.q,
      },
      { limit: query.limit ?? 50, cursor: query.cursor, sort: query.sort ?? 'asc' },
    );
  }

  async create(access: Access, organizationId: string, input: IntegrationCreate): Promise<Integration> {
    await this.organizations.get(access, organizationId, 'admin');
    const masker = await this.masking.maskerFor(organizationId);
    const now = new Date().toISOString();
    const integration: Integration = {
      id: uuidv7(),
      organizationId,
      type: input.type,
      name: input.name,
      status: input.status ?? 'ACTIVE',
      capabilities: {
        cancellable: input.capabilities?.cancellable ?? false,
        partialSync: input.capabilities?.partialSync ?? false,
      },
      schedule: checkSchedule(input.schedule ?? DEFAULT_SCHEDULE),
      configuration: masker.json(input.configuration ?? {}),
      createdAt: now,
      updatedAt: now,
    };
    await this.repository.insert(integration);
    return integration;
  }

  async update(access: Access, id: string, patch: IntegrationPatch): Promise<Integration> {
    return this.engine.transaction(async () => {
      const current = await this.get(access, id, 'admin');
      const masker = await this.masking.maskerFor(current.organizationId);
      const next: Integration = {
        ...current,
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.schedule !== undefined ? { schedule: checkSchedule(patch.schedule) } : {}),
        ...(patch.configuration !== undefined ? { configuration: masker.json(patch.configuration) } : {}),
        capabilities: {
          cancellable: patch.capabilities?.cancellable ?? current.capabilities.cancellable,
          partialSync: patch.capabilities?.partialSync ?? current.capabilities.partialSync,
        },
        updatedAt: new Date().toISOString(),
      };
      await this.repository.replace(next);
      return next;
    });
  }
}
