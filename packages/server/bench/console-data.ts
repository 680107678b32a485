/**
 * The embedded (SQLite) database the console benchmark reads: RUNS runs over many organizations,
 * integrations, triggers and statuses, plus one run of BIG_RUN_ACTIONS actions, and an operator
 * account. Organizations, integrations and sync users go through the API in process (the server's
 * rules make them); the runs and actions are written straight into the tables with prepared
 * statements, after the server's own migrations, so they are in the schema the server reads.
 *
 * The database is cached under `.bench/console-<hash>/`, the hash covering the migrations, this file
 * and the sizes: a rerun reuses it, a schema change rebuilds it.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { migrateToLatest } from '../src/storage/migrator.js';
import { openEngine } from '../src/storage/open-engine.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MIGRATIONS = fileURLToPath(new URL('../src/storage/migrations/', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
export const BENCH_CACHE = join(ROOT, '.bench');

export interface ConsoleDataSize {
  runs: number;
  bigRunActions: number;
}

export interface ConsoleData extends ConsoleDataSize {
  /** `SYNCTRAIL_DATA_DIR` for the server. */
  dataDir: string;
  /** The run with `bigRunActions` actions. */
  bigRunId: string;
  operator: { email: string; password: string };
  organizations: number;
  integrations: number;
  /** Whether this call built it (false: taken from the cache). */
  built: boolean;
  buildSeconds: number;
}

const ORGANIZATIONS = 60;
const USERS_PER_EXCHANGE = 25;
const INTEGRATION_KINDS = [
  { type: 'exchange', name: 'Exchange ↔ Salesforce', cancellable: true, changes: 'EXCHANGE_CHANGES' },
  { type: 'servicenow', name: 'LeanIX ↔ ServiceNow', cancellable: true, changes: 'SERVICENOW_CHANGES' },
  { type: 'signavio', name: 'Signavio ↔ LeanIX', cancellable: false, changes: 'SIGNAVIO_CHANGES' },
  { type: 'netsuite', name: 'NetSuite ↔ Portal', cancellable: false, changes: 'NETSUITE_CHANGES' },
] as const;
const OPERATOR = { email: 'bench-operator@synctrail.dev', password: 'bench-operator-password' };
const DAY_MS = 24 * 3600 * 1000;
/** A fixed "now", so the cached data does not depend on the day it was built. */
const NOW = Date.parse('2026-12-01T12:00:00.000Z');

/** A deterministic pseudo-random sequence (mulberry32): the same data set on every build. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cacheKey(size: ConsoleDataSize): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS).sort())
    hash.update(file).update(readFileSync(join(MIGRATIONS, file)));
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(JSON.stringify(size));
  return hash.digest('hex').slice(0, 16);
}

/** The cached database for `size`, built first when missing (older caches are removed). */
export async function consoleData(size: ConsoleDataSize): Promise<ConsoleData> {
  const key = cacheKey(size);
  const dir = join(BENCH_CACHE, `console-${key}`);
  const meta = join(dir, 'meta.json');
  if (existsSync(meta)) return { ...(JSON.parse(readFileSync(meta, 'utf8')) as ConsoleData), built: false };

  mkdirSync(BENCH_CACHE, { recursive: true });
  for (const old of readdirSync(BENCH_CACHE)) {
    if (old.startsWith('console-')) rmSync(join(BENCH_CACHE, old), { recursive: true, force: true });
  }
  const building = join(BENCH_CACHE, `console-${key}.building-${process.pid}`);
  const started = performance.now();
  const data = await build(building, size);
  const result: ConsoleData = {
    ...data,
    dataDir: dir,
    built: true,
    buildSeconds: (performance.now() - started) / 1000,
  };
  writeFileSync(join(building, 'meta.json'), JSON.stringify(result, null, 2));
  renameSync(building, dir);
  return result;
}

interface IntegrationRef {
  id: string;
  organizationId: string;
  type: string;
  changes: string;
  users: string[];
}

/** Organizations, integrations and sync users through the API, in process. */
async function createEntities(dataDir: string): Promise<IntegrationRef[]> {
  const token = randomBytes(24).toString('base64url');
  const config = {
    ...loadConfig({ LOG_LEVEL: 'silent', SYNCTRAIL_BOOTSTRAP_TOKEN: token }),
    dataDir,
    databaseUrl: undefined,
  };
  const engine = openEngine(config);
  await migrateToLatest(engine);
  const app = await buildApp(config, { engine, logger: false, backgroundJobs: false });
  const post = async (url: string, body: unknown) => {
    const res = await app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    if (res.statusCode >= 300) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
    return res.json<{ id: string }>();
  };
  const integrations: IntegrationRef[] = [];
  try {
    for (let o = 0; o < ORGANIZATIONS; o++) {
      const org = await post('/api/v1/organizations', { name: `Customer ${String(o + 1).padStart(2, '0')}` });
      // Every organization has one to four of the kinds, so the type filter has something to do.
      for (const kind of INTEGRATION_KINDS.slice(0, 1 + (o % INTEGRATION_KINDS.length))) {
        const integration = await post(`/api/v1/organizations/${org.id}/integrations`, {
          type: kind.type,
          name: kind.name,
          capabilities: { cancellable: kind.cancellable, partialSync: true },
        });
        const users: string[] = [];
        if (kind.type === 'exchange') {
          for (let u = 0; u < USERS_PER_EXCHANGE; u++) {
            const user = await post(`/api/v1/organizations/${org.id}/users`, {
              externalId: `mailbox-${u}`,
              email: `user${u}@customer${o + 1}.example`,
              name: `User ${u} of customer ${o + 1}`,
            });
            users.push(user.id);
          }
        }
        integrations.push({
          id: integration.id,
          organizationId: org.id,
          type: kind.type,
          changes: kind.changes,
          users,
        });
      }
    }
  } finally {
    await app.close();
    await engine.close();
  }
  return integrations;
}

const RUN_COLUMNS = [
  'id',
  'organization_id',
  'integration_id',
  'integration_type',
  'user_id',
  'name',
  'trigger',
  'progress',
  'status',
  'requested_at',
  'started_at',
  'finished_at',
  'duration_ms',
  'last_heartbeat_at',
  'processed',
  'creates',
  'updates',
  'deletes',
  'warnings',
  'errors',
  'objects',
  'changes',
  'failures',
  'conflicts',
  'issues',
  'error_source',
  'error_category',
  'exception',
  'requested_by',
] as const;

const ACTION_COLUMNS = [
  'run_id',
  'seq',
  'at',
  'source_system',
  'source_id',
  'source_name',
  'target_system',
  'target_id',
  'target_name',
  'object_type',
  'action',
  'status',
  'message',
  'details',
  'error_code',
] as const;

function insertStatement(db: BetterSqlite3.Database, table: string, columns: readonly string[]) {
  return db.prepare(
    `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
  );
}

/** One finished (or, for the newest, live) run; counters agree with the status. */
function runRow(
  n: number,
  count: number,
  at: number,
  integration: IntegrationRef,
  rnd: () => number,
): unknown[] {
  const roll = rnd();
  const status = roll < 0.08 ? 'ERROR' : roll < 0.2 ? 'WARNING' : roll < 0.3 ? 'INFO' : 'OK';
  const live = count - n <= 20;
  const progress = live ? (n % 2 ? 'RUNNING' : 'PENDING') : rnd() < 0.01 ? 'ABORTED' : 'FINISHED';
  const changesRun = rnd() < 0.35;
  const trigger = changesRun ? integration.changes : rnd() < 0.1 ? 'FULL_SYNC_MANUAL' : 'FULL_SYNC_JOB';
  const processed = Math.floor(rnd() * (changesRun ? 40 : 2000));
  const errors = status === 'ERROR' ? 1 + Math.floor(rnd() * 20) : 0;
  const warnings =
    status === 'WARNING' || (status === 'ERROR' && rnd() < 0.5) ? 1 + Math.floor(rnd() * 30) : 0;
  const updates = Math.floor(processed * 0.6);
  const creates = Math.floor(processed * 0.2);
  const deletes = Math.floor(processed * 0.05);
  const duration = 2_000 + Math.floor(rnd() * (changesRun ? 30_000 : 900_000));
  const user = integration.users.length > 0 ? integration.users[n % integration.users.length]! : null;
  const started = progress === 'PENDING' ? null : at + 500;
  const finished = live ? null : at + 500 + duration;
  return [
    uuidv7({ msecs: at }),
    integration.organizationId,
    integration.id,
    integration.type,
    user,
    changesRun ? null : `${integration.type} full sync`,
    trigger,
    progress,
    status,
    at,
    started,
    finished,
    finished === null ? null : duration,
    live ? at + 1_000 : null,
    processed,
    creates,
    updates,
    deletes,
    warnings,
    errors,
    processed,
    creates + updates + deletes,
    errors,
    0,
    errors > 0 ? 1 : 0,
    errors > 0 ? (rnd() < 0.5 ? 'CONNECTOR' : 'UNKNOWN') : null,
    errors > 0 ? 'MAPPING' : null,
    errors > 0 ? `Error: field lifecycle.active could not be mapped (run ${n})` : null,
    trigger === 'FULL_SYNC_MANUAL' ? 'account:bench' : null,
  ];
}

function actionRow(runId: string, n: number, at: number): unknown[] {
  const status = n % 97 === 0 ? 'ERROR' : n % 31 === 0 ? 'WARNING' : n % 11 === 0 ? 'INFO' : 'OK';
  const action = ['UPDATE', 'UPDATE', 'CREATE', 'DELETE', 'NONE'][n % 5]!;
  return [
    runId,
    n + 1,
    at + n * 10,
    'LeanIX',
    `fs-${n}`,
    `Application ${n}`,
    'ServiceNow',
    `sn-${n}`,
    `cmdb_ci_business_app ${n}`,
    'Application',
    action,
    status,
    status === 'OK' ? null : `Field lifecycle.active of application ${n}: ${status.toLowerCase()}`,
    JSON.stringify({ changed: ['description', 'owner'], after: { owner: `user-${n % 50}` } }),
    status === 'ERROR' ? 1 : null,
  ];
}

async function build(
  dir: string,
  size: ConsoleDataSize,
): Promise<Omit<ConsoleData, 'dataDir' | 'built' | 'buildSeconds'>> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const integrations = await createEntities(dir);
  const db = new BetterSqlite3(join(dir, 'synctrail.db'));
  // A bulk load: nothing to lose if the machine stops, the cache is rebuilt.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const rnd = random(20261201);
  const insertRun = insertStatement(db, 'runs', RUN_COLUMNS);
  const span = 365 * DAY_MS;
  const first = NOW - span;
  const step = span / size.runs;
  const batch = 20_000;
  for (let start = 0; start < size.runs; start += batch) {
    db.transaction(() => {
      for (let n = start; n < Math.min(size.runs, start + batch); n++) {
        const integration = integrations[Math.floor(rnd() * integrations.length)]!;
        insertRun.run(...runRow(n, size.runs, Math.floor(first + n * step), integration, rnd));
      }
    })();
  }

  // The big run: an hour ago, finished, its status and counters those its actions make.
  const big = integrations.find((i) => i.type === 'servicenow')!;
  const bigAt = NOW - 3600 * 1000;
  const bigRunId = uuidv7({ msecs: bigAt });
  const actionRows = Array.from({ length: size.bigRunActions }, (_, n) => actionRow(bigRunId, n, bigAt));
  const count = (column: number, value: string) => actionRows.filter((r) => r[column] === value).length;
  const errors = count(11, 'ERROR');
  const duration = size.bigRunActions * 10 + 5_000;
  insertRun.run(
    bigRunId,
    big.organizationId,
    big.id,
    big.type,
    null,
    'LeanIX → ServiceNow full sync',
    'FULL_SYNC_JOB',
    'FINISHED',
    errors > 0 ? 'ERROR' : 'OK',
    bigAt,
    bigAt,
    bigAt + duration,
    duration,
    null,
    size.bigRunActions,
    count(10, 'CREATE'),
    count(10, 'UPDATE'),
    count(10, 'DELETE'),
    count(11, 'WARNING'),
    errors,
    size.bigRunActions,
    size.bigRunActions - count(10, 'NONE'),
    errors,
    0,
    0,
    errors > 0 ? 'CONNECTOR' : null,
    null,
    null,
    null,
  );
  const insertAction = insertStatement(db, 'actions', ACTION_COLUMNS);
  for (let start = 0; start < actionRows.length; start += batch) {
    db.transaction(() => {
      for (const row of actionRows.slice(start, start + batch)) insertAction.run(...row);
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();

  // The account the benchmark signs in with, made by the CLI as an administrator would.
  execFileSync(
    process.execPath,
    [
      '--conditions=development',
      '--import',
      'tsx',
      MAIN,
      'admin',
      'create',
      '--email',
      OPERATOR.email,
      '--password',
      OPERATOR.password,
    ],
    { env: { ...process.env, SYNCTRAIL_DATA_DIR: dir, LOG_LEVEL: 'warn' }, stdio: 'pipe' },
  );
  return {
    ...size,
    bigRunId,
    operator: OPERATOR,
    organizations: ORGANIZATIONS,
    integrations: integrations.length,
  };
}
