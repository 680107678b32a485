import type { Engine } from '../storage/engine.js';

export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  body: unknown;
}

export class IdempotencyRepository {
  constructor(private readonly engine: Engine) {}

  async find(scope: string, key: string): Promise<StoredResponse | undefined> {
    const row = await this.engine.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status_code', 'response'])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    return (
      row && { requestHash: row.request_hash, statusCode: row.status_code, body: JSON.parse(row.response) }
    );
  }

  /** Stores the answer unless another request stored one first; tells whether this one won. */
  async save(scope: string, key: string, response: StoredResponse): Promise<boolean> {
    const inserted = await this.engine.db
      .insertInto('idempotency_keys')
      .values({
        scope,
        key,
        request_hash: response.requestHash,
        status_code: response.statusCode,
        response: JSON.stringify(response.body),
        created_at: new Date(),
      })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    return inserted !== undefined;
  }
}
