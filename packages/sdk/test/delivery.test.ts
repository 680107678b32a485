import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action, Run } from '@synctrail/types';
import {
  ENGINES,
  OPERATOR_TOKEN,
  readAllPages,
  seedBasics,
  startTestApp,
  type TestContext,
} from '../../server/test/harness.js';
import { Synctrail } from '../src/index.js';
import { startProxy, testAction, waitFor, type TestProxy } from './helpers.js';

const FAST_RETRY = { maxAttempts: 20, baseDelayMs: 5, maxDelayMs: 50 };

for (const kind of ENGINES) {
  describe(`delivery of actions [${kind}]`, () => {
    let t: TestContext;
    let url: string;
    let basics: Awaited<ReturnType<typeof seedBasics>>;
    const proxies: TestProxy[] = [];

    beforeAll(async () => {
      t = await startTestApp(kind);
      url = await t.app.listen({ port: 0, host: '127.0.0.1' });
      basics = await seedBasics(t.api);
    });
    afterAll(async () => {
      for (const proxy of proxies) await proxy.close();
      await t?.close();
    });

    const serverRun = async (id: string) => (await t.api('GET', `/api/v1/runs/${id}`)).json<Run>();

    it('stores every action exactly once when answers are lost after the server committed', async () => {
      const firstAttempts = new Set<string>();
      let batches = 0;
      const proxy = await startProxy(url, {
        // Loses the answer of the first attempt of: the run's creation, every other batch, the finish.
        dropAfterForward: ({ method, path, key }) => {
          if (!key || firstAttempts.has(key)) return false;
          firstAttempts.add(key);
          if (method === 'POST' && path.endsWith('/actions')) return batches++ % 2 === 0;
          return (method === 'POST' && path === '/api/v1/runs') || method === 'PATCH';
        },
      });
      proxies.push(proxy);
      const client = new Synctrail({ url: proxy.url, token: OPERATOR_TOKEN, retry: FAST_RETRY });
      const name = `flaky ${kind}`;
      const run = await client.startRun({
        integrationId: basics.integration.id,
        name,
        heartbeatIntervalMs: 0,
        batching: { maxBatchSize: 50, flushIntervalMs: 5 },
      });
      const total = 1_000;
      for (let i = 1; i <= total; i++) await run.action(testAction(i));
      const finished = await run.finish();

      expect(finished.progress).toBe('FINISHED');
      expect(batches).toBe(total / 50);
      expect(proxy.dropped).toBe(total / 50 / 2 + 2);
      expect(proxy.replayed).toBe(proxy.dropped); // every retry of a lost answer got the stored answer back
      const runs = (await t.api('GET', `/api/v1/runs?name=${encodeURIComponent(name)}`)).json<{
        items: Run[];
      }>();
      expect(runs.items.map((r) => r.id)).toEqual([run.id]); // the retried creation made one run
      const stored = await serverRun(run.id);
      expect(stored.counters.processed).toBe(total);
      const { items } = await readAllPages<Action>(t.api, `/api/v1/runs/${run.id}/actions?limit=1000`);
      expect(items.map((a) => a.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(items.map((a) => a.source.id)).toEqual(Array.from({ length: total }, (_, i) => `src-${i + 1}`));
    });

    it('keeps memory bounded while the server does not answer: action() waits once maxBuffered is reached', async () => {
      const proxy = await startProxy(url);
      proxies.push(proxy);
      const client = new Synctrail({ url: proxy.url, token: OPERATOR_TOKEN, retry: FAST_RETRY });
      const run = await client.startRun({
        integrationId: basics.integration.id,
        heartbeatIntervalMs: 0,
        batching: { maxBatchSize: 10, flushIntervalMs: 5, maxBuffered: 50 },
      });
      proxy.hold(); // the server gets nothing more until release()

      for (let i = 1; i <= 50; i++) await run.action(testAction(i)); // room for 50: each resolves at once
      const settled: number[] = [];
      const waiting = Array.from({ length: 20 }, (_, k) =>
        run.action(testAction(51 + k)).then(() => settled.push(51 + k)),
      );

      // Exactly one batch is on its way (batches of a run go one at a time), the others wait in memory.
      await waitFor('the first batch at the gate', () => proxy.held === 1);
      for (let tick = 0; tick < 20; tick++) await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toEqual([]);
      expect(proxy.held).toBe(1);
      expect(run.stats).toMatchObject({ buffered: 70, delivered: 0 });

      proxy.release();
      await Promise.all(waiting);
      expect(settled).toHaveLength(20);
      await run.finish();
      const stored = await serverRun(run.id);
      expect(stored.counters.processed).toBe(70);
      const { items } = await readAllPages<Action>(t.api, `/api/v1/runs/${run.id}/actions?limit=1000`);
      expect(items.map((a) => a.source.id)).toEqual(Array.from({ length: 70 }, (_, i) => `src-${i + 1}`));
      const batchRequests = proxy.requests.filter((r) => r.path.endsWith('/actions'));
      expect(new Set(batchRequests.map((r) => r.key)).size).toBe(7);
    });
  });
}
