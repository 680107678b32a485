import { Type } from '@sinclair/typebox';
import type { App } from '../http/app-types.js';
import { AppError } from '../http/errors.js';
import { errors } from '../http/route-schemas.js';
import { statusClass, type Metrics } from './metrics.js';
import type { PrometheusMetrics } from './prometheus.js';

/** Every answered request into the request-duration histogram, by route template (never the raw URL). */
export function registerRequestMetrics(app: App, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.request(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      statusClass(reply.statusCode),
      reply.elapsedTime / 1000,
    );
  });
}

/** `GET /metrics`: Prometheus text, for operators and the holder of `SYNCTRAIL_METRICS_TOKEN`. */
export function metricsRoutes(app: App, prometheus: PrometheusMetrics): void {
  app.get(
    '/metrics',
    {
      config: { metricsToken: true },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics of this server process',
        description:
          'Prometheus text format: rows ingested by kind, ingest batch and HTTP request durations, export ' +
          'rows, bundle bytes, runs by status and progress, and process metrics. Totals only (no organization ' +
          'in any label). Needs an operator, or `Authorization: Bearer $SYNCTRAIL_METRICS_TOKEN`.',
        produces: ['text/plain'],
        response: { 200: Type.String(), ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      if (!request.access.maySeeMetrics) {
        throw new AppError(
          'forbidden',
          "GET /metrics shows the whole deployment's figures: use an operator's credentials, or the token set in SYNCTRAIL_METRICS_TOKEN.",
        );
      }
      const text = await prometheus.registry.metrics();
      return reply.header('content-type', prometheus.registry.contentType).send(text);
    },
  );
}
