import { installHttpTap } from './http-tap.js';
import type { Observation, Sink } from './observation.js';
import { installServerTap } from './server-tap.js';
import { installUndiciTap } from './undici-tap.js';

/**
 * Receives every outgoing exchange of the process while registered, and every incoming one if it asks.
 *
 * @example
 * ```ts
 * const listener: TapListener = { maxBodyBytes: 1024, observe: (o) => console.log(o.url) };
 * ```
 */
export interface TapListener {
  /** Bytes of each body this listener wants kept. */
  readonly maxBodyBytes: number;
  /** Also receive the requests the process's HTTP servers receive (direction `INCOMING`). */
  readonly incoming?: boolean;
  observe(observation: Observation): void;
}

const listeners = new Set<TapListener>();
let uninstall: (() => void)[] = [];
let uninstallServer: (() => void) | undefined;

const sink: Sink = {
  bodyLimit: () => Math.max(0, ...[...listeners].map((l) => l.maxBodyBytes)),
  emit(observation) {
    const incoming = observation.direction === 'INCOMING';
    for (const listener of listeners) {
      if (incoming && !listener.incoming) continue;
      try {
        listener.observe(observation);
      } catch {
        // One listener's failure must not keep the others from recording, nor reach the caller's request.
      }
    }
  },
};

/**
 * Starts delivering exchanges to `listener`; the taps are installed with the first listener.
 *
 * @example
 * ```ts
 * addTapListener(listener);
 * ```
 */
export function addTapListener(listener: TapListener): void {
  listeners.add(listener);
  if (uninstall.length === 0) uninstall = [installUndiciTap(sink), installHttpTap(sink)];
  // The server tap wraps each incoming request's streams: installed only while someone wants them.
  if (listener.incoming && !uninstallServer) uninstallServer = installServerTap(sink);
}

/**
 * Stops delivering to `listener`; the taps are removed with the last one.
 *
 * @example
 * ```ts
 * removeTapListener(listener);
 * ```
 */
export function removeTapListener(listener: TapListener): void {
  listeners.delete(listener);
  if (uninstallServer && ![...listeners].some((l) => l.incoming)) {
    uninstallServer();
    uninstallServer = undefined;
  }
  if (listeners.size > 0) return;
  for (const stop of uninstall) stop();
  uninstall = [];
}
