import { v7 as uuidv7 } from 'uuid';
import type {
  Page,
  SyncUser,
  SyncUserListItem,
  SyncUserListQuery,
  SyncUserPatch,
  SyncUserUpsert,
} from '@synctrail/types';
import type { Access, Scope } from '../auth/access.js';
import { AppError } from '../http/errors.js';
import type { Engine } from '../storage/engine.js';
import { notFound } from '../http/errors.js';
import { isUuid } from '../shared/filters.js';
import type { OrganizationService } from '../organizations/organization.service.js';
import { UserRepository } from './user.repository.js';

export class UserService {
  readonly repository: UserRepository;

  constructor(
    private readonly engine: Engine,
    private readonly organizations: OrganizationService,
  ) {
    this.repository = new UserRepository(engine);
  }

  async get(access: Access, id: string, scope?: Scope): Promise<SyncUser> {
    const user = isUuid(id) ? await this.repository.findById(id) : undefined;
    if (!user || !access.canSee(user.organizationId)) throw notFound('user_not_found', 'Sync user', id);
    if (scope) access.require(scope, user.organizationId);
    return user;
  }

  async list(
    access: Access,
    organizationId: string,
    query: SyncUserListQuery,
  ): Promise<Page<SyncUserListItem>> {
    await this.organizations.get(access, organizationId, 'read');
    return this.repository.list(organizationId, query);
  }

  /** Creates the user, or updates the one with the same external id. `created` tells which. */
  async upsert(
    access: Access,
    organizationId: string,
    input: SyncUserUpsert,
  ): Promise<{ user: SyncUser; created: boolean }> {
    await this.organizations.get(access, organizationId);
    // Connectors (ingest) report their users; administrators may add them by hand.
    if (!access.has('ingest', organizationId) && !access.has('admin', organizationId)) {
      throw new AppError(
        'forbidden',
        'Adding sync users needs the "ingest" or "admin" scope in this organization.',
      );
    }
    return this.engine.transaction(async () => {
      const now = new Date().toISOString();
      const existing = await this.repository.findByExternalId(organizationId, input.externalId);
      if (existing) {
        const next: SyncUser = {
          ...existing,
          ...(input.email !== undefined ? { email: input.email } : {}),
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.syncEnabled !== undefined ? { syncEnabled: input.syncEnabled } : {}),
          updatedAt: now,
        };
        await this.repository.replace(next);
        return { user: next, created: false };
      }
      const user: SyncUser = {
        id: uuidv7(),
        organizationId,
        externalId: input.externalId,
        email: input.email ?? null,
        name: input.name ?? null,
        syncEnabled: input.syncEnabled ?? true,
        createdAt: now,
        updatedAt: now,
      };
      await this.repository.insert(user);
      return { user, created: true };
    });
  }

  async update(access: Access, id: string, patch: SyncUserPatch): Promise<SyncUser> {
    return this.engine.transaction(async () => {
      const current = await this.get(access, id, 'admin');
      const next: SyncUser = {
        ...current,
        ...(patch.email !== undefined ? { email: patch.email } : {}),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.syncEnabled !== undefined ? { syncEnabled: patch.syncEnabled } : {}),
        updatedAt: new Date().toISOString(),
      };
      await this.repository.replace(next);
      return next;
    });
  }
}
