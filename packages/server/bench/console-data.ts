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

type Row = Record<string, string | number | null>;

/** A prepared insert of rows given by column name (every row of a table has the same columns). */
function inserter(db: BetterSqlite3.Database, table: string, columns: readonly string[]) {
  const statement = db.prepare(
    `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
  );
  return (row: Row) => statement.run(...columns.map((c) => row[c] ?? null));
}

/** One finished (or, for the newest, live) run; counters agree with the status. */
function runRow(n: number, count: number, at: number, integration: IntegrationRef, rnd: () => number): Row {
  const roll = rnd();
  const status = roll < 0.08 ? 'ERROR' : roll < 0.2 ? 'WARNING' : roll < 0.3 ? 'INFO' : 'OK';
  const live = count - n <= 20;
  const progress = live ? (n % 2 ? 'RUNNING' : 'PENDING') : rnd() < 0.01 ? 'ABORTED' : 'FINISHED';
  const changesRun = rnd() < 0.35;
  const trigger = changesRun ? integration.changes : rnd() < 0.1 ? 'FULL_SYNC_MANUAL' : 'FULL_SYNC_JOB';
  const processed = Math.floor(rnd() * (changesRun ? 40 : 2000));
  const errors = status === 'ERROR' ? 1 + Math.floor(rnd() * 20) : 0;
  const warned = status === 'WARNING' || (status === 'ERROR' && rnd() < 0.5);
  const [creates, updates, deletes] = [0.2, 0.6, 0.05].map((share) => Math.floor(processed * share));
  const duration = 2_000 + Math.floor(rnd() * (changesRun ? 30_000 : 900_000));
  const finished = live ? null : at + 500 + duration;
  return {
    id: uuidv7({ msecs: at }),
    organization_id: integration.organizationId,
    integration_id: integration.id,
    integration_type: integration.type,
    user_id: integration.users.length > 0 ? integration.users[n % integration.users.length]! : null,
    name: changesRun ? null : `${integration.type} full sync`,
    trigger,
    progress,
    status,
    requested_at: at,
    started_at: progress === 'PENDING' ? null : at + 500,
    finished_at: finished,
    duration_ms: finished === null ? null : duration,
    last_heartbeat_at: live ? at + 1_000 : null,
    processed,
    creates: creates!,
    updates: updates!,
    deletes: deletes!,
    warnings: warned ? 1 + Math.floor(rnd() * 30) : 0,
    errors,
    objects: processed,
    changes: creates! + updates! + deletes!,
    failures: errors,
    conflicts: 0,
    issues: errors > 0 ? 1 : 0,
    error_source: errors > 0 ? (rnd() < 0.5 ? 'CONNECTOR' : 'UNKNOWN') : null,
    error_category: errors > 0 ? 'MAPPING' : null,
    exception: errors > 0 ? `Error: field lifecycle.active could not be mapped (run ${n})` : null,
    requested_by: trigger === 'FULL_SYNC_MANUAL' ? 'account:bench' : null,
  };
}
// Every run row has the same keys: one row names the columns.
const RUN_COLUMNS = Object.keys(
  runRow(0, 1, 0, { id: '', organizationId: '', type: '', changes: '', users: [] }, Math.random),
);

function actionRow(runId: string, n: number, at: number): Row {
  const status = n % 97 === 0 ? 'ERROR' : n % 31 === 0 ? 'WARNING' : n % 11 === 0 ? 'INFO' : 'OK';
  return {
    run_id: runId,
    seq: n + 1,
    at: at + n * 10,
    source_system: 'LeanIX',
    source_id: `fs-${n}`,
    source_name: `Application ${n}`,
    target_system: 'ServiceNow',
    target_id: `sn-${n}`,
    target_name: `cmdb_ci_business_app ${n}`,
    object_type: 'Application',
    action: ['UPDATE', 'UPDATE', 'CREATE', 'DELETE', 'NONE'][n % 5]!,
    status,
    message: status === 'OK' ? null : `Field lifecycle.active of application ${n}: ${status.toLowerCase()}`,
    details: JSON.stringify({ changed: ['description', 'owner'], after: { owner: `user-${n % 50}` } }),
    error_code: status === 'ERROR' ? 1 : null,
  };
}
const ACTION_COLUMNS = Object.keys(actionRow('', 0, 0));

/** The big run: finished, with the status and counters its actions make. */
function bigRunRow(id: string, at: number, integration: IntegrationRef, actions: Row[]): Row {
  const count = (column: string, value: string) => actions.filter((a) => a[column] === value).length;
  const errors = count('status', 'ERROR');
  const duration = actions.length * 10 + 5_000;
  return {
    id,
    organization_id: integration.organizationId,
    integration_id: integration.id,
    integration_type: integration.type,
    name: 'LeanIX → ServiceNow full sync',
    trigger: 'FULL_SYNC_JOB',
    progress: 'FINISHED',
    status: errors > 0 ? 'ERROR' : count('status', 'WARNING') > 0 ? 'WARNING' : 'OK',
    requested_at: at,
    started_at: at,
    finished_at: at + duration,
    duration_ms: duration,
    processed: actions.length,
    creates: count('action', 'CREATE'),
    updates: count('action', 'UPDATE'),
    deletes: count('action', 'DELETE'),
    warnings: count('status', 'WARNING'),
    errors,
    objects: actions.length,
    changes: actions.length - count('action', 'NONE'),
    failures: errors,
    conflicts: 0,
    issues: 0,
    error_source: errors > 0 ? 'CONNECTOR' : null,
  };
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
  const insertRun = inserter(db, 'runs', RUN_COLUMNS);
  const span = 365 * DAY_MS;
  const step = span / size.runs;
  const batch = 20_000;
  for (let start = 0; start < size.runs; start += batch) {
    db.transaction(() => {
      for (let n = start; n < Math.min(size.runs, start + batch); n++) {
        const integration = integrations[Math.floor(rnd() * integrations.length)]!;
        insertRun(runRow(n, size.runs, Math.floor(NOW - span + n * step), integration, rnd));
      }
    })();
  }

  // The big run, an hour ago.
  const bigAt = NOW - 3600 * 1000;
  const bigRunId = uuidv7({ msecs: bigAt });
  const actions = Array.from({ length: size.bigRunActions }, (_, n) => actionRow(bigRunId, n, bigAt));
  insertRun(
    bigRunRow(
      bigRunId,
      bigAt,
      integrations.find((i) => i.type === 'servicenow')!,
      actions,
    ),
  );
  const insertAction = inserter(db, 'actions', ACTION_COLUMNS);
  for (let start = 0; start < actions.length; start += batch) {
    db.transaction(() => actions.slice(start, start + batch).forEach(insertAction))();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();

  // The account the benchmark signs in with, made by the CLI as an administrator would.
  const operatorArgs = ['--email', OPERATOR.email, '--password', OPERATOR.password];
  execFileSync(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', MAIN, 'admin', 'create', ...operatorArgs],
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
