import type { Run } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import { LiveEventRepository } from './live-event.repository.js';

/** What a batch of calls adds to the live stream: per organization and run, a count and the latest time. */
export interface CallsIngested {
  organizationId: string;
  runId: string | null;
  count: number;
  latestAt: Date;
}

/**
 * Writes the live event log. The services call it inside the transaction of the change, so an event
 * exists exactly when its change committed; every server process's poller (`LiveEventHub`) reads it.
 */
export class LiveEventService {
  readonly repository: LiveEventRepository;

  constructor(
    engine: Engine,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.repository = new LiveEventRepository(engine);
  }

  /** The run changed: subscribers get it as it is when they are told. */
  async runChanged(run: Pick<Run, 'id' | 'organizationId'>): Promise<void> {
    await this.repository.insert(
      [{ organizationId: run.organizationId, kind: 'run', runId: run.id }],
      this.now(),
    );
  }

  async callsIngested(batches: readonly CallsIngested[]): Promise<void> {
    await this.repository.insert(
      batches.map((b) => ({ ...b, kind: 'calls' as const })),
      this.now(),
    );
  }
}
