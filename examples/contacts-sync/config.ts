import { hostname } from 'node:os';
import { parseArgs } from 'node:util';

/** Everything the connector needs to know, from command-line flags, else environment variables. */
export interface ConnectorConfig {
  synctrailUrl: string;
  /** An organization API key with the `ingest` scope (or an operator token). */
  token: string;
  integrationId: string;
  crmUrl: string;
  crmToken: string;
  /** The SQLite file the contacts are synced into (created if missing). */
  target: string;
  /** Contacts per page of the CRM's list. */
  pageSize: number;
  /** Wait between two lease attempts that found no pending run. */
  pollIntervalMs: number;
  /** How often a run tells Synctrail it is alive, and learns it was cancelled. */
  heartbeatIntervalMs: number;
  workerName: string;
}

const FLAGS = {
  'synctrail-url': { env: 'SYNCTRAIL_URL', default: 'http://127.0.0.1:3000' },
  token: { env: 'SYNCTRAIL_TOKEN', default: undefined },
  integration: { env: 'SYNCTRAIL_INTEGRATION_ID', default: undefined },
  'crm-url': { env: 'CRM_URL', default: 'http://127.0.0.1:4010' },
  'crm-token': { env: 'CRM_TOKEN', default: 'crm-demo-token' },
  target: { env: 'TARGET_DB', default: './contacts.sqlite' },
  'page-size': { env: 'CRM_PAGE_SIZE', default: '100' },
  'poll-ms': { env: 'POLL_INTERVAL_MS', default: '5000' },
  'heartbeat-ms': { env: 'HEARTBEAT_INTERVAL_MS', default: '2000' },
  name: { env: 'WORKER_NAME', default: `contacts-sync@${hostname()}:${process.pid}` },
} as const satisfies Record<string, { env: string; default: string | undefined }>;

type Flag = keyof typeof FLAGS;

export const USAGE = `Usage: node --conditions=development --import tsx examples/contacts-sync/connector.ts [flags]

${Object.entries(FLAGS)
  .map(
    ([flag, spec]) =>
      `  --${flag.padEnd(14)} env ${spec.env.padEnd(26)}${spec.default === undefined ? '(required)' : `default ${spec.default}`}`,
  )
  .join('\n')}`;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses flags and environment once; fails listing every missing or bad setting. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): ConnectorConfig {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
    strict: true,
  });
  const problems: string[] = [];
  const text = (flag: Flag): string => {
    const value = values[flag] ?? env[FLAGS[flag].env] ?? FLAGS[flag].default;
    if (typeof value !== 'string' || value === '') {
      problems.push(`--${flag} (or ${FLAGS[flag].env}) is required`);
      return '';
    }
    return value;
  };
  const integer = (flag: Flag, min: number, max: number): number => {
    const value = Number(text(flag));
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`--${flag} must be an integer from ${min} to ${max}`);
    }
    return value;
  };
  const url = (flag: Flag): string => {
    const value = text(flag);
    if (value && !/^https?:\/\/[^/]/.test(value))
      problems.push(`--${flag} must be an http(s) URL, got ${value}`);
    return value.replace(/\/+$/, '');
  };
  const config: ConnectorConfig = {
    synctrailUrl: url('synctrail-url'),
    token: text('token'),
    integrationId: text('integration'),
    crmUrl: url('crm-url'),
    crmToken: text('crm-token'),
    target: text('target'),
    pageSize: integer('page-size', 1, 100),
    pollIntervalMs: integer('poll-ms', 50, 3_600_000),
    heartbeatIntervalMs: integer('heartbeat-ms', 100, 600_000),
    workerName: text('name'),
  };
  if (problems.length > 0)
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}\n\n${USAGE}`);
  return config;
}
