import { createHash } from 'node:crypto';
import type { Engine } from '../storage/engine.js';
import { AppError } from '../http/errors.js';
import { IdempotencyRepository } from './idempotency.repository.js';

export interface IdempotentResult<T> {
  statusCode: number;
  body: T;
  /** True when this answer is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

/** Raised inside the transaction when a concurrent twin stored its answer first: undoes our writes. */
class LostRace extends Error {}

export function requestHash(parts: readonly unknown[]): string {
  const hash = createHash('sha256');
  for (const part of parts)
    hash.update(typeof part === 'string' ? part : (JSON.stringify(part) ?? '')).update('\0');
  return hash.digest('hex');
}

/**
 * Runs a write at most once per `Idempotency-Key`: the write and the stored answer commit in one
 * transaction, so a retry (even after a crash between commit and reply) returns the first answer.
 */
export class IdempotencyService {
  readonly repository: IdempotencyRepository;

  constructor(private readonly engine: Engine) {
    this.repository = new IdempotencyRepository(engine);
  }

  async run<T>(
    scope: string,
    key: string | undefined,
    hash: string,
    write: () => Promise<{ statusCode: number; body: T }>,
  ): Promise<IdempotentResult<T>> {
    if (key === undefined) return { ...(await this.engine.transaction(write)), replayed: false };
    if (key.length === 0 || key.length > 200) {
      throw new AppError('validation_failed', 'The Idempotency-Key header must be 1 to 200 characters long.');
    }
    const earlier = await this.replay<T>(scope, key, hash);
    if (earlier) return earlier;
    try {
      return await this.engine.transaction(async () => {
        const result = await write();
        const won = await this.repository.save(scope, key, { requestHash: hash, ...result });
        if (!won) throw new LostRace();
        return { ...result, replayed: false };
      });
    } catch (error) {
      if (!(error instanceof LostRace)) throw error;
      const first = await this.replay<T>(scope, key, hash);
      if (!first)
        throw new AppError(
          'idempotency_key_in_use',
          'A request with this Idempotency-Key is in progress; retry shortly.',
        );
      return first;
    }
  }

  private async replay<T>(
    scope: string,
    key: string,
    hash: string,
  ): Promise<IdempotentResult<T> | undefined> {
    const stored = await this.repository.find(scope, key);
    if (!stored) return undefined;
    if (stored.requestHash !== hash) {
      throw new AppError(
        'idempotency_key_reused',
        'This Idempotency-Key was already used for a different request; use a new key for new data.',
      );
    }
    return { statusCode: stored.statusCode, body: stored.body as T, replayed: true };
  }
}
