import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Env = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  SYNCTRAIL_DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', expected: 'a postgres:// or postgresql:// URL' }),
  ),
  SYNCTRAIL_PG_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  SYNCTRAIL_BOOTSTRAP_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  SYNCTRAIL_ARTIFACT_MAX_BYTES: Type.Integer({ minimum: 1, default: 100 * 1024 * 1024 }),
  SYNCTRAIL_BATCH_MAX_BYTES: Type.Integer({ minimum: 1024, default: 64 * 1024 * 1024 }),
  SYNCTRAIL_STALE_RUN_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 10 * 60 * 1000 }),
  SYNCTRAIL_SCHEDULER_INTERVAL_MS: Type.Integer({ minimum: 50, default: 30 * 1000 }),
  SYNCTRAIL_BACKGROUND_JOBS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  SYNCTRAIL_TEXT_INDEXER: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  SYNCTRAIL_SESSION_TTL_HOURS: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 30, default: 12 }),
  SYNCTRAIL_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 20_000 }),
  SYNCTRAIL_SIGN_IN_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 20 }),
  SYNCTRAIL_ADDRESS_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 60_000 }),
  SYNCTRAIL_REFUSED_CREDENTIALS_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
  SYNCTRAIL_TRUST_PROXY: Type.Boolean({ default: false }),
  SYNCTRAIL_IDEMPOTENCY_TTL_HOURS: Type.Number({ exclusiveMinimum: 0, default: 72 }),
  SYNCTRAIL_SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, maximum: 10 * 60 * 1000, default: 10 * 1000 }),
  SYNCTRAIL_EXPORT_MAX_ROWS: Type.Optional(Type.Integer({ minimum: 1 })),
  SYNCTRAIL_CONSOLE_DIR: Type.Optional(Type.String({ minLength: 1 })),
  SYNCTRAIL_DEMO_PASSWORD: Type.Optional(Type.String({ minLength: 12 })),
  SYNCTRAIL_EVENTS_POLL_MS: Type.Integer({ minimum: 20, maximum: 60_000, default: 300 }),
  SYNCTRAIL_EVENTS_HEARTBEAT_MS: Type.Integer({ minimum: 100, maximum: 10 * 60 * 1000, default: 15_000 }),
  SYNCTRAIL_EVENTS_RETENTION_MINUTES: Type.Number({ exclusiveMinimum: 0, default: 60 }),
  SYNCTRAIL_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  SYNCTRAIL_METRICS_RUNS_CACHE_MS: Type.Integer({ minimum: 0, maximum: 10 * 60 * 1000, default: 10_000 }),
  SYNCTRAIL_OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(
    Type.String({ pattern: '^https?://[^\\s]+$', expected: 'an http:// or https:// URL' }),
  ),
  OTEL_SERVICE_NAME: Type.String({ minLength: 1, default: 'synctrail' }),
  // `key=value` pairs separated by commas, as the OpenTelemetry specification writes them.
  OTEL_EXPORTER_OTLP_HEADERS: Type.Optional(
    Type.String({
      pattern: '^\\s*[^=,\\s]+\\s*=[^,]*(,\\s*[^=,\\s]+\\s*=[^,]*)*$',
      expected: 'key=value pairs separated by commas',
    }),
  ),
  OTEL_BSP_SCHEDULE_DELAY: Type.Integer({ minimum: 10, maximum: 10 * 60 * 1000, default: 5000 }),
  OTEL_METRIC_EXPORT_INTERVAL: Type.Integer({ minimum: 100, maximum: 60 * 60 * 1000, default: 60_000 }),
  // Numbers, checked as whole days below: Convert would silently truncate 1.5 to 1 for an Integer.
  SYNCTRAIL_RETENTION_PAYLOAD_DAYS: Type.Optional(Type.Number({ minimum: 1 })),
  SYNCTRAIL_RETENTION_DAYS: Type.Optional(Type.Number({ minimum: 1 })),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  pgPoolSize: number;
  bootstrapToken: string | undefined;
  artifactMaxBytes: number;
  batchMaxBytes: number;
  staleRunTimeoutMs: number;
  schedulerIntervalMs: number;
  backgroundJobs: boolean;
  /** Whether this process indexes actions' text in the background (`actions/action-text-index.ts`). */
  textIndexer: boolean;
  sessionTtlMs: number;
  rateLimitPerMinute: number;
  signInRateLimitPerMinute: number;
  /** Requests from one address per minute, whatever credentials they carry. */
  addressRateLimitPerMinute: number;
  /** Refused credentials (401) from one address per minute before it gets 429 for the rest of the minute. */
  refusedCredentialsPerMinute: number;
  trustProxy: boolean;
  idempotencyTtlMs: number;
  /** After SIGTERM/SIGINT, how long in-flight requests may take before their connections are cut. */
  shutdownGraceMs: number;
  /** Most rows one export may hold; no cap when undefined. */
  exportMaxRows: number | undefined;
  /** How often each process reads the live event log while a client listens. */
  liveEventPollMs: number;
  /** A comment line on every open event stream this often (and its credentials checked again). */
  liveEventHeartbeatMs: number;
  /** How long live events are kept for clients that reconnect with Last-Event-ID. */
  liveEventRetentionMs: number;
  /** The built web console (Vite's output) served at `/`. */
  consoleDir: string;
  /** The password of the demo's accounts (generated per demo when unset). */
  demoPassword: string | undefined;
  /**
   * The deployment's retention: request/response bodies and log-file contents are removed after
   * `payloadDays`, runs, actions and calls after `days`; undefined keeps them forever (the default).
   * Organizations may be given their own (see RetentionService). The audit log is never removed.
   */
  retention: { payloadDays: number | undefined; days: number | undefined };
  logLevel: Static<typeof Env>['LOG_LEVEL'];
  /** A bearer token that may read `GET /metrics` (and nothing else), besides operators. */
  metricsToken: string | undefined;
  /** How long the run gauges' grouped query is reused between scrapes. */
  metricsRunsCacheMs: number;
  /** OpenTelemetry out: request spans and the metrics over OTLP/HTTP; off (no SDK loaded) when unset. */
  otel: OtelConfig | undefined;
}

/** Where and how the server exports its own traces and metrics. */
export interface OtelConfig {
  /** The OTLP/HTTP base URL: traces go to `<endpoint>/v1/traces`, metrics to `<endpoint>/v1/metrics`. */
  endpoint: string;
  serviceName: string;
  headers: Record<string, string>;
  /** How long finished spans wait to be sent together. */
  spanDelayMs: number;
  metricIntervalMs: number;
}

/** `a=1, b=two` → `{ a: '1', b: 'two' }` (values percent-decoded, as the specification allows). */
function parseOtlpHeaders(text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1).trim();
      try {
        return [pair.slice(0, at).trim(), decodeURIComponent(value)];
      } catch (error) {
        throw new ConfigError(
          `invalid configuration:\n  OTEL_EXPORTER_OTLP_HEADERS: the value of ${pair.slice(0, at).trim()} is not valid percent-encoding`,
          { cause: error },
        );
      }
    }),
  );
}

/**
 * `packages/web/dist`, found from this file: `src/config.ts` when the sources run (`npm run dev`,
 * tests), `dist/main.js` once built (`npm start`); both sit one level below the server package.
 */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Variables whose values are secrets: an error names them without echoing the value. */
const SECRET = /TOKEN|PASSWORD|DATABASE_URL|HEADERS/;

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEANS = ['true', 'false', '1', '0'];

interface VariableSchema {
  type?: string;
  anyOf?: { const: string }[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  expected?: string;
}

/** What a variable takes, in words: "an integer from 0 to 65535", "one of: on, off". */
export function describeExpected(schema: VariableSchema): string {
  if (schema.expected) return schema.expected;
  if (schema.anyOf) return `one of: ${schema.anyOf.map((s) => s.const).join(', ')}`;
  if (schema.type === 'boolean') return 'true or false';
  if (schema.type === 'integer' || schema.type === 'number') {
    const noun = schema.type === 'integer' ? 'an integer' : 'a number';
    const low = schema.exclusiveMinimum !== undefined ? `greater than ${schema.exclusiveMinimum}` : undefined;
    if (schema.minimum !== undefined && schema.maximum !== undefined) {
      return `${noun} from ${schema.minimum} to ${schema.maximum}`;
    }
    if (low && schema.maximum !== undefined) return `${noun} ${low}, at most ${schema.maximum}`;
    if (low) return `${noun} ${low}`;
    if (schema.minimum !== undefined) return `${noun} of at least ${schema.minimum}`;
    return noun;
  }
  if (schema.minLength && schema.minLength > 1) return `at least ${schema.minLength} characters`;
  return 'a non-empty text';
}

/** Whether a raw environment value is what the variable's schema takes (before any conversion). */
function acceptable(schema: VariableSchema, raw: string): boolean {
  if (schema.anyOf) return schema.anyOf.some((s) => s.const === raw);
  if (schema.type === 'boolean') return BOOLEANS.includes(raw.toLowerCase());
  if (schema.type === 'integer' || schema.type === 'number') {
    if (!(schema.type === 'integer' ? INTEGER : NUMBER).test(raw.trim())) return false;
    const n = Number(raw);
    return (
      Number.isFinite(n) &&
      (schema.minimum === undefined || n >= schema.minimum) &&
      (schema.maximum === undefined || n <= schema.maximum) &&
      (schema.exclusiveMinimum === undefined || n > schema.exclusiveMinimum)
    );
  }
  if (schema.minLength !== undefined && raw.length < schema.minLength) return false;
  return schema.pattern === undefined || new RegExp(schema.pattern).test(raw);
}

/**
 * Parses the environment once; fails listing every bad variable with its value (secrets excepted)
 * and what it takes. Values are checked as written: `PORT=3.5` is refused, not read as port 3.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const properties = Env.properties as Record<string, VariableSchema>;
  const input = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in properties && v !== undefined && v !== ''),
  ) as Record<string, string>;
  const problems = Object.entries(input)
    .filter(([name, raw]) => !acceptable(properties[name]!, raw))
    .map(([name, raw]) => {
      const shown = SECRET.test(name) ? `${name} (value not shown)` : `${name}=${JSON.stringify(raw)}`;
      return `  ${shown}: expected ${describeExpected(properties[name]!)}`;
    });
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  const converted = Value.Convert(Env, Value.Default(Env, input));
  const errors = [...Value.Errors(Env, converted)];
  if (errors.length > 0) {
    // A schema rule the check above does not know: still refuse, naming the variable.
    const lines = errors.map((e) => `  ${e.path.slice(1) || '(environment)'}: ${e.message}`);
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  const e = converted as Static<typeof Env>;
  const payloadDays = e.SYNCTRAIL_RETENTION_PAYLOAD_DAYS;
  const days = e.SYNCTRAIL_RETENTION_DAYS;
  const fractional = Object.entries({
    SYNCTRAIL_RETENTION_PAYLOAD_DAYS: payloadDays,
    SYNCTRAIL_RETENTION_DAYS: days,
  }).filter(([, value]) => value !== undefined && !Number.isInteger(value));
  if (fractional.length > 0) {
    const lines = fractional.map(([name, value]) => `  ${name}: ${value} is not a whole number of days`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  if (payloadDays !== undefined && days !== undefined && payloadDays > days) {
    throw new ConfigError(
      `invalid configuration:\n  SYNCTRAIL_RETENTION_PAYLOAD_DAYS: ${payloadDays} exceeds SYNCTRAIL_RETENTION_DAYS (${days}); ` +
        'payloads go with their runs and calls, so keep them at most as long (or unset it to keep them as long).',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.SYNCTRAIL_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    pgPoolSize: e.SYNCTRAIL_PG_POOL_SIZE,
    bootstrapToken: e.SYNCTRAIL_BOOTSTRAP_TOKEN,
    artifactMaxBytes: e.SYNCTRAIL_ARTIFACT_MAX_BYTES,
    batchMaxBytes: e.SYNCTRAIL_BATCH_MAX_BYTES,
    staleRunTimeoutMs: e.SYNCTRAIL_STALE_RUN_TIMEOUT_MS,
    schedulerIntervalMs: e.SYNCTRAIL_SCHEDULER_INTERVAL_MS,
    backgroundJobs: e.SYNCTRAIL_BACKGROUND_JOBS === 'on',
    textIndexer: e.SYNCTRAIL_TEXT_INDEXER === 'on',
    sessionTtlMs: e.SYNCTRAIL_SESSION_TTL_HOURS * 3600 * 1000,
    rateLimitPerMinute: e.SYNCTRAIL_RATE_LIMIT_PER_MINUTE,
    signInRateLimitPerMinute: e.SYNCTRAIL_SIGN_IN_RATE_LIMIT_PER_MINUTE,
    addressRateLimitPerMinute: e.SYNCTRAIL_ADDRESS_RATE_LIMIT_PER_MINUTE,
    refusedCredentialsPerMinute: e.SYNCTRAIL_REFUSED_CREDENTIALS_PER_MINUTE,
    trustProxy: e.SYNCTRAIL_TRUST_PROXY,
    idempotencyTtlMs: e.SYNCTRAIL_IDEMPOTENCY_TTL_HOURS * 3600 * 1000,
    shutdownGraceMs: e.SYNCTRAIL_SHUTDOWN_GRACE_MS,
    exportMaxRows: e.SYNCTRAIL_EXPORT_MAX_ROWS,
    liveEventPollMs: e.SYNCTRAIL_EVENTS_POLL_MS,
    liveEventHeartbeatMs: e.SYNCTRAIL_EVENTS_HEARTBEAT_MS,
    liveEventRetentionMs: e.SYNCTRAIL_EVENTS_RETENTION_MINUTES * 60 * 1000,
    consoleDir: e.SYNCTRAIL_CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR,
    demoPassword: e.SYNCTRAIL_DEMO_PASSWORD,
    retention: { payloadDays, days },
    logLevel: e.LOG_LEVEL,
    metricsToken: e.SYNCTRAIL_METRICS_TOKEN,
    metricsRunsCacheMs: e.SYNCTRAIL_METRICS_RUNS_CACHE_MS,
    otel:
      e.SYNCTRAIL_OTEL_EXPORTER_OTLP_ENDPOINT === undefined
        ? undefined
        : {
            endpoint: e.SYNCTRAIL_OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, ''),
            serviceName: e.OTEL_SERVICE_NAME,
            headers: parseOtlpHeaders(e.OTEL_EXPORTER_OTLP_HEADERS),
            spanDelayMs: e.OTEL_BSP_SCHEDULE_DELAY,
            metricIntervalMs: e.OTEL_METRIC_EXPORT_INTERVAL,
          },
  };
}
