/**
 * `npm run bench:export`: CSV exports through the HTTP API beside each engine's own CSV export of the
 * same rows, in the same run.
 *
 * - Data: BENCH_ROWS actions in one run and BENCH_ROWS calls in one organization (default 1,000,000
 *   each), plus a run of 100,000 actions for the memory figure, loaded straight into the database
 *   (COPY on PostgreSQL, prepared inserts on SQLite): this bench measures exports, not ingest.
 * - API: a real `synctrail serve` process, run from its build (built first); `GET /runs/{id}/actions?format=csv` and
 *   `GET /calls?organizationId=…&format=csv`, read over node:http as fast as they come. Time to first
 *   byte, rows/s, and the server's peak RSS during the export (sampled from /proc every 20 ms).
 * - Baseline, same database, same rows and order: PostgreSQL `psql -c "\copy (select …) to … csv
 *   header"`; SQLite the sqlite3 CLI's `.mode csv` into a file.
 *
 * Targets: ratio (API rows/s ÷ baseline rows/s) >= 0.5 on both engines; peak RSS <= 200 MB and flat
 * (the export of BENCH_ROWS within 10 % of the export of 100,000).
 * - BENCH_BUNDLE_MB=<n> (default 0: skipped): a run with a log file of n MB, downloaded as a bundle;
 *   the server's peak RSS meanwhile (target: flat, as for the CSV).
 * - Each export and its baseline run BENCH_ROUNDS (3) times, alternating; medians are compared, and
 *   the peak RSS is the highest of all rounds.
 * Environment: BENCH_ROWS, BENCH_ROUNDS, BENCH_ENGINES (default sqlite,postgres), BENCH_PG_URL, BENCH_BUNDLE_MB,
 * BENCH_PROFILE (a directory for the server's CPU profile).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { OPERATOR_TOKEN } from '../test/harness.js';
import { startServerProcess, type ServerProcess } from '../test/server-process.js';
import { createPgDatabase } from './bench-database.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SMALL = Math.min(100_000, ROWS);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
const LOAD_BATCH = 10_000;
const BUNDLE_MB = Number(process.env.BENCH_BUNDLE_MB ?? 0);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

const STATUSES = ['OK', 'OK', 'OK', 'INFO', 'WARNING', 'ERROR'] as const;
const ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'NONE'] as const;
const CALL_ACTIONS = ['SSO_INITIATED', 'SSO_SUCCESSFUL', 'SSO_FAILED', 'NA'] as const;

/** The n-th action row, in the `actions` table's column order. */
function actionRow(runId: string, n: number, at: Date): unknown[] {
  const status = STATUSES[n % STATUSES.length]!;
  return [
    runId,
    n + 1,
    at,
    'LeanIX',
    `fs-${n}`,
    `Application ${n} (Finance, "EU")`,
    'ServiceNow',
    `sn-${n}`,
    `cmdb_ci_business_app ${n}`,
    'Application',
    ACTIONS[n % ACTIONS.length],
    status,
    status === 'OK' ? null : `Field lifecycle.active could not be mapped for object ${n}`,
    JSON.stringify({ changed: ['description', 'owner'], after: { owner: `user-${n % 50}` } }),
    status === 'ERROR' ? 1 : null,
  ];
}
const ACTION_COLUMNS =
  'run_id, seq, at, source_system, source_id, source_name, target_system, target_id, target_name, object_type, action, status, message, details, error_code';

/** The n-th call row, in the `calls` table's column order. */
function callRow(organizationId: string, n: number, base: number): unknown[] {
  return [
    randomUUID(),
    organizationId,
    null,
    new Date(base + n),
    n % 2 ? 'INCOMING' : 'OUTGOING',
    'Synctrail Portal',
    n % 3 ? 'NetSuite' : 'OAuth 2.0 Google Apps',
    CALL_ACTIONS[n % CALL_ACTIONS.length],
    'AUTHENTICATION_APPLICATIONS',
    `user${n % 5000}@example.com`,
    'POST',
    `https://idp.example.com/saml/acs?RelayState=${n}`,
    n % 7 ? 200 : 401,
    n % 300,
    JSON.stringify({ headers: { 'content-type': 'application/json' }, body: `{"n":${n}}` }),
    JSON.stringify({ headers: {}, body: 'ok' }),
  ];
}
const CALL_COLUMNS =
  'id, organization_id, run_id, at, direction, app_from, app_to, action, request_type, login, method, url, status_code, duration_ms, request, response';

function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return text.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}

interface Loader {
  load(
    table: 'actions' | 'calls',
    columns: string,
    count: number,
    row: (n: number) => unknown[],
  ): Promise<void>;
  /** The engine's own CSV export of `select`; seconds. */
  baseline(select: string): number;
  close(): Promise<void>;
}

async function postgresLoader(url: string): Promise<Loader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async load(table, columns, count, row) {
      for (let start = 0; start < count; start += LOAD_BATCH) {
        const lines: string[] = [];
        for (let n = start; n < Math.min(count, start + LOAD_BATCH); n++) {
          lines.push(row(n).map(copyText).join('\t') + '\n');
        }
        const copy = client.query(copyFrom(`copy ${table} (${columns}) from stdin`));
        await pipeline(Readable.from([lines.join('')]), copy);
      }
      await client.query(`analyze ${table}`);
    },
    baseline(select) {
      const out = join(tmpdir(), `bench-${randomBytes(4).toString('hex')}.csv`);
      const started = performance.now();
      execFileSync('psql', [url, '-q', '-c', `\\copy (${select}) to '${out}' with (format csv, header)`]);
      const seconds = (performance.now() - started) / 1000;
      rmSync(out, { force: true });
      return seconds;
    },
    close: () => client.end(),
  };
}

function sqliteLoader(file: string): Loader {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  return {
    async load(table, columns, count, row) {
      const insert = db.prepare(
        `insert into ${table} (${columns}) values (${columns
          .split(',')
          .map(() => '?')
          .join(', ')})`,
      );
      for (let start = 0; start < count; start += LOAD_BATCH) {
        db.transaction(() => {
          for (let n = start; n < Math.min(count, start + LOAD_BATCH); n++) {
            insert.run(...(row(n).map((v) => (v instanceof Date ? v.getTime() : v)) as never[]));
          }
        })();
      }
    },
    baseline(select) {
      const out = join(tmpdir(), `bench-${randomBytes(4).toString('hex')}.csv`);
      const started = performance.now();
      execFileSync('sqlite3', ['-readonly', '-csv', '-header', '-cmd', `.output ${out}`, file, `${select};`]);
      const seconds = (performance.now() - started) / 1000;
      rmSync(out, { force: true });
      return seconds;
    },
    close: async () => {
      db.close();
    },
  };
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

interface ExportFigures {
  rows: number;
  seconds: number;
  firstByteMs: number;
  bytes: number;
  peakRss: number;
}

/** Reads an export as fast as it comes; its timings and the server's peak RSS meanwhile. */
function exportOver(server: ServerProcess, path: string): Promise<ExportFigures> {
  const pid = server.child.pid!;
  let peakRss = rssOf(pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 20);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, server.url),
      { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } },
      (res) => {
        let firstByteMs = -1;
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          if (firstByteMs < 0) firstByteMs = performance.now() - started;
          bytes += chunk.length;
        });
        res.on('end', () => {
          clearInterval(sampler);
          if (res.statusCode !== 200) return reject(new Error(`${path}: ${res.statusCode}`));
          resolve({
            rows: Number(res.trailers['x-row-count']),
            seconds: (performance.now() - started) / 1000,
            firstByteMs,
            bytes,
            peakRss: Math.max(peakRss, rssOf(pid)),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Uploads `mb` MB of binary log file to a run, streamed from a generator. */
function uploadLog(server: ServerProcess, runId: string, mb: number): Promise<void> {
  const piece = randomBytes(1024 * 1024);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(`/api/v1/runs/${runId}/artifacts?name=big.bin&kind=OTHER`, server.url),
      {
        method: 'POST',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/octet-stream' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201 ? resolve() : reject(new Error(`upload: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    void pipeline(
      Readable.from(
        (function* () {
          for (let i = 0; i < mb; i++) yield piece;
        })(),
      ),
      req,
    ).catch(reject);
  });
}

async function must(server: ServerProcess, method: string, path: string, body: unknown): Promise<any> {
  const res = await server.call(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The round of median time, with the highest RSS of all rounds (memory is judged at its worst). */
function medianExport(rounds: readonly ExportFigures[]): ExportFigures {
  const sorted = [...rounds].sort((a, b) => a.seconds - b.seconds);
  const middle = sorted[Math.floor(sorted.length / 2)]!;
  return { ...middle, peakRss: Math.max(...rounds.map((r) => r.peakRss)) };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function benchEngine(kind: string) {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let loaderFor: () => Promise<Loader>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'synctrail-bench-'));
    env = { SYNCTRAIL_DATA_DIR: dir };
    drop = async () => rmSync(dir, { recursive: true, force: true });
    loaderFor = async () => sqliteLoader(join(dir, 'synctrail.db'));
  } else {
    const database = await createPgDatabase();
    env = { DATABASE_URL: database.url };
    drop = database.drop;
    loaderFor = () => postgresLoader(database.url);
  }
  // BENCH_PROFILE=<dir> writes the server's CPU profile there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const server = await startServerProcess(
    {
      SYNCTRAIL_BACKGROUND_JOBS: 'off',
      SYNCTRAIL_ARTIFACT_MAX_BYTES: String(Math.max(BUNDLE_MB, 100) * 1024 * 1024 + 1),
      ...env,
    },
    { nodeArgs: profile, startTimeoutMs: 60_000, built: true },
  );
  try {
    const org = await must(server, 'POST', '/api/v1/organizations', { name: 'Bench' });
    const integration = await must(server, 'POST', `/api/v1/organizations/${org.id}/integrations`, {
      type: 'servicenow',
      name: 'EA ↔ ServiceNow',
    });
    const newRun = async () =>
      (await must(server, 'POST', '/api/v1/runs', { integrationId: integration.id })).id as string;
    const small = await newRun();
    const big = await newRun();
    const loader = await loaderFor();
    const at = new Date();
    const loading = performance.now();
    await loader.load('actions', ACTION_COLUMNS, SMALL, (n) => actionRow(small, n, at));
    await loader.load('actions', ACTION_COLUMNS, ROWS, (n) => actionRow(big, n, at));
    await loader.load('calls', CALL_COLUMNS, ROWS, (n) => callRow(org.id, n, at.getTime() - ROWS));
    console.log(
      `${kind}: loaded ${fmt(SMALL + 2 * ROWS)} rows in ${((performance.now() - loading) / 1000).toFixed(1)} s`,
    );
    if (kind === 'sqlite')
      execFileSync('sqlite3', [
        join(env.SYNCTRAIL_DATA_DIR!, 'synctrail.db'),
        'pragma wal_checkpoint(truncate);',
      ]);

    const idleRss = rssOf(server.child.pid!);
    const smallExport = await exportOver(server, `/api/v1/runs/${small}/actions?format=csv`);
    // Each export and its baseline one after the other, BENCH_ROUNDS times: the medians are compared,
    // so that a burst of other work on the machine weighs on one round, not on the figure.
    const rounds = {
      actions: [] as ExportFigures[],
      calls: [] as ExportFigures[],
      actionsBase: [] as number[],
      callsBase: [] as number[],
    };
    for (let round = 0; round < ROUNDS; round++) {
      rounds.actions.push(await exportOver(server, `/api/v1/runs/${big}/actions?format=csv`));
      rounds.actionsBase.push(loader.baseline(`select * from actions where run_id = '${big}' order by seq`));
      rounds.calls.push(await exportOver(server, `/api/v1/calls?organizationId=${org.id}&format=csv`));
      rounds.callsBase.push(
        loader.baseline(`select * from calls where organization_id = '${org.id}' order by at desc, id desc`),
      );
    }
    const actions = medianExport(rounds.actions);
    const calls = medianExport(rounds.calls);
    const actionsBaseline = median(rounds.actionsBase);
    const callsBaseline = median(rounds.callsBase);
    await loader.close();
    let bundle: ExportFigures | undefined;
    if (BUNDLE_MB > 0) {
      const run = await newRun();
      await uploadLog(server, run, BUNDLE_MB);
      bundle = await exportOver(server, `/api/v1/runs/${run}/bundle`);
    }
    for (const [name, figures] of [
      ['actions (small)', smallExport],
      ['actions', actions],
      ['calls', calls],
    ] as const) {
      if (figures.rows !== (name === 'actions (small)' ? SMALL : ROWS)) {
        throw new Error(`${name}: ${figures.rows} rows exported`);
      }
    }
    return { idleRss, smallExport, actions, calls, actionsBaseline, callsBaseline, bundle };
  } finally {
    await server.stop();
    await drop();
  }
}

console.log(
  `export benchmark: ${fmt(ROWS)} actions and ${fmt(ROWS)} calls per engine, CSV over HTTP vs the engine's CSV, medians of ${ROUNDS} rounds\n`,
);
let failed = false;
// The server runs from its build, as `npm start` runs it: memory figures of the TypeScript sources
// under tsx would include tsx's own (about 50 MB).
for (const workspace of ['@synctrail/types', '@synctrail/server'])
  execFileSync('npm', ['run', 'build', '-w', workspace], { stdio: 'ignore' });

for (const kind of ENGINES) {
  const r = await benchEngine(kind);
  const tool = kind === 'postgres' ? 'psql \\copy' : 'sqlite3 .mode csv';
  for (const [name, api, baseline] of [
    ['actions', r.actions, r.actionsBaseline],
    ['calls', r.calls, r.callsBaseline],
  ] as const) {
    const apiRate = api.rows / api.seconds;
    const baseRate = api.rows / baseline;
    const ratio = apiRate / baseRate;
    if (ratio < 0.5) failed = true;
    console.log(
      `${kind.padEnd(9)} ${name.padEnd(8)} API ${fmt(apiRate).padStart(9)} rows/s (${api.seconds.toFixed(1)} s, ${mb(api.bytes)}, first byte ${api.firstByteMs.toFixed(0)} ms)` +
        `   ${tool} ${fmt(baseRate).padStart(9)} rows/s   ratio ${ratio.toFixed(2)} (${ratio >= 0.5 ? 'meets' : 'MISSES'} target 0.5)`,
    );
  }
  const limit = 200 * 1024 * 1024;
  const flat =
    r.actions.peakRss <= r.smallExport.peakRss * 1.1 &&
    Math.max(r.smallExport.peakRss, r.actions.peakRss, r.calls.peakRss) <= limit;
  if (!flat) failed = true;
  console.log(
    `${kind.padEnd(9)} server RSS ${mb(r.idleRss)} idle; peak ${mb(r.smallExport.peakRss)} exporting ${fmt(SMALL)} actions, ${mb(r.actions.peakRss)} exporting ${fmt(ROWS)}, ` +
      `${mb(r.calls.peakRss)} exporting ${fmt(ROWS)} calls (${flat ? 'meets' : 'MISSES'} ≤ 200 MB and flat)`,
  );
  if (r.bundle) {
    console.log(
      `${kind.padEnd(9)} bundle with a ${fmt(BUNDLE_MB)} MB log file: ${mb(r.bundle.bytes)} in ${r.bundle.seconds.toFixed(1)} s, ` +
        `first byte ${r.bundle.firstByteMs.toFixed(0)} ms, server peak RSS ${mb(r.bundle.peakRss)}`,
    );
  }
  console.log('');
}
if (failed) process.exitCode = 1;
