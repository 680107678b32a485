import type { FastifyBaseLogger } from 'fastify';
import type { Scheduler } from './scheduler.js';
import type { RunControlService } from '../runs/run-control.service.js';
import type { HousekeepingService } from '../housekeeping/housekeeping.service.js';
import type { RetentionService } from '../retention/retention.service.js';

/** Housekeeping needs no hurry: once every this many milliseconds at most. */
const HOUSEKEEPING_EVERY_MS = 10 * 60 * 1000;

/**
 * The periodic work of a server process: scheduled full syncs and stale-run reaping. Every process
 * runs it; the storage makes each effect happen once (see Scheduler and reapStaleRuns).
 */
export class BackgroundJobs {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastSweep = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly control: RunControlService,
    private readonly housekeeping: HousekeepingService,
    private readonly retention: RetentionService,
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // Skip a beat rather than pile up when a tick takes longer than the interval.
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async tick(now = new Date()): Promise<void> {
    try {
      const { created } = await this.scheduler.tick(now);
      if (created.length > 0)
        this.log.info({ runs: created.map((r) => r.id) }, 'scheduled full syncs queued');
      const reaped = await this.control.reapStaleRuns();
      if (reaped.length > 0) this.log.warn({ runs: reaped.map((r) => r.id) }, 'stale runs aborted');
      if (now.getTime() - this.lastSweep >= HOUSEKEEPING_EVERY_MS) {
        this.lastSweep = now.getTime();
        const swept = await this.housekeeping.sweep(now);
        this.log.debug(swept, 'housekeeping');
        if (swept.partitions.length > 0)
          this.log.info({ partitions: swept.partitions }, 'time partitions created');
        const pass = await this.retention.pass(now);
        const touched = pass.organizations.filter((o) => Object.values(o.removed).some((n) => n > 0));
        if (touched.length > 0) this.log.info({ organizations: touched }, 'retention pass removed rows');
      }
    } catch (error) {
      this.log.error({ err: error }, 'background jobs failed; retrying on the next beat');
    }
  }

  /** Starts no further tick; the one under way, if any, carries on (see stop). */
  halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Starts no further tick and waits for the one under way. */
  async stop(): Promise<void> {
    this.halt();
    await this.running;
  }
}
