import type { FastifyRequest } from 'fastify';
import type { Counter, Histogram, Meter, Span } from '@opentelemetry/api';
import type { OtelConfig } from '../config.js';
import type { App } from '../http/app-types.js';
import type { BatchKind, BundleScope, IngestKind, Metrics, MetricsSink } from './metrics.js';
import type { RunCounts } from './run-counts.js';

/** The metrics of `PrometheusMetrics`, as OpenTelemetry instruments exported over OTLP/HTTP. */
class OtelMetrics implements MetricsSink {
  readonly #ingested: Counter;
  readonly #artifactBytes: Counter;
  readonly #batches: Histogram;
  readonly #requests: Histogram;
  readonly #exported: Counter;
  readonly #bundled: Counter;

  constructor(meter: Meter, runCounts: RunCounts) {
    this.#ingested = meter.createCounter('synctrail.ingested.rows', {
      description: 'Actions and calls stored (committed), by kind.',
    });
    this.#artifactBytes = meter.createCounter('synctrail.ingested.artifact.bytes', {
      description: 'Bytes of artifact files stored.',
      unit: 'By',
    });
    this.#batches = meter.createHistogram('synctrail.ingest.batch.duration', {
      description: 'Time to store one batch of actions or calls, from its start to its commit.',
      unit: 's',
    });
    this.#requests = meter.createHistogram('synctrail.http.request.duration', {
      description: 'HTTP requests answered, by method, route template and status class.',
      unit: 's',
    });
    this.#exported = meter.createCounter('synctrail.exported.rows', {
      description: 'Rows written into CSV and PDF exports, by list and format.',
    });
    this.#bundled = meter.createCounter('synctrail.bundle.bytes', {
      description: 'Bytes of the files put into downloaded bundles (before compression), by scope.',
      unit: 'By',
    });
    meter
      .createObservableGauge('synctrail.runs', { description: 'Runs stored, by status and progress.' })
      .addCallback(async (result) => {
        for (const c of await runCounts.get())
          result.observe(c.runs, { status: c.status, progress: c.progress });
      });
  }

  ingested(kind: IngestKind, amount: number): void {
    if (kind === 'artifact_bytes') this.#artifactBytes.add(amount);
    else this.#ingested.add(amount, { kind });
  }

  batchDuration(kind: BatchKind, seconds: number): void {
    this.#batches.record(seconds, { kind });
  }

  request(method: string, route: string, statusClass: string, seconds: number): void {
    this.#requests.record(seconds, { method, route, status_class: statusClass });
  }

  exported(list: string, format: 'csv' | 'pdf', rows: number): void {
    this.#exported.add(rows, { list, format });
  }

  bundled(scope: BundleScope, bytes: number): void {
    this.#bundled.add(bytes, { scope });
  }
}

/**
 * OpenTelemetry out: one SERVER span per HTTP request (method, route template, status; the path
 * without its query string, and no header, so no token) and the app's metrics, both over OTLP/HTTP
 * to `<endpoint>/v1/traces` and `<endpoint>/v1/metrics`. The SDK is imported here only, so a server
 * without `SYNCTRAIL_OTEL_EXPORTER_OTLP_ENDPOINT` never loads it. The providers are the app's own (not
 * registered globally); the app's `onClose` flushes and shuts them down.
 *
 * Spans are made in Fastify's hooks rather than by `@opentelemetry/instrumentation-http` (which must
 * patch `node:http` before it is imported, i.e. a loader flag) or `@fastify/otel` (a span per hook,
 * under a server span it expects that instrumentation to make).
 */
export async function startOtelOut(
  app: App,
  config: OtelConfig,
  metrics: Metrics,
  runCounts: RunCounts,
): Promise<void> {
  const [api, { resourceFromAttributes }, traces, { OTLPTraceExporter }, sdkMetrics, { OTLPMetricExporter }] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/sdk-metrics'),
      import('@opentelemetry/exporter-metrics-otlp-http'),
    ]);
  const resource = resourceFromAttributes({ 'service.name': config.serviceName });
  const headers = config.headers;
  const tracerProvider = new traces.BasicTracerProvider({
    resource,
    spanProcessors: [
      new traces.BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.endpoint}/v1/traces`, headers }), {
        scheduledDelayMillis: config.spanDelayMs,
      }),
    ],
  });
  const meterProvider = new sdkMetrics.MeterProvider({
    resource,
    readers: [
      new sdkMetrics.PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${config.endpoint}/v1/metrics`, headers }),
        exportIntervalMillis: config.metricIntervalMs,
        exportTimeoutMillis: Math.min(30_000, config.metricIntervalMs),
      }),
    ],
  });
  metrics.attach(new OtelMetrics(meterProvider.getMeter('synctrail'), runCounts));

  const tracer = tracerProvider.getTracer('synctrail');
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', async (request) => {
    spans.set(
      request,
      tracer.startSpan(request.method, {
        kind: api.SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0] ?? '/',
          'url.scheme': request.protocol,
          'server.address': request.hostname,
          'client.address': request.ip,
        },
      }),
    );
  });
  const end = (request: FastifyRequest, statusCode: number | undefined) => {
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    const route = request.routeOptions.url;
    if (route !== undefined) {
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    if (statusCode === undefined) span.setStatus({ code: api.SpanStatusCode.ERROR, message: 'aborted' });
    else {
      span.setAttribute('http.response.status_code', statusCode);
      if (statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
    }
    span.end();
  };
  app.addHook('onResponse', async (request, reply) => end(request, reply.statusCode));
  app.addHook('onRequestAbort', async (request) => end(request, undefined));
  app.addHook('onClose', async () => {
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
  });
}
