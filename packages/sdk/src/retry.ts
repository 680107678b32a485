/**
 * How failed requests are retried: exponential backoff with full jitter, capped.
 *
 * @example
 * ```ts
 * const client = new Synctrail({ url, token, retry: { maxAttempts: 20, maxDelayMs: 10_000 } });
 * ```
 */
export interface RetryOptions {
  /** Attempts in all, the first included (default 10; 1 disables retries). */
  maxAttempts?: number;
  /** Delay before the second attempt; it doubles with each further one (default 200 ms). */
  baseDelayMs?: number;
  /** Upper bound of one delay (default 30 s). */
  maxDelayMs?: number;
}

/**
 * Retry options with every default applied.
 *
 * @example
 * ```ts
 * const policy: RetryPolicy = retryPolicy({ maxAttempts: 5 });
 * ```
 */
export type RetryPolicy = Required<RetryOptions>;

/**
 * Fills in the defaults of {@link RetryOptions}.
 *
 * @example
 * ```ts
 * retryPolicy({ maxAttempts: 3 }); // { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 30000 }
 * ```
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    maxAttempts: Math.max(1, options.maxAttempts ?? 10),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 200),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 30_000),
  };
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): a random delay up to the
 * exponential bound ("full jitter"), so that many clients retrying together spread out, but never
 * less than a quarter of it, so that a retry storm does not hammer a recovering server.
 *
 * @example
 * ```ts
 * await sleep(backoffDelay(retryPolicy(), 3)); // between 200 and 800 ms
 * ```
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = bound / 4 + Math.random() * (bound * 0.75);
  // A server's Retry-After wins when it asks for longer, still within the cap.
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/**
 * Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds.
 *
 * @example
 * ```ts
 * parseRetryAfter('2'); // 2000
 * ```
 */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Waits `ms`; rejects with the signal's reason if it aborts first. The timer keeps the process
 * alive on purpose: data is waiting to be delivered.
 *
 * @example
 * ```ts
 * await sleep(250, signal);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
