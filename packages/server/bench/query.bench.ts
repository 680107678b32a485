/**
 * `npm run bench:query`: every list and search the API offers, with and without an organization,
 * over data sets of each size in BENCH_SIZES (default "1000000,10000000": actions and calls each, a
 * tenth as many runs), on each engine, through the API (the app in process, `inject`).
 *
 * Prints p50/p95 over BENCH_REQUESTS requests (default 60, after 5 warm-ups) per query and size, the
 * ratio of the largest size's p95 to the smallest's, and the EXPLAIN of what the API ran for every
 * query over target (all of them with BENCH_EXPLAIN=all). Targets: a list's p95 ≤ 20 ms at the largest
 * size and ratio ≤ 1.5; a search's p95 ≤ 200 ms at the largest size.
 *
 * Environment: BENCH_SIZES, BENCH_ENGINES (default sqlite,postgres), BENCH_REQUESTS, BENCH_EXPLAIN, BENCH_KEEP,
 * BENCH_PG_URL, BENCH_DB_PREFIX.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, sql, type KyselyPlugin, type Kysely, type RootOperationNode } from 'kysely';
import { ActionTextIndexer, queueAllActionTexts } from '../src/actions/action-text-index.js';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import type { Database } from '../src/storage/database.js';
import type { Engine } from '../src/storage/engine.js';
import { openEngine } from '../src/storage/open-engine.js';
import { migrateToLatest } from '../src/storage/migrator.js';
import { createPgDatabase } from './bench-database.js';
import { BASE_MS, BIG_RUN, generate, SPAN_MS, type Tenancy } from './query-data.js';

/** BENCH_KEEP=1 keeps each data set (its database or directory) for a look at plans afterwards. */
const KEEP = process.env.BENCH_KEEP === '1';
const SIZES = (process.env.BENCH_SIZES ?? '1000000,10000000').split(',').map((s) => Number(s.trim()));
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 60);
const EXPLAIN_ALL = process.env.BENCH_EXPLAIN === 'all';
const TOKEN = 'bench-operator-token-0123456789';
const LIST_P95_MS = 20;
const LIST_RATIO = 1.5;
const SEARCH_P95_MS = 200;

interface Case {
  name: string;
  kind: 'list' | 'search';
  url: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** A day in the middle of the data set's year. */
const DAY_FROM = iso(BASE_MS + SPAN_MS / 2);
const DAY_TO = iso(BASE_MS + SPAN_MS / 2 + 24 * 3600 * 1000);

/** Every list and search, each without and with an organization (the second of five). */
function cases(org: string): Case[] {
  const both = (name: string, kind: Case['kind'], path: string, query: string): Case[] => {
    const sep = query ? '&' : '';
    return [
      { name: `${name} (all)`, kind, url: `${path}?${query}` },
      { name: `${name} (org)`, kind, url: `${path}?${query}${sep}organizationId=${org}` },
    ];
  };
  return [
    ...both('calls', 'list', '/api/v1/calls', ''),
    ...both('calls one day', 'list', '/api/v1/calls', `from=${DAY_FROM}&to=${DAY_TO}`),
    ...both('calls action=SSO_FAILED', 'list', '/api/v1/calls', 'action=SSO_FAILED'),
    ...both('calls requestType=LOGOUT', 'list', '/api/v1/calls', 'requestType=LOGOUT_APPLICATIONS'),
    ...both('calls statusCode=500', 'list', '/api/v1/calls', 'statusCode=500'),
    ...both('calls direction=INCOMING', 'list', '/api/v1/calls', 'direction=INCOMING'),
    ...both('runs', 'list', '/api/v1/runs', ''),
    ...both('runs status=ERROR', 'list', '/api/v1/runs', 'status=ERROR'),
    ...both(
      'runs type=exchange, one day',
      'list',
      '/api/v1/runs',
      `integrationType=exchange&from=${DAY_FROM}&to=${DAY_TO}`,
    ),
    ...both('runs trigger=FULL_SYNC_MANUAL', 'list', '/api/v1/runs', 'trigger=FULL_SYNC_MANUAL'),
    ...both('runs progress=ABORTED', 'list', '/api/v1/runs', 'progress=ABORTED'),
    { name: 'big run actions', kind: 'list', url: `/api/v1/runs/${BIG_RUN}/actions` },
    {
      name: 'big run actions status=ERROR',
      kind: 'list',
      url: `/api/v1/runs/${BIG_RUN}/actions?status=ERROR`,
    },
    ...both('actions across runs', 'list', '/api/v1/actions', ''),
    ...both('actions across runs, one day', 'list', '/api/v1/actions', `from=${DAY_FROM}&to=${DAY_TO}`),
    ...both('calls login=user1234', 'search', '/api/v1/calls', 'login=USER1234'),
    ...both(
      'calls action=SSO_FAILED&login=user12',
      'search',
      '/api/v1/calls',
      'action=SSO_FAILED&login=user12',
    ),
    ...both('calls q=RelayState=12345', 'search', '/api/v1/calls', 'q=relaystate%3D12345'),
    ...both('calls q=nothing', 'search', '/api/v1/calls', 'q=zzqxv'),
    {
      name: 'big run actions q=quarantined',
      kind: 'search',
      url: `/api/v1/runs/${BIG_RUN}/actions?q=QUARANTINED`,
    },
    { name: 'big run actions q=nothing', kind: 'search', url: `/api/v1/runs/${BIG_RUN}/actions?q=zzqxv` },
    ...both('actions q=quarantined ledger', 'search', '/api/v1/actions', 'q=quarantined%20ledger'),
    ...both('actions q=nothing', 'search', '/api/v1/actions', 'q=zzqxv'),
    ...both('actions q=lifecycle (common)', 'search', '/api/v1/actions', 'q=lifecycle'),
  ];
}

/** Collects the queries the engine compiles while `fn` runs (repositories read `engine.db`). */
async function capture(engine: Engine, fn: () => Promise<unknown>): Promise<RootOperationNode[]> {
  const nodes: RootOperationNode[] = [];
  const recorder: KyselyPlugin = {
    transformQuery: (args) => {
      nodes.push(args.node);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const getter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(engine), 'db')!.get!;
  Object.defineProperty(engine, 'db', {
    configurable: true,
    get: () => (getter.call(engine) as Kysely<Database>).withPlugin(recorder),
  });
  try {
    await fn();
  } finally {
    delete (engine as { db?: unknown }).db;
  }
  return nodes;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function openDatabase(kind: string) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'synctrail-bench-query-'));
    return {
      env: { SYNCTRAIL_DATA_DIR: dir },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const database = await createPgDatabase();
  return { env: { DATABASE_URL: database.url }, drop: database.drop };
}

interface Figures {
  p50: number;
  p95: number;
  items: number;
}

async function benchSize(kind: string, size: number) {
  const database = await openDatabase(kind);
  const config = {
    ...loadConfig({ ...database.env, LOG_LEVEL: 'silent', SYNCTRAIL_BOOTSTRAP_TOKEN: TOKEN }),
    consoleDir: join(tmpdir(), 'synctrail-bench-no-console'),
  };
  const engine = openEngine(config);
  try {
    await migrateToLatest(engine);
    const problem = await engine.prepareSearch();
    if (problem) console.log(`${kind}: ${problem}`);
    const app = await buildApp(config, { engine, logger: false, backgroundJobs: false });
    await app.ready();
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res.json<{ items: { id?: string }[] }>();
    };
    const post = async (url: string, body: unknown) => {
      const res = await app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res.json<{ id: string }>();
    };
    const tenancy: Tenancy = { organizations: [], integrations: [] };
    for (let i = 0; i < 5; i++) {
      const org = await post('/api/v1/organizations', { name: `Bench ${i}` });
      const integration = async (type: string) =>
        (await post(`/api/v1/organizations/${org.id}/integrations`, { type, name: `${type} ${i}` })).id;
      tenancy.organizations.push(org.id);
      tenancy.integrations.push([await integration('servicenow'), await integration('exchange')]);
    }
    const seconds = await generate(engine, size, tenancy);
    console.log(`${kind} ${size.toLocaleString('en-US')}: loaded in ${seconds.toFixed(0)} s`);
    // The actions' text index, as the background indexer fills it (two at once on PostgreSQL, which
    // may: one per core), after the generated actions were queued as migration 0016 queues a database.
    await queueAllActionTexts(engine);
    const indexer = new ActionTextIndexer(engine);
    const indexStarted = performance.now();
    const indexed = (
      await Promise.all((kind === 'postgres' ? [1, 2] : [1]).map(() => indexer.drain()))
    ).reduce((a, b) => a + b);
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    if (kind === 'postgres') await sql`analyze action_texts`.execute(engine.db);
    console.log(
      `${kind} ${size.toLocaleString('en-US')}: text of ${indexed.toLocaleString('en-US')} actions indexed in ` +
        `${indexSeconds.toFixed(0)} s (${Math.round(indexed / indexSeconds).toLocaleString('en-US')} actions/s)`,
    );

    // Read back through the API: the newest calls and the big run's first actions are the generated ones.
    const newest = await get('/api/v1/calls?limit=3');
    const expected = [size - 1, size - 2, size - 3].map(
      (n) => `00000000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`,
    );
    if (JSON.stringify(newest.items.map((c) => c.id)) !== JSON.stringify(expected))
      throw new Error(`${kind}: the API's newest calls are not the generated ones`);
    const bigRun = await get(`/api/v1/runs/${BIG_RUN}/actions?limit=1000`);
    if (bigRun.items.length !== Math.min(1000, Math.ceil(size / 10)))
      throw new Error(`${kind}: the big run shows ${bigRun.items.length} actions`);

    const results = new Map<string, Figures>();
    const plans = new Map<string, string[]>();
    for (const c of cases(tenancy.organizations[1]!)) {
      for (let i = 0; i < 5; i++) await get(c.url);
      const times: number[] = [];
      let items = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const started = performance.now();
        items = (await get(c.url)).items.length;
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const figures = { p50: percentile(times, 50), p95: percentile(times, 95), items };
      results.set(c.name, figures);
      const target = c.kind === 'list' ? LIST_P95_MS : SEARCH_P95_MS;
      if (EXPLAIN_ALL || figures.p95 > target) {
        const nodes = await capture(engine, () => get(c.url));
        const lines: string[] = [];
        for (const node of nodes) {
          if (node.kind !== 'SelectQueryNode') continue;
          const compiled = engine.db.getExecutor().compileQuery(node, { queryId: 'bench' } as never);
          const query = { compile: () => CompiledQuery.raw(compiled.sql, [...compiled.parameters]) };
          lines.push(`  ${compiled.sql.slice(0, 300)}`);
          for (const line of await engine.explain(query)) lines.push(`    ${line}`);
        }
        plans.set(c.name, lines);
      }
    }
    await app.close();
    return { results, plans, cases: cases(tenancy.organizations[1]!) };
  } finally {
    await engine.close();
    if (KEEP) console.log(`${kind} ${size.toLocaleString('en-US')}: kept, ${JSON.stringify(database.env)}`);
    else await database.drop();
  }
}

const fmt = (ms: number) => ms.toFixed(1).padStart(7);

console.log(
  `query benchmark: sizes ${SIZES.map((s) => s.toLocaleString('en-US')).join(', ')} (actions and calls; runs a tenth), ` +
    `${REQUESTS} requests per query, engines ${ENGINES.join(', ')}\n`,
);
let failed = false;
for (const kind of ENGINES) {
  const bySize = new Map<number, Awaited<ReturnType<typeof benchSize>>>();
  for (const size of SIZES) bySize.set(size, await benchSize(kind, size));
  const smallest = Math.min(...SIZES);
  const largest = Math.max(...SIZES);
  const first = bySize.get(largest)!;
  const header = SIZES.map((s) => `${(s / 1e6).toString()}M p50 / p95`.padStart(18)).join(' ');
  console.log(`\n${kind}: ms per request${' '.repeat(28)}${header}   ratio  items  verdict`);
  for (const c of first.cases) {
    const row = SIZES.map((s) => {
      const f = bySize.get(s)!.results.get(c.name)!;
      return `${fmt(f.p50)} / ${fmt(f.p95)}`;
    }).join(' ');
    const big = bySize.get(largest)!.results.get(c.name)!;
    const ratio = big.p95 / bySize.get(smallest)!.results.get(c.name)!.p95;
    const ok =
      c.kind === 'list'
        ? big.p95 <= LIST_P95_MS && (SIZES.length < 2 || ratio <= LIST_RATIO)
        : big.p95 <= SEARCH_P95_MS;
    if (!ok) failed = true;
    const target = c.kind === 'list' ? `≤ ${LIST_P95_MS} ms, ratio ≤ ${LIST_RATIO}` : `≤ ${SEARCH_P95_MS} ms`;
    console.log(
      `  ${c.name.padEnd(50)} ${row}   ${SIZES.length > 1 ? ratio.toFixed(2).padStart(5) : '    -'}  ${String(big.items).padStart(5)}  ${ok ? 'meets' : 'MISSES'} ${target}`,
    );
  }
  for (const size of SIZES) {
    const { plans } = bySize.get(size)!;
    if (plans.size === 0) continue;
    console.log(
      `\n${kind} ${size.toLocaleString('en-US')}: plans${EXPLAIN_ALL ? '' : ' of the queries over target'}`,
    );
    for (const [name, lines] of plans) console.log(`- ${name}\n${lines.join('\n')}`);
  }
}
if (failed) process.exitCode = 1;
