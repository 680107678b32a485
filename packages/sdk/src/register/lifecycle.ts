import { constants } from 'node:os';
import type { CallCapture } from '../capture/call-capture.js';
import { Synctrail } from '../client.js';
import type { RegisterConfig } from './config.js';
import { urlFilter } from './url-patterns.js';

/**
 * The process-wide capture `@synctrail/sdk/register` started.
 *
 * @example
 * ```ts
 * const zero: ZeroCodeCapture = startZeroCodeCapture(config);
 * await zero.shutdown(); // delivers what is left within config.flushTimeoutMs
 * ```
 */
export interface ZeroCodeCapture {
  readonly capture: CallCapture;
  /** Stops recording and delivers what is left, within the flush timeout; the same promise every time. */
  shutdown(): Promise<void>;
}

/** The process as this module uses it (a parameter so that the wiring reads plainly). */
type Proc = Pick<NodeJS.Process, 'on' | 'listeners' | 'exit' | 'stderr'>;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Starts capturing every outgoing call of the process (and, unless turned off, every request its HTTP
 * servers receive) and ties delivery to the process's life:
 * - `beforeExit` (nothing left to do): what is buffered is delivered, within `flushTimeoutMs`;
 * - `SIGTERM`/`SIGINT`: the same; then, if the app has no listener of its own for that signal, the
 *   process exits with 128 + the signal's number (143, 130), as Node would have; if it has one, the
 *   app's own shutdown goes on untouched. A second signal while delivering exits at once.
 * Delivery problems are written to stderr once, and how many calls were lost at exit.
 *
 * @example
 * ```ts
 * const parsed = parseRegisterEnv(process.env, process.argv);
 * if (parsed.ok) startZeroCodeCapture(parsed.config);
 * ```
 */
export function startZeroCodeCapture(config: RegisterConfig, proc: Proc = process): ZeroCodeCapture {
  let warned = false;
  let stopping: Promise<void> | undefined;
  const warn = (message: string) => proc.stderr.write(`synctrail: ${message}\n`);
  const client = new Synctrail({ url: config.url, token: config.token });
  const keep = urlFilter(config.include, config.exclude);
  const capture = client.captureCalls({
    app: config.app,
    ...(config.organizationId ? { organizationId: config.organizationId } : {}),
    incoming: config.incoming,
    maxBodyBytes: config.maxBodyBytes,
    filter: (url) => keep(url),
    batching: {
      maxBuffered: config.maxBuffered,
      maxBatchSize: Math.min(1_000, config.maxBuffered),
      flushIntervalMs: config.flushIntervalMs,
    },
    onError: (error, count) => {
      // At shutdown, the loss report says it all.
      if (warned || stopping) return;
      warned = true;
      warn(
        `${count} captured call(s) could not be delivered to ${config.url} (${error.message}); later failures are counted at exit.`,
      );
    },
  });

  const report = () => {
    const undeliverable = capture.stats.dropped;
    const full = capture.dropped;
    if (undeliverable + full === 0) return;
    warn(
      `${undeliverable + full} captured call(s) were not delivered: ${full} dropped because the buffer ` +
        `(SYNCTRAIL_CAPTURE_BUFFER=${config.maxBuffered}) was full, ${undeliverable} undeliverable.`,
    );
  };
  const shutdown = () =>
    (stopping ??= capture.stop({ timeoutMs: config.flushTimeoutMs }).then(report, report));

  proc.on('beforeExit', () => void shutdown());
  for (const signal of SIGNALS) {
    const onSignal = () => {
      const appHandles = proc.listeners(signal).some((listener) => listener !== onSignal);
      const code = 128 + constants.signals[signal];
      if (stopping && !appHandles) proc.exit(code); // asked twice: no more waiting
      void shutdown().then(() => {
        if (!appHandles) proc.exit(code);
      });
    };
    proc.on(signal, onSignal);
  }
  return { capture, shutdown };
}
