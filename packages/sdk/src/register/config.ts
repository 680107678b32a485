import { basename, extname } from 'node:path';
import { parseUrlPatterns, type UrlPattern } from './url-patterns.js';

/**
 * How `@synctrail/sdk/register` captures, as read from the environment.
 *
 * @example
 * ```ts
 * const parsed = parseRegisterEnv(process.env, process.argv);
 * if (parsed.ok) console.log(parsed.config.app, parsed.config.flushTimeoutMs);
 * ```
 */
export interface RegisterConfig {
  /** `SYNCTRAIL_URL`: the Synctrail server. */
  url: string;
  /** `SYNCTRAIL_TOKEN`: an ingest API key (or an operator token, then with `SYNCTRAIL_ORGANIZATION_ID`). */
  token: string;
  /** `SYNCTRAIL_APP`: the application the calls are from (default: the npm package or script name). */
  app: string;
  /** `SYNCTRAIL_ORGANIZATION_ID`: needed with an operator token only. */
  organizationId?: string;
  /** `SYNCTRAIL_CAPTURE_INCLUDE`: only calls whose URL matches one of these are recorded. */
  include: UrlPattern[];
  /** `SYNCTRAIL_CAPTURE_EXCLUDE`: calls whose URL matches one of these are left out. */
  exclude: UrlPattern[];
  /** `SYNCTRAIL_CAPTURE_INCOMING` (default true): record the requests the app's HTTP servers receive. */
  incoming: boolean;
  /** `SYNCTRAIL_FLUSH_TIMEOUT_MS` (default 2,000): the longest exit or a signal waits for delivery. */
  flushTimeoutMs: number;
  /** `SYNCTRAIL_FLUSH_INTERVAL_MS` (default 1,000): how long a call may wait before its batch is sent. */
  flushIntervalMs: number;
  /** `SYNCTRAIL_CAPTURE_BUFFER` (default 10,000): calls held in memory; beyond, the oldest are dropped. */
  maxBuffered: number;
  /** `SYNCTRAIL_CAPTURE_MAX_BODY_BYTES` (default 64 KiB, at most 512 KiB): bytes kept of each body. */
  maxBodyBytes: number;
}

/**
 * The outcome of reading the environment: a configuration, or every problem found (capture stays off).
 *
 * @example
 * ```ts
 * const parsed: ParsedRegisterEnv = parseRegisterEnv({ SYNCTRAIL_URL: 'http://localhost:3000' }, []);
 * if (!parsed.ok) console.error(parsed.problems.join('; '));
 * ```
 */
export type ParsedRegisterEnv = { ok: true; config: RegisterConfig } | { ok: false; problems: string[] };

type Env = Record<string, string | undefined>;

function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  problems.push(`${name} must be true or false (got "${env[name]}")`);
  return fallback;
}

/** The app's name when SYNCTRAIL_APP is not set: the npm package being run, else the script's name. */
function defaultApp(env: Env, argv: readonly string[]): string {
  const script = argv[1] ? basename(argv[1], extname(argv[1])) : '';
  return (env.npm_package_name || script || 'node-app').slice(0, 100);
}

/**
 * Reads the zero-code capture's settings from the environment. Never throws: a missing URL or token,
 * or a bad value, comes back as a problem (with what to set), and the caller leaves capture off.
 *
 * @example
 * ```ts
 * parseRegisterEnv({ SYNCTRAIL_URL: 'http://localhost:3000', SYNCTRAIL_TOKEN: 'st_…', SYNCTRAIL_APP: 'portal' }, process.argv);
 * ```
 */
export function parseRegisterEnv(env: Env, argv: readonly string[]): ParsedRegisterEnv {
  const problems: string[] = [];
  const url = env.SYNCTRAIL_URL?.trim() ?? '';
  const token = env.SYNCTRAIL_TOKEN?.trim() ?? '';
  if (!url)
    problems.push('SYNCTRAIL_URL is not set (the Synctrail server, e.g. https://synctrail.example.com)');
  else {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol)) {
      problems.push(`SYNCTRAIL_URL must be an http(s) URL (got "${url}")`);
    }
  }
  if (!token) problems.push('SYNCTRAIL_TOKEN is not set (an organization API key with the ingest scope)');
  const app = env.SYNCTRAIL_APP?.trim() || defaultApp(env, argv);
  if (app.length > 100) problems.push('SYNCTRAIL_APP must be at most 100 characters');
  const organizationId = env.SYNCTRAIL_ORGANIZATION_ID?.trim();
  const config: RegisterConfig = {
    url,
    token,
    app,
    ...(organizationId ? { organizationId } : {}),
    include: parseUrlPatterns(env.SYNCTRAIL_CAPTURE_INCLUDE),
    exclude: parseUrlPatterns(env.SYNCTRAIL_CAPTURE_EXCLUDE),
    incoming: flag(env, 'SYNCTRAIL_CAPTURE_INCOMING', true, problems),
    flushTimeoutMs: integer(env, 'SYNCTRAIL_FLUSH_TIMEOUT_MS', 2_000, 0, 60_000, problems),
    flushIntervalMs: integer(env, 'SYNCTRAIL_FLUSH_INTERVAL_MS', 1_000, 0, 3_600_000, problems),
    maxBuffered: integer(env, 'SYNCTRAIL_CAPTURE_BUFFER', 10_000, 1, 1_000_000, problems),
    maxBodyBytes: integer(env, 'SYNCTRAIL_CAPTURE_MAX_BODY_BYTES', 64 * 1024, 0, 512 * 1024, problems),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}
