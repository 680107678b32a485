import { randomUUID } from 'node:crypto';
import { SynctrailError } from './errors.js';

/**
 * How reports are grouped into requests, and how much may wait in memory.
 *
 * @example
 * ```ts
 * const run = await client.startRun({ integrationId, batching: { maxBatchSize: 500, flushIntervalMs: 250 } });
 * ```
 */
export interface BatchingOptions {
  /** A batch is sent once it holds this many items (default 1,000; at most 10,000). */
  maxBatchSize?: number;
  /** …or this many bytes of JSON (default 8 MiB). */
  maxBatchBytes?: number;
  /** …or when its first item has waited this long (default 1,000 ms). */
  flushIntervalMs?: number;
  /**
   * Items held in memory, sent or not yet acknowledged, beyond which adding one waits until a batch
   * is acknowledged (default 10,000).
   */
  maxBuffered?: number;
}

/**
 * Counters of a queue, for monitoring.
 *
 * @example
 * ```ts
 * const { buffered, delivered } = run.stats;
 * ```
 */
export interface QueueStats {
  /** Items held in memory: not yet acknowledged by the server. */
  buffered: number;
  /** Items the server acknowledged. */
  delivered: number;
  /** Batches acknowledged. */
  batches: number;
  /** Items given up on (only by queues that skip failed batches, e.g. call capture). */
  dropped: number;
}

/**
 * Limits of a queue that depend on its endpoint.
 *
 * @example
 * ```ts
 * const limits: QueueLimits = { maxItemsPerBatch: 10_000, onDropped: (error, n) => console.warn(`${n} dropped`, error) };
 * ```
 */
export interface QueueLimits {
  /** Items the endpoint accepts per request. */
  maxItemsPerBatch: number;
  /**
   * When set, a batch that cannot be delivered is given up (and reported here) and delivery goes on;
   * otherwise delivery stops at it, because the order of what follows matters.
   */
  onDropped?: (error: SynctrailError, count: number) => void;
}

interface Batch {
  lines: string[];
  /** Chosen when the batch is cut and kept across its retries, so the server stores it once. */
  key: string;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Sends one batch: its NDJSON lines under its idempotency key, retrying as it sees fit.
 *
 * @example
 * ```ts
 * const send: SendBatch = (lines, key) => postNdjson('/api/v1/calls', lines, key);
 * ```
 */
export type SendBatch = (lines: string[], key: string) => Promise<void>;

const RESOLVED = Promise.resolve();

function toSynctrailError(error: unknown): SynctrailError {
  if (error instanceof SynctrailError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SynctrailError(0, 'network_error', message, undefined, { cause: error });
}

/** A promise whose rejection, if nobody awaits it, does not crash the process: it surfaces later anyway. */
function quiet(promise: Promise<void>): Promise<void> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Buffers items, cuts them into batches by count, size and age, and sends the batches one at a
 * time, in order. Items are serialized when added, so a caller may reuse its objects at once.
 * Delivery stops at the first batch that cannot be delivered: later ones depend on its order.
 *
 * @example
 * ```ts
 * const queue = new BatchQueue<ActionInput>(send, { maxBatchSize: 500 });
 * await queue.push(action); // waits only when maxBuffered items are held
 * await queue.flush();
 * ```
 */
export class BatchQueue<T> {
  private readonly maxBatchSize: number;
  private readonly maxBatchBytes: number;
  private readonly flushIntervalMs: number;
  readonly maxBuffered: number;
  private current: string[] = [];
  private currentBytes = 0;
  private readonly batches: Batch[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending = false;
  private closed = false;
  private roomWaiters: Waiter[] = [];
  private drainWaiters: Waiter[] = [];
  private readonly stats: QueueStats = { buffered: 0, delivered: 0, batches: 0, dropped: 0 };
  /** The error that stopped delivery; every later operation reports it. */
  failure: SynctrailError | undefined;

  constructor(
    private readonly send: SendBatch,
    options: BatchingOptions = {},
    private readonly limits: QueueLimits = { maxItemsPerBatch: 10_000 },
  ) {
    this.maxBatchSize = Math.min(limits.maxItemsPerBatch, Math.max(1, options.maxBatchSize ?? 1_000));
    this.maxBatchBytes = Math.max(1024, options.maxBatchBytes ?? 8 * 1024 * 1024);
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 1_000);
    this.maxBuffered = Math.max(this.maxBatchSize, options.maxBuffered ?? 10_000);
  }

  /** A snapshot of the counters. */
  get statistics(): QueueStats {
    return { ...this.stats };
  }

  /** True when adding an item now would have to wait for room. */
  get full(): boolean {
    return this.stats.buffered >= this.maxBuffered;
  }

  /**
   * Adds an item. The promise resolves at once while fewer than `maxBuffered` items wait, otherwise
   * when a batch has been acknowledged and made room; the item is queued either way.
   */
  push(item: T): Promise<void> {
    if (this.failure) return quiet(Promise.reject(this.failure));
    if (this.closed) {
      return quiet(
        Promise.reject(new SynctrailError(0, 'run_closed', 'Nothing can be added after finish() or stop().')),
      );
    }
    const line = JSON.stringify(item);
    if (this.current.length > 0 && this.currentBytes + line.length + 1 > this.maxBatchBytes) this.cut();
    this.current.push(line);
    this.currentBytes += line.length + 1;
    this.stats.buffered++;
    if (this.current.length >= this.maxBatchSize) this.cut();
    else if (!this.timer) {
      // Unref'd: a pending flush alone does not keep the process alive (finish() or flush() does).
      this.timer = setTimeout(() => this.cut(), this.flushIntervalMs).unref();
    }
    if (this.stats.buffered <= this.maxBuffered) return RESOLVED;
    return quiet(new Promise<void>((resolve, reject) => this.roomWaiters.push({ resolve, reject })));
  }

  /** Sends everything added so far; resolves once the server acknowledged it all. */
  flush(): Promise<void> {
    this.cut();
    if (this.failure) return quiet(Promise.reject(this.failure));
    if (!this.sending && this.batches.length === 0) return RESOLVED;
    return new Promise<void>((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  /** Flushes and refuses further items. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /**
   * Forgets the oldest item that is not being sent, to make room for a newer one (the caller counts
   * it; `dropped` counts undeliverable items only); false when every item held is being sent.
   */
  dropOldest(): boolean {
    const first = this.sending ? 1 : 0;
    const batch = this.batches[first];
    if (batch) {
      // Never sent yet, so its idempotency key has not reached the server: it may change.
      batch.lines.shift();
      if (batch.lines.length === 0) this.batches.splice(first, 1);
    } else if (this.current.length > 0) {
      const line = this.current.shift() ?? '';
      this.currentBytes -= line.length + 1;
    } else {
      return false;
    }
    this.stats.buffered--;
    return true;
  }

  /** Refuses further items and forgets those not delivered; returns how many there were. */
  abandon(): number {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const left = this.stats.buffered;
    this.current = [];
    this.batches.length = 0;
    this.stats.buffered = 0;
    this.stats.dropped += left;
    return left;
  }

  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.current.length === 0) return;
    this.batches.push({ lines: this.current, key: randomUUID() });
    this.current = [];
    this.currentBytes = 0;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.sending || this.failure) return;
    this.sending = true;
    try {
      for (let batch = this.batches[0]; batch && !this.failure; batch = this.batches[0]) {
        try {
          await this.send(batch.lines, batch.key);
          this.stats.delivered += batch.lines.length;
          this.stats.batches++;
        } catch (error) {
          if (!this.limits.onDropped) {
            this.fail(error);
            return;
          }
          this.stats.dropped += batch.lines.length;
          try {
            this.limits.onDropped(toSynctrailError(error), batch.lines.length);
          } catch {
            // A reporting hook's failure must not stop delivery.
          }
        }
        this.batches.shift();
        this.stats.buffered -= batch.lines.length;
        if (this.stats.buffered <= this.maxBuffered) this.settle('roomWaiters');
      }
    } finally {
      this.sending = false;
    }
    if (this.batches.length === 0) this.settle('drainWaiters');
  }

  private fail(error: unknown): void {
    this.failure = toSynctrailError(error);
    this.settle('roomWaiters', this.failure);
    this.settle('drainWaiters', this.failure);
  }

  private settle(which: 'roomWaiters' | 'drainWaiters', error?: unknown): void {
    const waiters = this[which];
    this[which] = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}
