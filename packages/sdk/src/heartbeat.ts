/**
 * Calls `beat` every `intervalMs`, one call at a time (a slow answer skips a tick rather than
 * piling calls up). The timer is unref'd: it never keeps the process alive on its own.
 *
 * @example
 * ```ts
 * const heartbeat = new Heartbeat(() => ping(), 15_000, console.error);
 * heartbeat.start();
 * heartbeat.stop();
 * ```
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;

  constructor(
    private readonly beat: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.inFlight) return;
    this.inFlight = true;
    this.beat()
      .catch((error: unknown) => this.onError(error))
      .finally(() => (this.inFlight = false));
  }
}
