import type { FastifyBaseLogger } from 'fastify';
import type { CallsLiveEvent, RunLiveEvent } from '@synctrail/types';
import type { RunRepository } from '../runs/run.repository.js';
import { AppError } from '../http/errors.js';
import type { LiveEventRepository, LiveEventRow } from './live-event.repository.js';
import { acceptInOrder } from './live-order.js';

/** One message of the stream: its id (the newest seq it stands for) and the organization it belongs to. */
export interface LiveMessage {
  id: number;
  organizationId: string;
  data: RunLiveEvent | CallsLiveEvent;
}

/** Someone listening (an open `GET /api/v1/events`). */
export interface LiveSubscriber {
  /** Messages in id order; the subscriber keeps those it may see. */
  deliver(messages: readonly LiveMessage[]): void;
  /** The process is shutting down. */
  close(): void;
}

export interface LiveEventHubOptions {
  /** How often the log is read while someone listens. */
  pollMs: number;
  /** How long a gap in the sequence holds the events after it (see live-order.ts). */
  holeTimeoutMs?: number;
  log?: FastifyBaseLogger;
}

/** Rows read per query; a full batch is followed at once by the next. */
const BATCH = 1000;
/** A replay that would hold more messages than this is answered `reset` instead. */
export const MAX_REPLAY = 5000;

/**
 * The live events of one server process: while anyone listens, one poller reads the event log after
 * the last seq it delivered (every process reads every event, whichever process wrote it), coalesces
 * each tick's events (one message per run, carrying the run as it is now; one per organization and
 * run for calls) and hands them to the subscribers. Nobody listening, nothing is read.
 */
export class LiveEventHub {
  private readonly subscribers = new Set<LiveSubscriber>();
  /** Every event up to here was delivered (or given up); undefined while the poller is stopped. */
  private watermark: number | undefined;
  private starting: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly holes = new Map<number, number>();
  private closed = false;

  constructor(
    private readonly events: LiveEventRepository,
    private readonly runs: RunRepository,
    private readonly options: LiveEventHubOptions,
  ) {}

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * Adds a subscriber; answers the watermark at that moment: it will be handed every event after it
   * (the ones up to it are the subscriber's to replay, see `replay`).
   */
  async subscribe(subscriber: LiveSubscriber): Promise<number> {
    this.refuseIfClosed();
    await this.start();
    this.refuseIfClosed();
    this.subscribers.add(subscriber);
    return this.watermark!;
  }

  unsubscribe(subscriber: LiveSubscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) this.stop();
  }

  /**
   * The events in `(after, upTo]` of these organizations, coalesced; undefined when there are more
   * than MAX_REPLAY (the client had better refetch).
   */
  async replay(
    after: number,
    upTo: number,
    organizations: 'all' | readonly string[],
  ): Promise<LiveMessage[] | undefined> {
    if (upTo <= after) return [];
    const rows = await this.events.replay(after, upTo, organizations, MAX_REPLAY + 1);
    return rows.length > MAX_REPLAY ? undefined : this.coalesce(rows);
  }

  /** Shutdown: every stream is closed and nothing more is read. */
  close(): void {
    this.closed = true;
    for (const subscriber of [...this.subscribers]) subscriber.close();
    this.subscribers.clear();
    this.stop();
  }

  /** Reads and delivers what is new (the timer calls it; tests may too). */
  async tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.readNew().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private refuseIfClosed(): void {
    if (this.closed)
      throw new AppError('shutting_down', 'This server process is shutting down; reconnect in a moment.');
  }

  private start(): Promise<number> {
    if (this.watermark !== undefined) return Promise.resolve(this.watermark);
    this.starting ??= this.events.bounds().then(
      (bounds) => {
        this.starting = undefined;
        this.watermark ??= bounds?.max ?? 0;
        this.timer ??= setInterval(() => {
          this.tick().catch((error: unknown) =>
            this.options.log?.error({ err: error }, 'live events: reading the log failed; retrying'),
          );
        }, this.options.pollMs);
        this.timer.unref();
        return this.watermark;
      },
      (error: unknown) => {
        this.starting = undefined;
        throw error;
      },
    );
    return this.starting;
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.watermark = undefined;
    this.holes.clear();
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const from = this.watermark;
      if (from === undefined) return;
      const rows = await this.events.after(from, BATCH);
      const { accepted, watermark } = acceptInOrder(
        from,
        rows,
        this.holes,
        Date.now(),
        this.options.holeTimeoutMs ?? 5000,
      );
      if (watermark === from) return;
      const messages = await this.coalesce(accepted);
      // Stopped (nobody listens any more) or restarted meanwhile: this reading is stale.
      if (this.watermark !== from) return;
      this.watermark = watermark;
      for (const subscriber of this.subscribers) subscriber.deliver(messages);
      if (rows.length < BATCH || accepted.length < rows.length) return;
    }
  }

  /** One message per run (its newest seq, the run as it is now) and per organization and run for calls. */
  private async coalesce(rows: readonly LiveEventRow[]): Promise<LiveMessage[]> {
    const runEvents = new Map<string, LiveEventRow>();
    const callEvents = new Map<string, LiveEventRow>();
    for (const row of rows) {
      if (row.kind === 'run' && row.runId !== null) {
        runEvents.set(row.runId, row);
        continue;
      }
      const key = `${row.organizationId}/${row.runId ?? ''}`;
      const seen = callEvents.get(key);
      callEvents.set(
        key,
        seen
          ? {
              ...row,
              count: seen.count + row.count,
              latestAt: later(seen.latestAt, row.latestAt),
            }
          : row,
      );
    }
    const runs = await this.runs.findByIds([...runEvents.keys()]);
    const messages: LiveMessage[] = [];
    for (const [id, row] of runEvents) {
      const run = runs.get(id);
      if (run) messages.push({ id: row.seq, organizationId: run.organizationId, data: { kind: 'run', run } });
    }
    for (const row of callEvents.values()) {
      messages.push({
        id: row.seq,
        organizationId: row.organizationId,
        data: {
          kind: 'calls',
          organizationId: row.organizationId,
          runId: row.runId,
          count: row.count,
          latestAt: (row.latestAt ?? new Date(0)).toISOString(),
        },
      });
    }
    return messages.sort((a, b) => a.id - b.id);
  }
}

function later(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
