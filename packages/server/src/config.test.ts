import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig: metrics and OpenTelemetry out', () => {
  it('leaves OpenTelemetry out off and the metrics token unset by default', () => {
    const config = loadConfig({});
    expect(config.otel).toBeUndefined();
    expect(config.metricsToken).toBeUndefined();
    expect(config.metricsRunsCacheMs).toBe(10_000);
  });

  it('reads the endpoint, the service name and the OTLP headers (percent-decoded)', () => {
    const config = loadConfig({
      SYNCTRAIL_OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_SERVICE_NAME: 'synctrail-eu',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a1, x-team=ops%20eu',
    });
    expect(config.otel).toEqual({
      endpoint: 'http://collector:4318',
      serviceName: 'synctrail-eu',
      headers: { 'api-key': 'a1', 'x-team': 'ops eu' },
      spanDelayMs: 5000,
      metricIntervalMs: 60_000,
    });
  });

  it('names every bad variable', () => {
    const bad = () =>
      loadConfig({
        SYNCTRAIL_OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'no-value',
        SYNCTRAIL_METRICS_TOKEN: 'short',
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(
      'SYNCTRAIL_OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318": expected an http:// or https:// URL',
    );
    expect(bad).toThrow(
      'OTEL_EXPORTER_OTLP_HEADERS (value not shown): expected key=value pairs separated by commas',
    );
    expect(bad).toThrow('SYNCTRAIL_METRICS_TOKEN (value not shown): expected at least 16 characters');
    expect(() =>
      loadConfig({
        SYNCTRAIL_OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'a=%E0%A4%A',
      }),
    ).toThrow(/OTEL_EXPORTER_OTLP_HEADERS: the value of a is not valid percent-encoding/);
  });
});
