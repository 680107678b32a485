import { hostname } from 'node:os';
import type { LeaseResult, Run } from '@synctrail/types';
import { backoffDelay } from './retry.js';
import { SynctrailError } from './errors.js';
import { RunHandle, type RunOptions } from './run-handle.js';
import type { Transport } from './transport.js';

/**
 * What a worker runs for each run it leases. Resolving finishes the run, throwing fails it (unless
 * the handler ended the run itself). Honour `run.signal`: it aborts when an administrator cancels.
 *
 * @example
 * ```ts
 * const handler: RunHandler = async (run) => {
 *   for (const mailbox of await listMailboxes()) {
 *     run.signal.throwIfAborted();
 *     await syncMailbox(mailbox, run);
 *   }
 * };
 * ```
 */
export type RunHandler = (run: RunHandle) => Promise<void> | void;

/**
 * Options of `client.worker()`.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * process.once('SIGTERM', () => stop.abort());
 * await client.worker(integrationId, handler, { signal: stop.signal, pollIntervalMs: 10_000, name: 'exchange-1' });
 * ```
 */
export interface WorkerOptions extends Omit<RunOptions, 'onError'> {
  /** Wait between two leases that found nothing pending (default 5 s). */
  pollIntervalMs?: number;
  /** Stops the worker: no new lease is taken; the run in progress is completed first. */
  signal?: AbortSignal;
  /** Name of this connector instance, recorded as the run's lease owner (default `<host>:<pid>`). */
  name?: string;
  /** Runs handled at the same time (default 1). */
  concurrency?: number;
  /** Errors no caller awaits: failed leases, runs that could not be ended, heartbeats. */
  onError?: (error: unknown, run?: RunHandle) => void;
}

/** Waits `ms`, or less if the signal aborts (then resolves: stopping is not an error). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Leases pending runs of an integration and runs `handler` for each, until `options.signal` aborts.
 * The server hands each pending run to one lease only, so several workers can share an integration.
 *
 * @example
 * ```ts
 * await runWorker(transport, integrationId, async (run) => syncAll(run), { signal });
 * ```
 */
/** Lease answers no retry can change: the worker stops and rejects with them. */
const PERMANENT = new Set([401, 403, 404]);

export async function runWorker(
  transport: Transport,
  integrationId: string,
  handler: RunHandler,
  options: WorkerOptions = {},
): Promise<void> {
  const {
    pollIntervalMs = 5_000,
    signal,
    name = `${hostname()}:${process.pid}`,
    concurrency = 1,
    onError,
    ...runOptions
  } = options;
  const report = (error: unknown, run?: RunHandle) => onError?.(error, run);

  const execute = async (run: Run) => {
    const handle = new RunHandle(transport, run, {
      ...runOptions,
      onError: (error) => report(error, handle),
    });
    let outcome: { ok: true } | { ok: false; error: unknown };
    try {
      await handler(handle);
      outcome = { ok: true };
    } catch (error) {
      outcome = { ok: false, error };
    }
    try {
      // Returns the handler's own finish()/fail() if it ended the run itself.
      if (outcome.ok) await handle.finish();
      else await handle.fail(outcome.error);
    } catch (error) {
      report(error, handle);
      // finish() failed (e.g. actions could not be delivered): end the run with that error instead.
      if (outcome.ok) await handle.fail(error).catch((failError: unknown) => report(failError, handle));
    }
  };

  // A lease refused for good (bad token, missing scope, unknown integration) stops every loop.
  const fatal = new AbortController();
  const stopped = signal ? AbortSignal.any([signal, fatal.signal]) : fatal.signal;

  const loop = async () => {
    let failures = 0;
    while (!stopped.aborted) {
      let lease: LeaseResult | undefined;
      try {
        // Not aborted with the worker: a lease granted while stopping would be left RUNNING.
        const answer = await transport.request<LeaseResult | undefined>(
          'POST',
          `/api/v1/integrations/${encodeURIComponent(integrationId)}/lease`,
          { body: { json: { worker: name.slice(0, 200) } }, retry: false },
        );
        lease = answer.status === 204 ? undefined : answer.body;
        failures = 0;
      } catch (error) {
        report(error);
        if (error instanceof SynctrailError && PERMANENT.has(error.status)) {
          fatal.abort(error);
          throw error;
        }
        failures++;
        await pause(Math.max(pollIntervalMs, backoffDelay(transport.policy, failures)), stopped);
        continue;
      }
      if (lease) await execute(lease.run);
      else await pause(pollIntervalMs, stopped);
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, loop));
}
