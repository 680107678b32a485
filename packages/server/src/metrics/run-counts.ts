import type { RunCount } from './metrics.js';
import type { MetricsRepository } from './metrics.repository.js';

/**
 * Runs by status for the gauges, read on scrape and kept `ttlMs`: scrapes every second by several
 * scrapers (Prometheus, OTel's reader) cost one grouped query per period, and concurrent scrapes
 * share the query under way.
 */
export class RunCounts {
  #value: RunCount[] | undefined;
  #readAt = 0;
  #pending: Promise<RunCount[]> | undefined;

  constructor(
    private readonly repository: MetricsRepository,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<RunCount[]> {
    if (this.#value && this.now() - this.#readAt < this.ttlMs) return this.#value;
    this.#pending ??= this.repository
      .runCounts()
      .then((value) => {
        this.#value = value;
        this.#readAt = this.now();
        return value;
      })
      .finally(() => (this.#pending = undefined));
    return this.#pending;
  }
}
