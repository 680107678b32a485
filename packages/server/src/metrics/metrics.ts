/** What one ingest counter counts: stored actions and calls (rows), artifact files (bytes). */
export type IngestKind = 'actions' | 'calls' | 'artifact_bytes';

/** The batch appends timed by the ingest histogram. */
export type BatchKind = 'actions' | 'calls';

/** Runs by status and progress, as one grouped query answers them. */
export interface RunCount {
  status: string;
  progress: string;
  runs: number;
}

/**
 * Where the server's own measurements go: Prometheus (`GET /metrics`) always, OpenTelemetry too when
 * it exports. Labels never hold an organization (nor any other tenant's id or name): a scraper sees
 * totals only.
 */
export interface MetricsSink {
  /** `amount` rows (or bytes) of `kind` stored: called once the transaction that stored them committed. */
  ingested(kind: IngestKind, amount: number): void;
  /** How long one batch took to store, from its start to its commit. */
  batchDuration(kind: BatchKind, seconds: number): void;
  /** One answered HTTP request: its route template (never the raw URL) and status class (`2xx`…). */
  request(method: string, route: string, statusClass: string, seconds: number): void;
  /** Rows written into a CSV or PDF export. */
  exported(list: string, format: 'csv' | 'pdf', rows: number): void;
  /** Bytes of the files put into a downloaded bundle (before compression). */
  bundled(scope: BundleScope, bytes: number): void;
}

/** Which bundle route served a .zip. */
export type BundleScope = 'run' | 'user' | 'organization';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-?/gi;

/**
 * An export's list as a label: ids taken out (`run-<id>-actions` → `run-actions`), so that a label
 * neither names one tenant's run nor grows with every run exported.
 */
export function listLabel(list: string): string {
  return list.replace(UUID, '').replace(/-+$/, '') || 'unknown';
}

/** `2xx`, `4xx`…: the status class label. */
export function statusClass(statusCode: number): string {
  return `${Math.floor(statusCode / 100)}xx`;
}

/**
 * The measurements of one app, handed to every sink attached (one per app instance, so that several
 * apps in one process keep their counts apart).
 */
export class Metrics implements MetricsSink {
  readonly #sinks: MetricsSink[] = [];

  /** Adds a sink; what is measured from then on reaches it too. */
  attach(sink: MetricsSink): void {
    this.#sinks.push(sink);
  }

  ingested(kind: IngestKind, amount: number): void {
    if (amount <= 0) return;
    for (const sink of this.#sinks) sink.ingested(kind, amount);
  }

  batchDuration(kind: BatchKind, seconds: number): void {
    for (const sink of this.#sinks) sink.batchDuration(kind, seconds);
  }

  request(method: string, route: string, status: string, seconds: number): void {
    for (const sink of this.#sinks) sink.request(method, route, status, seconds);
  }

  exported(list: string, format: 'csv' | 'pdf', rows: number): void {
    const label = listLabel(list);
    for (const sink of this.#sinks) sink.exported(label, format, rows);
  }

  bundled(scope: BundleScope, bytes: number): void {
    for (const sink of this.#sinks) sink.bundled(scope, bytes);
  }

  /**
   * A batch of `rows` stored, begun at `startedAt` (`performance.now()`): its duration and rows. Call
   * it from `Engine.afterCommit`, so that a batch rolled back (or replayed from its Idempotency-Key)
   * counts nothing.
   */
  batchStored(kind: BatchKind, rows: number, startedAt: number): void {
    this.batchDuration(kind, (performance.now() - startedAt) / 1000);
    this.ingested(kind, rows);
  }
}
