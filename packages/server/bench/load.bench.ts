/**
 * `npm run bench:load`: BENCH_CONNECTORS (default 200) connectors at once against a real
 * `synctrail serve` process, for BENCH_SECONDS (default 60) on each engine of BENCH_ENGINES.
 *
 * Each connector, over and over: starts a run, posts BENCH_BATCHES_PER_RUN (10) batches of
 * BENCH_BATCH (200) actions one after the other, each under an Idempotency-Key as the SDK sends
 * them, and finishes the run. Reported: batches acknowledged per second, actions per second,
 * p50/p99/max latency of a batch's acknowledgement (the answer means it is committed), errors, and
 * the server's peak RSS. Target: p99 <= 250 ms. BENCH_PROFILE=<dir>: the server's CPU profile.
 */
import { Agent } from 'node:http';
import { readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../test/harness.js';
import {
  actionBatch,
  createRuns,
  must,
  postJson,
  startServerProcess,
  storageEnv,
  type ServerProcess,
} from '../test/server-process.js';
import type { EngineKind } from '../src/storage/engine.js';

const CONNECTORS = Number(process.env.BENCH_CONNECTORS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const BATCH = Number(process.env.BENCH_BATCH ?? 200);
const BATCHES_PER_RUN = Number(process.env.BENCH_BATCHES_PER_RUN ?? 10);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres')
  .split(',')
  .map((e) => e.trim() as EngineKind);
const TARGET_P99_MS = 250;

/** Peak resident memory of a Linux process, in MiB (VmHWM); undefined elsewhere. */
function peakRssMiB(pid: number | undefined): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function benchEngine(kind: EngineKind) {
  const database: TestDatabase = await createTestDatabase(kind);
  const server: ServerProcess = await startServerProcess(
    {
      ...storageEnv(database),
      SYNCTRAIL_BACKGROUND_JOBS: 'off',
      // Many connectors behind one operator token: the per-credential limit is not what is measured.
      SYNCTRAIL_RATE_LIMIT_PER_MINUTE: '100000000',
      SYNCTRAIL_ADDRESS_RATE_LIMIT_PER_MINUTE: '100000000',
      ...(database.config.databaseUrl ? { SYNCTRAIL_PG_POOL_SIZE: '10' } : {}),
    },
    {
      startTimeoutMs: 60_000,
      // BENCH_PROFILE=<dir> writes the server's CPU profile there (open it in Chrome's DevTools).
      nodeArgs: process.env.BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
        : [],
    },
  );
  try {
    const [firstRun] = await createRuns(server, 1);
    const { integrationId } = await must(server, 'GET', `/api/v1/runs/${firstRun}`);
    // Bodies are encoded ahead, so the figures are the server's, not the bench's JSON.stringify.
    const bodies = Array.from({ length: BATCHES_PER_RUN }, (_, b) => actionBatch(`b${b}`, BATCH).body);
    const runBody = Buffer.from(JSON.stringify({ integrationId, trigger: 'FULL_SYNC_JOB' }));
    const finishBody = Buffer.from(JSON.stringify({ progress: 'FINISHED' }));
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTORS });
    const base = new URL(server.url);
    const latencies: number[] = [];
    const errors = new Map<string, number>();
    const fail = (what: string) => errors.set(what, (errors.get(what) ?? 0) + 1);
    let runsFinished = 0;
    const deadline = performance.now() + SECONDS * 1000;

    const connector = async (c: number) => {
      for (let r = 0; performance.now() < deadline; r++) {
        try {
          const started = await postJson(new URL('/api/v1/runs', base), runBody, { agent });
          if (started.status !== 201) {
            fail(`start run: ${started.status}`);
            continue;
          }
          const runId = (JSON.parse(started.text) as { id: string }).id;
          const url = new URL(`/api/v1/runs/${runId}/actions`, base);
          for (let b = 0; b < BATCHES_PER_RUN && performance.now() < deadline; b++) {
            const sent = performance.now();
            const res = await postJson(url, bodies[b]!, {
              agent,
              headers: { 'idempotency-key': `${c}:${r}:${b}` },
            });
            if (res.status === 201) latencies.push(performance.now() - sent);
            else fail(`batch: ${res.status} ${res.text.slice(0, 120)}`);
          }
          const finished = await postJson(new URL(`/api/v1/runs/${runId}`, base), finishBody, {
            agent,
            method: 'PATCH',
          });
          if (finished.status === 200) runsFinished++;
          else fail(`finish run: ${finished.status}`);
        } catch (error) {
          fail(`network: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: CONNECTORS }, (_, c) => connector(c)));
    const elapsed = (performance.now() - started) / 1000;
    agent.destroy();
    const rss = peakRssMiB(server.child.pid);
    latencies.sort((a, b) => a - b);
    return {
      acksPerSecond: latencies.length / elapsed,
      actionsPerSecond: (latencies.length * BATCH) / elapsed,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
      runsFinished,
      errors,
      rss,
    };
  } finally {
    await server.stop();
    await database.drop();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `load benchmark: ${CONNECTORS} connectors for ${SECONDS} s per engine; each run ${BATCHES_PER_RUN} batches of ${BATCH} actions, keyed\n`,
);
let missed = false;
for (const kind of ENGINES) {
  const r = await benchEngine(kind);
  const errorCount = [...r.errors.values()].reduce((a, b) => a + b, 0);
  if (r.p99 > TARGET_P99_MS || errorCount > 0) missed = true;
  console.log(
    `${kind.padEnd(9)} ${fmt(r.acksPerSecond)} acks/s  ${fmt(r.actionsPerSecond)} actions/s  ` +
      `latency p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms (${r.p99 <= TARGET_P99_MS ? 'meets' : 'MISSES'} target ${TARGET_P99_MS})  max ${fmt(r.max)} ms  ` +
      `${errorCount} errors  ${fmt(r.runsFinished)} runs finished  peak RSS ${r.rss === undefined ? 'n/a' : `${fmt(r.rss)} MiB`}`,
  );
  for (const [what, count] of r.errors) console.log(`          ${count} × ${what}`);
}
if (missed) process.exitCode = 1;
