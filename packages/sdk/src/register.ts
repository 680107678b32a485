/**
 * Zero-code call capture: `node --import @synctrail/sdk/register app.js`.
 *
 * Configured by the environment (`SYNCTRAIL_URL`, `SYNCTRAIL_TOKEN`, `SYNCTRAIL_APP`, and the optional
 * `SYNCTRAIL_CAPTURE_*` / `SYNCTRAIL_FLUSH_*` settings), it records the process's outgoing HTTP calls
 * and the requests its HTTP servers receive, and delivers them on exit and on SIGTERM/SIGINT within
 * `SYNCTRAIL_FLUSH_TIMEOUT_MS`. Without a URL or token it writes one warning to stderr and captures
 * nothing; it never stops the app from starting.
 *
 * @example
 * ```sh
 * SYNCTRAIL_URL=https://synctrail.example.com SYNCTRAIL_TOKEN=st_… SYNCTRAIL_APP=portal \
 *   node --import @synctrail/sdk/register server.js
 * ```
 * @packageDocumentation
 */
import { parseRegisterEnv } from './register/config.js';
import { startZeroCodeCapture, type ZeroCodeCapture } from './register/lifecycle.js';

let started: ZeroCodeCapture | undefined;
try {
  const parsed = parseRegisterEnv(process.env, process.argv);
  if (parsed.ok) started = startZeroCodeCapture(parsed.config);
  else process.stderr.write(`synctrail: call capture is off: ${parsed.problems.join('; ')}.\n`);
} catch (error) {
  // Whatever goes wrong here, the app itself must still start.
  process.stderr.write(
    `synctrail: call capture is off: ${error instanceof Error ? error.message : String(error)}\n`,
  );
}

/**
 * Stops the zero-code capture and delivers what it holds, within `SYNCTRAIL_FLUSH_TIMEOUT_MS`. For apps
 * that end themselves with `process.exit()` in their own signal handler: await this first. Resolves at
 * once when capture is off.
 *
 * @example
 * ```ts
 * import { flushCapture } from '@synctrail/sdk/register';
 *
 * process.on('SIGTERM', async () => {
 *   await server.close();
 *   await flushCapture();
 *   process.exit(0);
 * });
 * ```
 */
export function flushCapture(): Promise<void> {
  return started ? started.shutdown() : Promise.resolve();
}
