import type { ErrorBody } from '@synctrail/types';

/**
 * Codes the SDK uses for failures that got no answer from the server, or that it detects itself.
 *
 * @example
 * ```ts
 * const offline: ClientErrorCode = 'network_error';
 * if (error instanceof SynctrailError && error.code === offline) console.log('Synctrail unreachable');
 * ```
 */
export type ClientErrorCode =
  'network_error' | 'timeout' | 'invalid_response' | 'run_closed' | 'worker_stopped';

/**
 * An error answered by Synctrail (`{ error: { code, message, details } }`), or a failure to reach it
 * (`status` 0, `code` `network_error` or `timeout`).
 *
 * @example
 * ```ts
 * try {
 *   await client.cancelRun(runId);
 * } catch (error) {
 *   if (error instanceof SynctrailError && error.code === 'run_not_cancellable') console.log(error.message);
 *   else throw error;
 * }
 * ```
 */
export class SynctrailError extends Error {
  override readonly name = 'SynctrailError';
  /** HTTP status of the answer; 0 when there was none (network error, timeout). */
  readonly status: number;
  /** Stable snake_case code, e.g. `run_not_found`, `validation_failed`, `network_error`. */
  readonly code: string;
  /** The server's `details`, e.g. the list of invalid fields. */
  readonly details: unknown;

  constructor(
    status: number,
    code: string,
    message: string,
    details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /**
   * True when sending the same request again may succeed: network errors, timeouts, 5xx, 429, 408,
   * and 409 `idempotency_key_in_use` (the first attempt is still being processed).
   *
   * @example
   * ```ts
   * if (error instanceof SynctrailError && error.retryable) scheduleRetry();
   * ```
   */
  get retryable(): boolean {
    if (this.status === 0) return this.code === 'network_error' || this.code === 'timeout';
    if (this.status >= 500 || this.status === 429 || this.status === 408) return true;
    return this.status === 409 && this.code === 'idempotency_key_in_use';
  }

  /** Builds the error from a non-2xx answer, whatever its body. @internal */
  static fromResponse(status: number, body: string, method: string, path: string): SynctrailError {
    try {
      const parsed = JSON.parse(body) as Partial<ErrorBody>;
      if (parsed.error && typeof parsed.error.code === 'string') {
        return new SynctrailError(
          status,
          parsed.error.code,
          parsed.error.message ?? parsed.error.code,
          parsed.error.details,
        );
      }
    } catch {
      // Not JSON (a proxy's error page): fall through to a generic error with the text.
    }
    const snippet = body.length > 300 ? `${body.slice(0, 300)}…` : body;
    return new SynctrailError(
      status,
      status >= 500 ? 'server_error' : 'invalid_response',
      `${method} ${path} answered ${status}: ${snippet}`,
    );
  }
}

/**
 * The reason `run.signal` aborts with: an administrator asked the run to stop.
 *
 * @example
 * ```ts
 * run.signal.addEventListener('abort', () => {
 *   if (run.signal.reason instanceof RunCancelledError) console.log(`run ${run.id} cancelled`);
 * });
 * ```
 */
export class RunCancelledError extends Error {
  override readonly name = 'RunCancelledError';
  constructor(readonly runId: string) {
    super(`Run ${runId} was cancelled by an administrator.`);
  }
}
