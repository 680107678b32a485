import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from './harness.js';
import {
  actionBatch,
  createRuns,
  freePort,
  must,
  postJson,
  startServerProcess,
  storageEnv,
  storedSourceIds,
  waitFor,
  type ServerProcess,
} from './server-process.js';

const STREAMS = 4;
const BATCHES_PER_STREAM = 30;
const BATCH = 250;
const KILLS = 3;

describe.each(ENGINES)('kill -9 during multi-stream ingest (%s)', (kind) => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;

  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    await database?.drop();
    database = undefined;
  });

  it(`stores every acknowledged action exactly once after ${KILLS} crashes and re-sends under the same keys`, async () => {
    database = await createTestDatabase(kind);
    const port = await freePort();
    const env = { ...storageEnv(database), PORT: String(port), SYNCTRAIL_BACKGROUND_JOBS: 'off' };
    server = await startServerProcess(env);
    const runs = await createRuns(server, STREAMS);

    let acknowledged = 0;
    let replayed = 0;
    let resent = 0;
    let done = false;
    const agent = new Agent({ keepAlive: true, maxSockets: STREAMS });
    // Each stream is a connector: one batch at a time, each under its own key, re-sent with the same
    // key until it is acknowledged, whatever happened to the server meanwhile.
    const stream = async (runId: string) => {
      const url = new URL(`/api/v1/runs/${runId}/actions`, `http://127.0.0.1:${port}`);
      for (let b = 0; b < BATCHES_PER_STREAM; b++) {
        const { body } = actionBatch(`b${b}`, BATCH);
        for (let attempt = 0; ; attempt++) {
          if (attempt > 0) resent++;
          try {
            const res = await postJson(url, body, { agent, headers: { 'idempotency-key': `${runId}:${b}` } });
            if (res.status === 201) {
              acknowledged++;
              if (res.headers['idempotent-replayed'] === 'true') replayed++;
              break;
            }
            // A crash may leave nothing but retryable answers (5xx); anything else is a bug.
            if (res.status < 500) throw new Error(`batch ${b} of ${runId}: ${res.status} ${res.text}`);
          } catch (error) {
            if (error instanceof Error && /^batch /.test(error.message)) throw error;
          }
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
    };
    const streams = Promise.all(runs.map(stream)).finally(() => (done = true));

    const total = STREAMS * BATCHES_PER_STREAM;
    for (let kill = 0; kill < KILLS; kill++) {
      // Kill a few batches after each start, while every stream still has batches to send.
      const before = acknowledged;
      await waitFor('batches acknowledged since the last start', () => acknowledged >= before + 8, 20_000);
      expect(acknowledged).toBeLessThan(total);
      await server.stop('SIGKILL');
      server = await startServerProcess(env);
    }
    await streams;
    agent.destroy();
    expect(done).toBe(true);
    expect(resent).toBeGreaterThan(0); // batches were in flight or refused when the process died

    for (const runId of runs) {
      const stored = await storedSourceIds(server, runId);
      const expected = Array.from(
        { length: BATCHES_PER_STREAM },
        (_, b) => actionBatch(`b${b}`, BATCH).ids,
      ).flat();
      expect(stored.length).toBe(expected.length); // nothing lost, nothing twice
      expect(new Set(stored)).toEqual(new Set(expected));
      const run = await must(server, 'GET', `/api/v1/runs/${runId}`);
      expect(run.counters.processed).toBe(expected.length);
    }
    console.log(
      `${kind}: ${KILLS} kills, ${acknowledged} batches acknowledged (${replayed} replayed after a lost answer), ${resent} re-sends`,
    );
  }, 60_000);
});
