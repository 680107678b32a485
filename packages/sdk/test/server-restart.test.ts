import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Action, Run } from '@synctrail/types';
import { OPERATOR_TOKEN } from '../../server/test/harness.js';
import { startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { Synctrail } from '../src/index.js';
import { freePort, testAction, waitFor } from './helpers.js';

describe('delivery across a server crash (real server process, SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'synctrail-sdk-restart-'));
  let server: ServerProcess | undefined;

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (port: number) => {
    const started = await startServerProcess({
      PORT: String(port),
      SYNCTRAIL_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    await waitFor('/readyz 200', async () => (await fetch(`${started.url}/readyz`)).status === 200);
    return started;
  };

  it('stores every action once, in order, when the server is killed mid-stream and restarted', async () => {
    const port = await freePort();
    server = await start(port);
    const org = (await server.call('POST', '/api/v1/organizations', { name: 'Crash test' })).json;
    const integration = (
      await server.call('POST', `/api/v1/organizations/${org.id}/integrations`, {
        type: 'exchange',
        name: 'Exchange',
      })
    ).json;

    let failedAttempts = 0;
    const countingFetch: typeof fetch = async (input, init) => {
      try {
        return await fetch(input, init);
      } catch (error) {
        failedAttempts++;
        throw error;
      }
    };
    const client = new Synctrail({
      url: `http://127.0.0.1:${port}`,
      token: OPERATOR_TOKEN,
      fetch: countingFetch,
      requestTimeoutMs: 10_000,
      retry: { maxAttempts: 200, baseDelayMs: 20, maxDelayMs: 250 },
    });
    const run = await client.startRun({
      integrationId: integration.id,
      heartbeatIntervalMs: 0,
      batching: { maxBatchSize: 200, flushIntervalMs: 10, maxBuffered: 2_000 },
    });
    const total = 20_000;
    const producer = (async () => {
      for (let i = 1; i <= total; i++) await run.action(testAction(i));
    })();

    await waitFor('some batches delivered', () => run.stats.delivered >= 2_000);
    await server.stop('SIGKILL');
    expect(run.stats.delivered).toBeLessThan(total); // killed while actions were still streaming
    server = await start(port);

    await producer;
    const finished = await run.finish();
    expect(finished.progress).toBe('FINISHED');
    expect(failedAttempts).toBeGreaterThan(0);

    const stored = (await server.call('GET', `/api/v1/runs/${run.id}`)).json as Run;
    expect(stored.counters.processed).toBe(total);
    const seqs: number[] = [];
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (
        await server.call(
          'GET',
          `/api/v1/runs/${run.id}/actions?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        )
      ).json as { items: Action[]; nextCursor: string | null };
      for (const action of page.items) {
        seqs.push(action.seq);
        ids.push(action.source.id ?? '');
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(ids).toEqual(Array.from({ length: total }, (_, i) => `src-${i + 1}`));
  }, 120_000);
});
