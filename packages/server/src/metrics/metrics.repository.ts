import { sql } from 'kysely';
import type { Engine } from '../storage/engine.js';
import type { RunCount } from './metrics.js';

/** The SQL behind the gauges collected on scrape. */
export class MetricsRepository {
  constructor(private readonly engine: Engine) {}

  /** Every run counted by status and progress, across organizations, in one grouped query. */
  async runCounts(): Promise<RunCount[]> {
    const rows = await this.engine.db
      .selectFrom('runs')
      .select(['status', 'progress', sql<number>`count(*)`.as('runs')])
      .groupBy(['status', 'progress'])
      .execute();
    return rows.map((r) => ({ status: r.status, progress: r.progress, runs: Number(r.runs) }));
  }
}
