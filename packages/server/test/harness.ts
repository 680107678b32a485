import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { loadConfig, type Config } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import type { Engine, EngineKind } from '../src/storage/engine.js';
import type { Database } from '../src/storage/database.js';
import { openEngine } from '../src/storage/open-engine.js';
import { migrateToLatest } from '../src/storage/migrator.js';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';

/** The PostgreSQL server the suites use; each test file gets a database of its own on it. */
export const PG_ADMIN_URL =
  process.env.SYNCTRAIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Test databases are named `<prefix><random>`; a prefix of one's own keeps parallel checkouts apart. */
export const DB_PREFIX = /^[a-z_][a-z0-9_]{0,30}$/.test(process.env.SYNCTRAIL_TEST_DB_PREFIX ?? '')
  ? process.env.SYNCTRAIL_TEST_DB_PREFIX!
  : 'synctrail_test_';

/** Every engine by default; `SYNCTRAIL_TEST_ENGINES=sqlite` narrows it on a machine without PostgreSQL. */
export const ENGINES: EngineKind[] = (process.env.SYNCTRAIL_TEST_ENGINES ?? 'sqlite,postgres')
  .split(',')
  .map((e) => e.trim() as EngineKind);

export interface TestDatabase {
  kind: EngineKind;
  config: Config;
  drop(): Promise<void>;
}

/** A fresh, empty database of the given engine. */
export async function createTestDatabase(
  kind: EngineKind,
  overrides: Partial<Config> = {},
): Promise<TestDatabase> {
  const base = {
    ...loadConfig({ LOG_LEVEL: 'silent', SYNCTRAIL_BOOTSTRAP_TOKEN: OPERATOR_TOKEN }),
    // Whether the repository's console happens to be built must not change what a suite sees.
    consoleDir: join(tmpdir(), 'synctrail-test-no-console'),
  };
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'synctrail-test-'));
    return {
      kind,
      config: { ...base, dataDir: dir, databaseUrl: undefined, ...overrides },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `${DB_PREFIX}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_ADMIN_URL}: start it, or set SYNCTRAIL_TEST_PG_URL (SYNCTRAIL_TEST_ENGINES=sqlite runs the embedded engine only).`,
      { cause: error },
    );
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    config: { ...base, databaseUrl: url.toString(), pgPoolSize: 5, ...overrides },
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface Api {
  (
    method: NonNullable<InjectOptions['method']>,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse & { body: string; json: <T = any>() => T }>;
}

export interface TestContext {
  kind: EngineKind;
  /** The configuration the app runs with (its data directory or database URL). */
  config: Config;
  engine: Engine;
  app: Awaited<ReturnType<typeof buildApp>>;
  /** Calls the API in process as the operator (unless `authorization` is overridden). */
  api: Api;
  close(): Promise<void>;
}

export async function startTestApp(kind: EngineKind, overrides: Partial<Config> = {}): Promise<TestContext> {
  const database = await createTestDatabase(kind, overrides);
  const engine = openEngine(database.config);
  await migrateToLatest(engine);
  const app = await buildApp(database.config, { engine, logger: false, backgroundJobs: false });
  await app.ready();
  const api: Api = async (method, url, body, headers = {}) => {
    const isString = typeof body === 'string' || Buffer.isBuffer(body);
    const response = await app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${OPERATOR_TOKEN}`,
        ...(body !== undefined && !isString ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: isString ? (body as string) : JSON.stringify(body) } : {}),
    });
    return response as never;
  };
  return {
    kind,
    config: database.config,
    engine,
    app,
    api,
    close: async () => {
      await app.close();
      await engine.close();
      await database.drop();
    },
  };
}

/** Creates an organization, an integration and (optionally) a sync user through the API. */
export async function seedBasics(api: Api, options: { cancellable?: boolean; partialSync?: boolean } = {}) {
  const org = (
    await api('POST', '/api/v1/organizations', { name: `Org ${randomBytes(3).toString('hex')}` })
  ).json();
  const integration = (
    await api('POST', `/api/v1/organizations/${org.id}/integrations`, {
      type: 'exchange',
      name: 'Exchange ↔ CRM',
      capabilities: { cancellable: options.cancellable ?? true, partialSync: options.partialSync ?? false },
    })
  ).json();
  const user = (
    await api('POST', `/api/v1/organizations/${org.id}/users`, {
      externalId: `u-${randomBytes(3).toString('hex')}`,
      email: 'ada@example.com',
      name: 'Ada Lovelace',
    })
  ).json();
  return { org, integration, user };
}

/** The password the suites give the accounts they create. */
export const TEST_PASSWORD = 'correct horse battery staple';

/** The `name=value` of the session cookie a sign-in answer sets. */
export function cookieOf(res: { headers: Record<string, unknown> }): string {
  const header = res.headers['set-cookie'];
  return String(Array.isArray(header) ? header[0] : header).split(';')[0]!;
}

/** Adds members (with TEST_PASSWORD) to an organization through the API. */
export async function addMembers(
  api: Api,
  organizationId: string,
  members: readonly (readonly [email: string, role: 'ADMIN' | 'VIEWER'])[],
): Promise<void> {
  for (const [email, role] of members) {
    const res = await api('POST', `/api/v1/organizations/${organizationId}/members`, {
      email,
      role,
      password: TEST_PASSWORD,
    });
    if (res.statusCode !== 201) throw new Error(`adding ${email}: ${res.statusCode} ${res.body}`);
  }
}

/**
 * Signs in with a password and answers a caller that sends the session cookie instead of the
 * operator token, with the CSRF token on writes.
 */
export async function sessionCaller(api: Api, email: string, password = TEST_PASSWORD): Promise<Api> {
  const res = await api('POST', '/api/v1/session', { email, password }, { authorization: '' });
  if (res.statusCode !== 200) throw new Error(`signing in ${email}: ${res.statusCode} ${res.body}`);
  const cookie = cookieOf(res);
  const csrf = res.json().csrfToken as string;
  return (method, url, body, headers = {}) =>
    api(method, url, body, {
      authorization: '',
      cookie,
      ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }),
      ...headers,
    });
}

/** Reads every page of a list, following `nextCursor`. */
export async function readAllPages<T>(api: Api, url: string): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await api('GET', cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    const page = res.json<{ items: T[]; nextCursor: string | null }>();
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { items, pages };
}

/**
 * Adds a member (with TEST_PASSWORD) and signs in as them: the headers that send their session
 * cookie instead of the operator token (read-only requests; writes also need the CSRF token).
 */
export async function signInMember(
  api: Api,
  organizationId: string,
  email: string,
  role: 'ADMIN' | 'VIEWER',
): Promise<{ authorization: string; cookie: string }> {
  await addMembers(api, organizationId, [[email, role]]);
  const session = await api(
    'POST',
    '/api/v1/session',
    { email, password: TEST_PASSWORD },
    { authorization: '' },
  );
  if (session.statusCode !== 200)
    throw new Error(`signing in ${email}: ${session.statusCode} ${session.body}`);
  return { authorization: '', cookie: cookieOf(session) };
}

/**
 * How many SQL statements the engine ran while `fn` ran (every repository reads `engine.db`, which is
 * wrapped meanwhile with a plugin that counts what it compiles).
 */
export async function countQueries(engine: Engine, fn: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      count++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const getter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(engine), 'db')!.get!;
  Object.defineProperty(engine, 'db', {
    configurable: true,
    get: () => (getter.call(engine) as Kysely<Database>).withPlugin(counter),
  });
  try {
    await fn();
  } finally {
    delete (engine as { db?: unknown }).db;
  }
  return count;
}

/**
 * Disables the audit log's append-only guards for the rest of the test database's life: what a
 * tamperer with database access does.
 */
export async function dropAuditGuards(t: Pick<TestContext, 'kind' | 'engine'>): Promise<void> {
  if (t.kind === 'postgres') {
    await sql`alter table audit_events disable trigger user`.execute(t.engine.db);
    await sql`alter table audit_head disable trigger user`.execute(t.engine.db);
  } else {
    for (const name of ['audit_events_no_update', 'audit_events_no_delete', 'audit_head_no_delete']) {
      await sql`drop trigger ${sql.raw(name)}`.execute(t.engine.db);
    }
  }
}
