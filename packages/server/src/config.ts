import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Env = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  SYNCTRAIL_DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  SYNCTRAIL_PG_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  SYNCTRAIL_BOOTSTRAP_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  SYNCTRAIL_ARTIFACT_MAX_BYTES: Type.Integer({ minimum: 1, default: 100 * 1024 * 1024 }),
  SYNCTRAIL_BATCH_MAX_BYTES: Type.Integer({ minimum: 1024, default: 64 * 1024 * 1024 }),
  SYNCTRAIL_STALE_RUN_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 10 * 60 * 1000 }),
  SYNCTRAIL_SCHEDULER_INTERVAL_MS: Type.Integer({ minimum: 50, default: 30 * 1000 }),
  SYNCTRAIL_BACKGROUND_JOBS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
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
}

/**
 * `packages/web/dist`, found from this file: `src/config.ts` when the sources run (`npm run dev`,
 * tests), `dist/main.js` once built (`npm start`); both sit one level below the server package.
 */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment once; fails listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(Env.properties);
  const input = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => known.includes(k) && v !== undefined && v !== ''),
  );
  const converted = Value.Convert(Env, Value.Default(Env, input));
  const errors = [...Value.Errors(Env, converted)];
  if (errors.length > 0) {
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
  };
}
