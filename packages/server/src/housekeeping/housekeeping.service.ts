import type { Engine } from '../storage/engine.js';
import { HousekeepingRepository } from './housekeeping.repository.js';
import { LiveEventRepository } from '../events/live-event.repository.js';

export interface HousekeepingOptions {
  /** How long a stored Idempotency-Key answer is kept (retries come within minutes). */
  idempotencyTtlMs: number;
  /** An upload still incomplete after this long was abandoned. */
  abandonedUploadMs: number;
  /** How long the live event log keeps an event (for clients resuming with Last-Event-ID). */
  liveEventRetentionMs: number;
}

export interface HousekeepingResult {
  idempotencyKeys: number;
  sessions: number;
  uploads: number;
  liveEvents: number;
  /** Time partitions created (PostgreSQL: the months ahead, and months that had rows waiting). */
  partitions: string[];
}

/**
 * Removes what only served a moment: old idempotency answers, expired sessions, abandoned uploads.
 * Live events older than their retention go too (they only serve reconnecting clients). Never removes
 * recorded data (runs, actions, calls, issues, artifacts, the audit log); on PostgreSQL it creates the
 * time partitions that have come due (`Engine.preparePartitions`), which may move rows between
 * partitions but keeps every one.
 */
export class HousekeepingService {
  readonly repository: HousekeepingRepository;
  private readonly liveEvents: LiveEventRepository;

  constructor(
    private readonly engine: Engine,
    private readonly options: HousekeepingOptions,
  ) {
    this.repository = new HousekeepingRepository(engine);
    this.liveEvents = new LiveEventRepository(engine);
  }

  async sweep(now = new Date()): Promise<HousekeepingResult> {
    return {
      idempotencyKeys: await this.repository.deleteIdempotencyKeysBefore(
        new Date(now.getTime() - this.options.idempotencyTtlMs),
      ),
      sessions: await this.repository.deleteSessionsExpiredBefore(now),
      uploads: await this.repository.deleteAbandonedUploadsBefore(
        new Date(now.getTime() - this.options.abandonedUploadMs),
      ),
      liveEvents: await this.liveEvents.pruneBefore(
        new Date(now.getTime() - this.options.liveEventRetentionMs),
      ),
      partitions: (await this.engine.preparePartitions(now)).created,
    };
  }
}
