import { v7 as uuidv7 } from 'uuid';
import type {
  Organization,
  OrganizationCreate,
  OrganizationListItem,
  OrganizationListQuery,
  OrganizationPatch,
  Page,
} from '@synctrail/types';
import type { Access, Scope } from '../auth/access.js';
import type { Engine } from '../storage/engine.js';
import { AppError, notFound } from '../http/errors.js';
import { isUuid } from '../shared/filters.js';
import { OrganizationRepository } from './organization.repository.js';

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/g, '');
  return slug || 'org';
}

export class OrganizationService {
  readonly repository: OrganizationRepository;

  constructor(private readonly engine: Engine) {
    this.repository = new OrganizationRepository(engine);
  }

  /** The organization, if `access` may see it; 404 otherwise (never 403: existence is not leaked). */
  async get(access: Access, id: string, scope?: Scope): Promise<Organization> {
    const org = isUuid(id) && access.canSee(id) ? await this.repository.findById(id) : undefined;
    if (!org) throw notFound('organization_not_found', 'Organization', id);
    if (scope) access.require(scope, id);
    return org;
  }

  async list(access: Access, query: OrganizationListQuery): Promise<Page<OrganizationListItem>> {
    access.require('read');
    return this.repository.list(access.visible(), query);
  }

  async create(access: Access, input: OrganizationCreate): Promise<Organization> {
    if (!access.isOperator) throw new AppError('forbidden', 'Only an operator can create organizations.');
    return this.engine.transaction(async () => {
      const slug = input.slug ?? (await this.freeSlug(slugify(input.name)));
      if (input.slug && (await this.repository.slugExists(slug))) {
        throw new AppError('organization_slug_taken', `The slug "${slug}" is taken; choose another.`, {
          slug,
        });
      }
      const id = uuidv7();
      await this.repository.insert({
        id,
        name: input.name,
        slug,
        syncEnabled: input.syncEnabled ?? true,
        createdAt: new Date(),
      });
      return this.get(access, id);
    });
  }

  async update(access: Access, id: string, patch: OrganizationPatch): Promise<Organization> {
    await this.get(access, id, 'admin');
    await this.repository.update(id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.syncEnabled !== undefined ? { syncEnabled: patch.syncEnabled } : {}),
    });
    return this.get(access, id);
  }

  private async freeSlug(base: string): Promise<string> {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base.slice(0, 60)}-${n}`;
      if (!(await this.repository.slugExists(candidate))) return candidate;
    }
  }
}
