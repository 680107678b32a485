import type { Engine } from '../storage/engine.js';

export class HousekeepingRepository {
  constructor(private readonly engine: Engine) {}

  async deleteIdempotencyKeysBefore(before: Date): Promise<number> {
    const result = await this.engine.db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteSessionsExpiredBefore(before: Date): Promise<number> {
    const result = await this.engine.db
      .deleteFrom('sessions')
      .where('expires_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Uploads that never completed (the server died mid-upload); their chunks go with them. */
  async deleteAbandonedUploadsBefore(before: Date): Promise<number> {
    const result = await this.engine.db
      .deleteFrom('artifacts')
      .where('state', '=', 'UPLOADING')
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
