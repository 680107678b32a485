import { v7 as uuidv7 } from 'uuid';
import type { ApiKey, ApiKeyCreate, ApiKeyCreated } from '@synctrail/types';
import { Access, type Scope } from '../auth/access.js';
import { newApiKeyToken, tokenHash } from '../auth/tokens.js';
import type { Engine } from '../storage/engine.js';
import { notFound } from '../http/errors.js';
import { isUuid } from '../shared/filters.js';
import type { OrganizationService } from '../organizations/organization.service.js';
import { ApiKeyRepository } from './api-key.repository.js';

/** `last used` is written at most this often per key, to keep writes off the ingest path. */
const TOUCH_EVERY_MS = 60_000;

export class ApiKeyService {
  readonly repository: ApiKeyRepository;
  private readonly touched = new Map<string, number>();

  constructor(
    engine: Engine,
    private readonly organizations: OrganizationService,
  ) {
    this.repository = new ApiKeyRepository(engine);
  }

  async list(access: Access, organizationId: string): Promise<ApiKey[]> {
    await this.organizations.get(access, organizationId, 'admin');
    return this.repository.list(organizationId);
  }

  /** Creates a key; its token is in the answer and nowhere else (only its hash is stored). */
  async create(access: Access, organizationId: string, input: ApiKeyCreate): Promise<ApiKeyCreated> {
    await this.organizations.get(access, organizationId, 'admin');
    const { token, prefix } = newApiKeyToken();
    const key: ApiKey = {
      id: uuidv7(),
      organizationId,
      name: input.name,
      scopes: [...new Set(input.scopes)],
      prefix,
      createdBy: access.actor,
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.repository.insert(key, tokenHash(token));
    return { key, token };
  }

  async revoke(access: Access, id: string): Promise<ApiKey> {
    const key = isUuid(id) ? await this.repository.findById(id) : undefined;
    if (!key || !access.canSee(key.organizationId)) throw notFound('api_key_not_found', 'API key', id);
    access.require('admin', key.organizationId);
    return (await this.repository.revoke(key.id, new Date())) ?? key;
  }

  /** The access an API key token grants, or undefined for an unknown or revoked one. */
  async authenticate(token: string): Promise<Access | undefined> {
    const key = await this.repository.findActiveByHash(tokenHash(token));
    if (!key) return undefined;
    const now = Date.now();
    if ((this.touched.get(key.id) ?? 0) < now - TOUCH_EVERY_MS) {
      this.touched.set(key.id, now);
      await this.repository.touch(key.id, new Date(now));
    }
    const scopes = new Set<Scope>(key.scopes);
    // A read key is a support engineer's or a script's: it sees payloads as an admin would.
    if (scopes.has('read')) scopes.add('payloads');
    return Access.forOrganization(`key:${key.id}`, key.organizationId, scopes);
  }
}
