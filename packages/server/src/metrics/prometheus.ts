import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BatchKind, BundleScope, IngestKind, MetricsSink } from './metrics.js';
import type { RunCounts } from './run-counts.js';

const BATCH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const REQUEST_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The app's metrics in a prom-client registry of its own (never the global one, so several apps in
 * one process keep their counts apart), served as Prometheus text by `GET /metrics`.
 */
export class PrometheusMetrics implements MetricsSink {
  readonly registry = new Registry();
  readonly #ingested: Counter<'kind'>;
  readonly #artifactBytes: Counter;
  readonly #batches: Histogram<'kind'>;
  readonly #requests: Histogram<'method' | 'route' | 'status_class'>;
  readonly #exported: Counter<'list' | 'format'>;
  readonly #bundled: Counter<'scope'>;

  /** `textBacklog`: actions whose text is not indexed yet (`ActionTextIndexer.backlog`). */
  constructor(runCounts: RunCounts, textBacklog: () => Promise<number> = async () => 0) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#ingested = new Counter({
      name: 'synctrail_ingested_rows_total',
      help: 'Actions and calls stored (committed), by kind.',
      labelNames: ['kind'],
      registers,
    });
    this.#artifactBytes = new Counter({
      name: 'synctrail_ingested_artifact_bytes_total',
      help: 'Bytes of artifact files stored (as stored, after masking).',
      registers,
    });
    this.#batches = new Histogram({
      name: 'synctrail_ingest_batch_duration_seconds',
      help: 'Time to store one batch of actions or calls, from its start to its commit.',
      labelNames: ['kind'],
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.#requests = new Histogram({
      name: 'synctrail_http_request_duration_seconds',
      help: 'HTTP requests answered, by method, route template and status class.',
      labelNames: ['method', 'route', 'status_class'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.#exported = new Counter({
      name: 'synctrail_exported_rows_total',
      help: 'Rows written into CSV and PDF exports, by list and format.',
      labelNames: ['list', 'format'],
      registers,
    });
    this.#bundled = new Counter({
      name: 'synctrail_bundle_bytes_total',
      help: 'Bytes of the files put into downloaded .zip bundles (before compression), by bundle scope.',
      labelNames: ['scope'],
      registers,
    });
    // Zero from the start, so that rate() has a first sample before the first batch.
    for (const kind of ['actions', 'calls'] as const) this.#ingested.inc({ kind }, 0);
    new Gauge({
      name: 'synctrail_runs',
      help: 'Runs stored, by status and progress (read on scrape, reused for a few seconds).',
      labelNames: ['status', 'progress'],
      registers,
      async collect() {
        const counts = await runCounts.get();
        this.reset();
        for (const c of counts) this.set({ status: c.status, progress: c.progress }, c.runs);
      },
    });
    new Gauge({
      name: 'synctrail_action_text_backlog',
      help: 'Actions whose text the background indexer has not indexed yet (q= scans them meanwhile).',
      registers,
      async collect() {
        this.set(await textBacklog());
      },
    });
  }

  ingested(kind: IngestKind, amount: number): void {
    if (kind === 'artifact_bytes') this.#artifactBytes.inc(amount);
    else this.#ingested.inc({ kind }, amount);
  }

  batchDuration(kind: BatchKind, seconds: number): void {
    this.#batches.observe({ kind }, seconds);
  }

  request(method: string, route: string, statusClass: string, seconds: number): void {
    this.#requests.observe({ method, route, status_class: statusClass }, seconds);
  }

  exported(list: string, format: 'csv' | 'pdf', rows: number): void {
    this.#exported.inc({ list, format }, rows);
  }

  bundled(scope: BundleScope, bytes: number): void {
    this.#bundled.inc({ scope }, bytes);
  }
}
