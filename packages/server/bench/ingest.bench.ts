/**
 * `npm run bench:ingest`: actions through the HTTP API, beside each engine's raw bulk load of the
 * same rows into an identical table, in the same run.
 *
 * - API: a real `synctrail serve` process; the bench posts batches of 1,000 actions as JSON, one
 *   request after the other, like one connector (BENCH_CONCURRENCY streams, default 1, each its own
 *   run, like that many connectors). An answer means the batch is committed.
 * - Baseline, same database, same rows, same batch size, one commit per batch:
 *   PostgreSQL: `COPY … FROM STDIN` into `LIKE actions INCLUDING ALL`;
 *   embedded: a prepared INSERT in one transaction per batch, on a connection with the server's
 *   pragmas (WAL, synchronous=FULL), into a copy of the `actions` table and its indexes.
 *
 * Targets (ratio = API rows/s ÷ baseline rows/s): >= 0.6 on PostgreSQL, >= 0.5 on the embedded engine.
 * Environment: BENCH_ROWS (default 100000), BENCH_ENGINES (default sqlite,postgres),
 * BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_PROFILE (a directory for
 * the server's CPU profile), BENCH_NODE_ARGS (flags for the server's node), BENCH_SERVER_LOG (a file
 * for what the server printed).
 */
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ActionInput } from '@synctrail/types';
import { OPERATOR_TOKEN } from '../test/harness.js';
import { startServerProcess, type ServerProcess } from '../test/server-process.js';
import { createPgDatabase } from './bench-database.js';

const BATCH = 1_000;
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
const TARGETS: Record<string, number> = { sqlite: 0.5, postgres: 0.6 };

const ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'NONE'] as const;
const STATUSES = ['OK', 'OK', 'OK', 'INFO', 'WARNING', 'ERROR'] as const;

/** The n-th action of the data set: realistic sizes (names, a message, a small diff). */
function actionAt(n: number, at: string): ActionInput {
  const status = STATUSES[n % STATUSES.length]!;
  return {
    at,
    source: { system: 'LeanIX', id: `fs-${n}`, name: `Application ${n} (Finance)` },
    target: { system: 'ServiceNow', id: `sn-${n}`, name: `cmdb_ci_business_app ${n}` },
    objectType: 'Application',
    action: ACTIONS[n % ACTIONS.length]!,
    status,
    message: status === 'OK' ? null : `Field lifecycle.active could not be mapped for object ${n}`,
    details: {
      changed: ['description', 'owner'],
      before: { owner: 'ada' },
      after: { owner: `user-${n % 50}` },
    },
    errorCode: status === 'ERROR' ? 1 : null,
  };
}

function batchOf(start: number, at: string): ActionInput[] {
  return Array.from({ length: BATCH }, (_, i) => actionAt(start + i, at));
}

/** A real `synctrail serve` process (the test suites' launcher), its background jobs off. */
function startServer(env: Record<string, string>): Promise<ServerProcess> {
  // BENCH_PROFILE=<dir> writes the server's CPU profile there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return startServerProcess(
    { SYNCTRAIL_BACKGROUND_JOBS: 'off', ...env },
    { nodeArgs: [...profile, ...extra], startTimeoutMs: 60_000 },
  );
}

/** An operator call that must succeed; its JSON answer. */
async function must(server: ServerProcess, method: string, path: string, body: unknown): Promise<any> {
  const res = await server.call(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

async function newRuns(server: ServerProcess, count: number): Promise<string[]> {
  const org = await must(server, 'POST', '/api/v1/organizations', { name: 'Bench' });
  const integration = await must(server, 'POST', `/api/v1/organizations/${org.id}/integrations`, {
    type: 'servicenow',
    name: 'EA ↔ ServiceNow',
  });
  const runs: string[] = [];
  for (let i = 0; i < count; i++) {
    runs.push(
      (
        await must(server, 'POST', '/api/v1/runs', {
          integrationId: integration.id,
          trigger: 'FULL_SYNC_JOB',
        })
      ).id,
    );
  }
  return runs;
}

/** POSTs a prepared body over a keep-alive connection; resolves when the answer (the commit) is in. */
function post(agent: Agent, url: URL, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${OPERATOR_TOKEN}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 201
            ? resolve()
            : reject(new Error(`${url.pathname}: ${res.statusCode} ${Buffer.concat(chunks).toString()}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Posts ROWS actions in batches of 1,000 over CONCURRENCY streams (each its own run, as several
 * connectors would), each stream one request at a time; rows/s.
 */
async function throughApi(server: ServerProcess, runIds: readonly string[], at: string): Promise<number> {
  // Bodies are encoded ahead and sent with node:http, so the figure is the server's, not the
  // bench's JSON.stringify or fetch machinery.
  const bodies = Array.from({ length: ROWS / BATCH }, (_, b) =>
    Buffer.from(JSON.stringify(batchOf(b * BATCH, at))),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const stream = async (runId: string) => {
    const url = new URL(`/api/v1/runs/${runId}/actions`, server.url);
    while (next < bodies.length) await post(agent, url, bodies[next++]!);
  };
  try {
    const started = performance.now();
    await Promise.all(runIds.map(stream));
    return ROWS / ((performance.now() - started) / 1000);
  } finally {
    agent.destroy();
  }
}

/** The rows exactly as the server stores them (column order of the `actions` table). */
function storedRow(runId: string, seq: number, a: ActionInput, at: Date): unknown[] {
  return [
    runId,
    seq,
    at,
    a.source.system,
    a.source.id ?? null,
    a.source.name ?? null,
    a.target.system,
    a.target.id ?? null,
    a.target.name ?? null,
    a.objectType ?? null,
    a.action,
    a.status,
    a.message ?? null,
    a.details === undefined ? null : JSON.stringify(a.details),
    a.errorCode ?? null,
  ];
}

const COLUMNS =
  'run_id, seq, at, source_system, source_id, source_name, target_system, target_id, target_name, object_type, action, status, message, details, error_code';

function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return text.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}

async function postgresBaseline(url: string, runId: string, at: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Columns, defaults, primary key and indexes, plus the foreign key LIKE leaves out: the same table.
    await client.query(`create table if not exists bench_actions (like actions including all,
      foreign key (run_id) references runs (id))`);
    const when = new Date(at);
    const started = performance.now();
    for (let b = 0; b < ROWS / BATCH; b++) {
      // The same work a batch costs the baseline: rows to COPY text, then COPY, one commit per batch.
      const text = batchOf(b * BATCH, at)
        .map(
          (a, i) =>
            storedRow(runId, b * BATCH + i + 1, a, when)
              .map(copyText)
              .join('\t') + '\n',
        )
        .join('');
      await pipeline(
        Readable.from([text]),
        client.query(copyFrom(`copy bench_actions (${COLUMNS}) from stdin`)),
      );
    }
    return ROWS / ((performance.now() - started) / 1000);
  } finally {
    await client.end();
  }
}

function sqliteBaseline(file: string, runId: string, at: string): number {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const schema = db
      // The table and its indexes; not its triggers (the text index's fires on deletes only).
      .prepare(
        `select type, sql from sqlite_master where tbl_name = 'actions' and type in ('table', 'index') and sql is not null`,
      )
      .all() as {
      type: string;
      sql: string;
    }[];
    // The copy is made once (the first round); later rounds insert into it again, as the API does.
    const copied = db.prepare(`select 1 from sqlite_master where name = 'bench_actions'`).get();
    for (const { sql } of copied ? [] : schema) {
      db.exec(
        sql
          .replace(/\bactions\b/, 'bench_actions')
          .replace(/\bon\s+"?actions"?/i, 'on bench_actions')
          .replace(/(create (unique )?index "?)(\w+)/i, '$1bench_$3'),
      );
    }
    const indexes = (table: string) =>
      (
        db
          .prepare(`select count(*) n from sqlite_master where type = 'index' and tbl_name = ?`)
          .get(table) as {
          n: number;
        }
      ).n;
    if (indexes('bench_actions') !== indexes('actions'))
      throw new Error(
        `the baseline table has ${indexes('bench_actions')} indexes, actions ${indexes('actions')}`,
      );
    const insert = db.prepare(
      `insert into bench_actions (${COLUMNS}) values (${COLUMNS.split(',')
        .map(() => '?')
        .join(', ')})`,
    );
    const when = new Date(at).getTime();
    const started = performance.now();
    for (let b = 0; b < ROWS / BATCH; b++) {
      const rows = batchOf(b * BATCH, at).map((a, i) =>
        storedRow(runId, b * BATCH + i + 1, a, when as never),
      );
      db.transaction(() => {
        for (const row of rows) insert.run(...(row as never[]));
      })();
    }
    return ROWS / ((performance.now() - started) / 1000);
  } finally {
    db.close();
  }
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * ROUNDS rounds of API then baseline on one database (each round into new runs, so both tables grow
 * alike); the medians. The server stays up, idle, while the baseline loads.
 */
async function benchEngine(kind: string) {
  const at = new Date().toISOString();
  let database: {
    env: Record<string, string>;
    baseline: (runId: string) => Promise<number>;
    drop: () => Promise<void>;
  };
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'synctrail-bench-'));
    database = {
      env: { SYNCTRAIL_DATA_DIR: dir },
      baseline: async (runId) => sqliteBaseline(join(dir, 'synctrail.db'), runId, at),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  } else {
    const pgDatabase = await createPgDatabase();
    database = {
      env: { DATABASE_URL: pgDatabase.url },
      baseline: (runId) => postgresBaseline(pgDatabase.url, runId, at),
      drop: pgDatabase.drop,
    };
  }
  const server = await startServer(database.env);
  try {
    const api: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const runIds = await newRuns(server, CONCURRENCY);
      api.push(await throughApi(server, runIds, at));
      baseline.push(await database.baseline(runIds[0]!));
    }
    return { api: median(api), baseline: median(baseline), rounds: { api, baseline } };
  } finally {
    // BENCH_SERVER_LOG=<file> keeps what the server printed (with BENCH_NODE_ARGS=--trace-gc, its collections).
    if (process.env.BENCH_SERVER_LOG) writeFileSync(process.env.BENCH_SERVER_LOG, server.output());
    await server.stop();
    await database.drop();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `ingest benchmark: ${fmt(ROWS)} actions per round, ${ROUNDS} rounds per engine (medians), batches of ${BATCH}, ` +
    `${CONCURRENCY} stream(s) of one request at a time\n`,
);
let failed = false;
for (const kind of ENGINES) {
  const { api, baseline, rounds } = await benchEngine(kind);
  const ratio = api / baseline;
  const target = TARGETS[kind] ?? 0;
  const verdict = ratio >= target ? 'meets' : 'MISSES';
  if (ratio < target) failed = true;
  console.log(
    `${kind.padEnd(9)} API ${fmt(api).padStart(8)} rows/s   baseline ${fmt(baseline).padStart(8)} rows/s (${kind === 'postgres' ? 'COPY' : 'prepared inserts'})   ratio ${ratio.toFixed(2)} (${verdict} target ${target})`,
  );
  console.log(
    `          rounds: API ${rounds.api.map(fmt).join(', ')}; baseline ${rounds.baseline.map(fmt).join(', ')}`,
  );
}
if (failed) process.exitCode = 1;
