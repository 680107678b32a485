import type { Selectable } from 'kysely';
import type { ApiKey, ApiKeyScope } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import type { ApiKeysTable } from '../storage/database.js';
import { toIso, toIsoOrNull } from '../storage/row-values.js';

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    scopes: row.scopes.split(',') as ApiKeyScope[],
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    lastUsedAt: toIsoOrNull(row.last_used_at),
    revokedAt: toIsoOrNull(row.revoked_at),
  };
}

export class ApiKeyRepository {
  constructor(private readonly engine: Engine) {}

  async insert(key: ApiKey, tokenHash: string): Promise<void> {
    await this.engine.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        organization_id: key.organizationId,
        name: key.name,
        scopes: key.scopes.join(','),
        prefix: key.prefix,
        token_hash: tokenHash,
        created_by: key.createdBy,
        created_at: new Date(key.createdAt),
      })
      .execute();
  }

  async findById(id: string): Promise<ApiKey | undefined> {
    const row = await this.engine.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toApiKey(row);
  }

  /** The live (unrevoked) key with this token hash. */
  async findActiveByHash(tokenHash: string): Promise<ApiKey | undefined> {
    const row = await this.engine.db
      .selectFrom('api_keys')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toApiKey(row);
  }

  async list(organizationId: string): Promise<ApiKey[]> {
    const rows = await this.engine.db
      .selectFrom('api_keys')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .orderBy('created_at')
      .execute();
    return rows.map(toApiKey);
  }

  async revoke(id: string, at: Date): Promise<ApiKey | undefined> {
    const row = await this.engine.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row && toApiKey(row);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.engine.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
