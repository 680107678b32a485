import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks the SDK's own requests to Synctrail, so that call capture (which sees every outgoing request
 * of the process) never records them: recording them would send more requests, and so on.
 */
const scope = new AsyncLocalStorage<true>();

/**
 * Runs `fn` as the SDK's own work: requests it makes are not captured.
 *
 * @example
 * ```ts
 * const response = await insideSdk(() => fetch(url, init));
 * ```
 */
export function insideSdk<T>(fn: () => T): T {
  return scope.run(true, fn);
}

/**
 * True while the SDK itself is making the current request.
 *
 * @example
 * ```ts
 * if (isSdkRequest()) return; // in a diagnostics channel subscriber
 * ```
 */
export function isSdkRequest(): boolean {
  return scope.getStore() === true;
}
