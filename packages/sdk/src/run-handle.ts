import { randomUUID } from 'node:crypto';
import {
  MAX_ACTIONS_PER_BATCH,
  type ActionBatchResult,
  type ActionInput,
  type Artifact,
  type ArtifactKind,
  type HeartbeatResult,
  type ReportedCounters,
  type Run,
  type RunPatch,
  type RunProgress,
} from '@synctrail/types';
import { uploadArtifact, type ArtifactData, type AttachOptions } from './artifact-upload.js';
import { BatchQueue, type BatchingOptions, type QueueStats } from './batch-queue.js';
import { RunCancelledError, SynctrailError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import type { Transport } from './transport.js';

/**
 * How a run reports: batching of its actions, heartbeat, background errors.
 *
 * @example
 * ```ts
 * const run = await client.startRun({ integrationId, heartbeatIntervalMs: 5_000, batching: { maxBuffered: 50_000 } });
 * ```
 */
export interface RunOptions {
  /** Batching and backpressure of actions. */
  batching?: BatchingOptions;
  /** How often the run tells Synctrail it is alive and learns of a cancel (default 15 s; 0 turns it off). */
  heartbeatIntervalMs?: number;
  /** Called with errors of background work (heartbeats) that no caller awaits. */
  onError?: (error: unknown) => void;
}

/**
 * An action to report: `at` defaults to the moment `action()` is called.
 *
 * @example
 * ```ts
 * const draft: ActionDraft = { source: { system: 'EXCHANGE', id: '1' }, target: { system: 'CRM' }, action: 'NONE', status: 'INFO' };
 * ```
 */
export type ActionDraft = Omit<ActionInput, 'at'> & { at?: string | Date };

/**
 * Options of `run.finish()`.
 *
 * @example
 * ```ts
 * await run.finish({ counters: { objects: 120 }, objectReport: { Contact: { created: 3 } } });
 * ```
 */
export interface FinishOptions {
  /** Counters only the connector knows (objects, changes, failures, conflicts). */
  counters?: ReportedCounters;
  /** Per-object-type report, free JSON. */
  objectReport?: Record<string, unknown>;
}

/**
 * Options of `run.fail()`.
 *
 * @example
 * ```ts
 * await run.fail(error, { source: 'MICROSOFT_EXCHANGE', category: 'Throttled' });
 * ```
 */
export interface FailOptions extends FinishOptions {
  /** Which side failed: `CONNECTOR` (default), `UNKNOWN`, or the external system, e.g. `SALESFORCE`. */
  source?: string;
  /** A short classification, e.g. `Authentication`; default: the error's name. */
  category?: string;
}

const CANCEL_PROGRESS: readonly RunProgress[] = ['ABORTION_PENDING', 'ABORTED'];
const MAX_EXCEPTION_CHARS = 100_000;

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
}

/**
 * A run in progress: report its actions and files, learn whether it was cancelled, and end it.
 * Get one from `client.startRun()`, or from `client.worker()` for runs started on the server.
 *
 * @example
 * ```ts
 * const run = await client.startRun({ integrationId, name: 'Mailbox ada@example.com' });
 * try {
 *   for (const contact of contacts) {
 *     if (run.signal.aborted) break;
 *     await run.action({
 *       source: { system: 'EXCHANGE', id: contact.id, name: contact.name },
 *       target: { system: 'SALESFORCE', id: null },
 *       objectType: 'Contact',
 *       action: 'CREATE',
 *       status: 'OK',
 *     });
 *   }
 *   await run.finish({ counters: { objects: contacts.length } });
 * } catch (error) {
 *   await run.fail(error, { source: 'SALESFORCE' });
 * }
 * ```
 */
export class RunHandle {
  /** The run's id. */
  readonly id: string;
  /** Aborts (with a {@link RunCancelledError}) when an administrator cancels the run. */
  readonly signal: AbortSignal;
  private snapshot: Run;
  private readonly controller = new AbortController();
  private readonly queue: BatchQueue<ActionInput>;
  private readonly heartbeat: Heartbeat;
  private closing: Promise<Run> | undefined;

  /** @internal Use `client.startRun()` or `client.worker()`. */
  constructor(
    private readonly transport: Transport,
    run: Run,
    options: RunOptions = {},
  ) {
    this.id = run.id;
    this.snapshot = run;
    this.signal = this.controller.signal;
    this.queue = new BatchQueue<ActionInput>((lines, key) => this.sendBatch(lines, key), options.batching, {
      maxItemsPerBatch: MAX_ACTIONS_PER_BATCH,
    });
    this.heartbeat = new Heartbeat(
      () => this.beat(),
      options.heartbeatIntervalMs ?? 15_000,
      options.onError ?? (() => undefined),
    );
    this.heartbeat.start();
    this.observe(run);
  }

  /** The run as the server last described it (after start, a batch, a heartbeat or the end). */
  get run(): Run {
    return this.snapshot;
  }

  /** True once an administrator has asked the run to stop. */
  get cancelled(): boolean {
    return this.signal.aborted;
  }

  /** Actions buffered, delivered, batches sent. */
  get stats(): QueueStats {
    return this.queue.statistics;
  }

  /**
   * Reports one action. It is buffered and sent in a batch (by size or after `flushIntervalMs`).
   * Await the promise: it resolves at once while there is room in the buffer, and otherwise only
   * when the server has acknowledged a batch, which keeps memory bounded when the server is slow.
   * It rejects if delivery has failed for good (see `finish()`).
   */
  action(action: ActionDraft): Promise<void> {
    const at = action.at instanceof Date ? action.at.toISOString() : (action.at ?? new Date().toISOString());
    return this.queue.push({ ...action, at });
  }

  /** Sends the buffered actions now; resolves when the server has stored them all. */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /**
   * Reports progress fields (name, counters, object report) without ending the run.
   *
   * @example
   * ```ts
   * await run.update({ counters: { objects: 1_000 } });
   * ```
   */
  async update(patch: RunPatch): Promise<Run> {
    return this.patch(patch);
  }

  /**
   * Attaches a log file (an HTTP trace, the configuration, a dump…). Strings and bytes are sent whole
   * and retried; streams are streamed, never held in memory.
   *
   * @example
   * ```ts
   * await run.attach('trace.txt', 'HTTP_TRACE', fs.createReadStream('/tmp/trace.txt'));
   * ```
   */
  attach(
    name: string,
    kind: ArtifactKind,
    data: ArtifactData,
    options: AttachOptions = {},
  ): Promise<Artifact> {
    return uploadArtifact(this.transport, this.id, name, kind, data, options);
  }

  /**
   * Delivers the buffered actions, then ends the run: progress FINISHED, or ABORTED when it was
   * cancelled (which confirms the cancel). Rejects, leaving the run open, if actions could not be
   * delivered; `fail()` can still end it then.
   */
  finish(options: FinishOptions = {}): Promise<Run> {
    return this.close(async () => {
      await this.queue.close();
      return this.end({ ...options });
    });
  }

  /**
   * Delivers what it can of the buffered actions, then ends the run with the error: progress
   * FINISHED (ABORTED if it was cancelled), `errorSource`, `errorCategory` and `exception` (the
   * stack). Failing with the cancel's own reason just confirms the cancel.
   */
  fail(error: unknown, options: FailOptions = {}): Promise<Run> {
    return this.close(async () => {
      let lost = '';
      try {
        await this.queue.close();
      } catch (deliveryError) {
        const count = this.queue.abandon();
        lost = `\n\n${count} action(s) could not be delivered: ${(deliveryError as Error).message}`;
      }
      const { source, category, ...finish } = options;
      if (this.cancelled && !lost && isCancellation(error, this.signal)) return this.end(finish);
      const exception = `${describeError(error)}${lost}`.slice(0, MAX_EXCEPTION_CHARS);
      return this.end({
        ...finish,
        errorSource: source ?? 'CONNECTOR',
        errorCategory: category ?? (error instanceof Error ? error.name : 'Error'),
        exception,
      });
    });
  }

  private close(work: () => Promise<Run>): Promise<Run> {
    if (this.closing) return this.closing;
    const closing = work().then(
      (run) => {
        this.heartbeat.stop();
        return run;
      },
      (error: unknown) => {
        // Not ended: let a later fail() try again.
        this.closing = undefined;
        throw error;
      },
    );
    this.closing = closing;
    return closing;
  }

  private async end(patch: Omit<RunPatch, 'progress'>): Promise<Run> {
    const progress: RunProgress = this.cancelled ? 'ABORTED' : 'FINISHED';
    try {
      return await this.patch({ ...patch, progress });
    } catch (error) {
      if (!(error instanceof SynctrailError && error.code === 'run_final')) throw error;
      // Already final: fine if it is what we meant (a cancel the server completed itself). The answer
      // says how it ended; reading the run back would need the `read` scope an ingest key lacks.
      const details = error.details as { progress?: unknown } | undefined;
      if (details?.progress === progress) return { ...this.run, progress };
      throw error;
    }
  }

  private async patch(patch: RunPatch): Promise<Run> {
    const answer = await this.transport.request<Run>('PATCH', `/api/v1/runs/${this.id}`, {
      body: { json: patch },
      idempotencyKey: randomUUID(),
    });
    this.observe(answer.body);
    return answer.body;
  }

  private async refresh(): Promise<Run> {
    const answer = await this.transport.request<Run>('GET', `/api/v1/runs/${this.id}`);
    this.observe(answer.body);
    return answer.body;
  }

  private async sendBatch(lines: string[], key: string): Promise<void> {
    const answer = await this.transport.request<ActionBatchResult>(
      'POST',
      `/api/v1/runs/${this.id}/actions`,
      {
        body: { raw: `${lines.join('\n')}\n`, contentType: 'application/x-ndjson' },
        idempotencyKey: key,
      },
    );
    this.observe(answer.body.run, !answer.replayed);
  }

  private async beat(): Promise<void> {
    const answer = await this.transport.request<HeartbeatResult>(
      'POST',
      `/api/v1/runs/${this.id}/heartbeat`,
      {
        retry: false,
      },
    );
    if (answer.body.cancelRequested) this.cancel();
  }

  /** Keeps the newest description of the run, and notices a cancel in it. */
  private observe(run: Run, current = true): void {
    // A replayed batch answer describes the run as it was then; keep the newest.
    if (current || run.counters.processed >= this.snapshot.counters.processed) this.snapshot = run;
    if (CANCEL_PROGRESS.includes(run.progress)) this.cancel();
  }

  private cancel(): void {
    if (!this.signal.aborted) this.controller.abort(new RunCancelledError(this.id));
  }
}

function isCancellation(error: unknown, signal: AbortSignal): boolean {
  return (
    error === signal.reason ||
    error instanceof RunCancelledError ||
    (error instanceof Error && error.name === 'AbortError')
  );
}
