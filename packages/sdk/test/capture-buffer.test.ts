import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary } from '@synctrail/types';
import {
  ENGINES,
  OPERATOR_TOKEN,
  seedBasics,
  startTestApp,
  type TestContext,
} from '../../server/test/harness.js';
import { Synctrail } from '../src/index.js';
import { startProxy, waitFor, type TestProxy } from './helpers.js';

for (const kind of ENGINES) {
  describe(`call capture with a full buffer [${kind}]`, () => {
    let t: TestContext;
    let proxy: TestProxy;
    let partner: http.Server;
    let partnerUrl: string;
    let basics: Awaited<ReturnType<typeof seedBasics>>;

    beforeAll(async () => {
      t = await startTestApp(kind);
      proxy = await startProxy(await t.app.listen({ port: 0, host: '127.0.0.1' }));
      partner = http.createServer((_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
      partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;
      basics = await seedBasics(t.api);
    });
    afterAll(async () => {
      partner?.close();
      await proxy?.close();
      await t?.close();
    });

    it('keeps the newest calls: the oldest waiting one is dropped for each new one, and counted', async () => {
      const app = `buffered-${kind}`;
      const client = new Synctrail({ url: proxy.url, token: OPERATOR_TOKEN });
      const capture = client.captureCalls({
        app,
        organizationId: basics.org.id,
        batching: { maxBatchSize: 1, maxBuffered: 2, flushIntervalMs: 0 },
      });
      proxy.hold(); // Synctrail stops answering: the first batch stays in flight
      await (await fetch(`${partnerUrl}/c1`)).text();
      await waitFor('the first batch to be in flight', () => proxy.held === 1);
      for (const path of ['/c2', '/c3', '/c4']) await (await fetch(`${partnerUrl}${path}`)).text();
      expect(capture.stats.buffered).toBe(2);

      proxy.release();
      await capture.stop();
      expect(capture.dropped).toBe(2);
      expect(capture.stats).toMatchObject({ delivered: 2, buffered: 0, dropped: 0 });
      const list = (await t.api('GET', `/api/v1/calls?app=${app}&sort=asc`)).json<{ items: CallSummary[] }>();
      // /c1 was already being sent; of /c2…/c4 only the newest had room.
      expect(list.items.map((c) => new URL(c.url).pathname)).toEqual(['/c1', '/c4']);
    });
  });
}
