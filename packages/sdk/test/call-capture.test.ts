import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call, CallSummary } from '@synctrail/types';
import {
  ENGINES,
  OPERATOR_TOKEN,
  seedBasics,
  startTestApp,
  type TestContext,
} from '../../server/test/harness.js';
import { Synctrail } from '../src/index.js';
import { freePort, testAction } from './helpers.js';

const SECRETS = [
  'hunter2',
  'sk-live-abcdef123456',
  'k-123',
  'server-issued-secret-token',
  'dXNlcjpodW50ZXIy',
  'session=abc',
];

/** The connector's partner system: answers with what it received, plus secrets of its own. */
async function startPartner() {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const answer = JSON.stringify({
        received: body ? JSON.parse(body) : null,
        token: 'server-issued-secret-token',
        ok: 'data',
      });
      if (req.url === '/gzip') {
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
          .end(gzipSync(answer));
        return;
      }
      res
        .writeHead(201, { 'content-type': 'application/json', 'set-cookie': 'session=abc; HttpOnly' })
        .end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function httpRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  parts: string[],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    for (const part of parts.slice(0, -1)) req.write(part);
    req.end(parts.at(-1));
  });
}

for (const kind of ENGINES) {
  describe(`client.captureCalls() [${kind}]`, () => {
    let t: TestContext;
    let synctrailUrl: string;
    let partner: Awaited<ReturnType<typeof startPartner>>;
    let basics: Awaited<ReturnType<typeof seedBasics>>;

    beforeAll(async () => {
      t = await startTestApp(kind);
      synctrailUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
      partner = await startPartner();
      basics = await seedBasics(t.api);
    });
    afterAll(async () => {
      partner?.server.close();
      await t?.close();
    });

    it('records outgoing fetch and http.request calls, masked before they leave the process', async () => {
      const sentToSynctrail: string[] = [];
      const recordingFetch: typeof fetch = (input, init) => {
        if (typeof init?.body === 'string') sentToSynctrail.push(init.body);
        return fetch(input, init);
      };
      const client = new Synctrail({ url: synctrailUrl, token: OPERATOR_TOKEN, fetch: recordingFetch });
      const app = `crm-connector-${kind}`;
      const capture = client.captureCalls({
        app,
        organizationId: basics.org.id,
        batching: { flushIntervalMs: 10 },
        redact: (call) => (call.url.endsWith('/health') ? null : { ...call, login: 'ada@example.com' }),
      });

      // The SDK's own traffic while capturing: never recorded.
      const run = await client.startRun({ integrationId: basics.integration.id, heartbeatIntervalMs: 0 });
      await run.action(testAction(1));

      const viaFetch = await fetch(`${partner.url}/api/contacts?api_key=k-123&page=2`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer sk-live-abcdef123456',
          'content-type': 'application/json',
          'x-request-id': 'r-1',
        },
        body: JSON.stringify({ name: 'Ada Lovelace', password: 'hunter2' }),
      });
      expect(((await viaFetch.json()) as { ok: string }).ok).toBe('data');
      const viaHttp = await httpRequest(
        `${partner.url}/legacy/login`,
        'PUT',
        { authorization: 'Basic dXNlcjpodW50ZXIy', 'content-type': 'application/json' },
        ['{"login":"ada",', '"password":"hunter2","city":"London"}'],
      );
      expect(JSON.parse(viaHttp).received.city).toBe('London');
      await (await fetch(`${partner.url}/gzip`)).text();
      await (await fetch(`${partner.url}/health`)).text(); // left out by the redact hook
      const closedPort = await freePort();
      await expect(fetch(`http://127.0.0.1:${closedPort}/down`)).rejects.toThrow();

      await run.finish();
      await capture.stop();
      expect(Object.hasOwn(http.ClientRequest.prototype, 'write')).toBe(false); // the body wrapper is gone
      await (await fetch(`${partner.url}/after-stop`)).text(); // not recorded

      const list = (await t.api('GET', `/api/v1/calls?app=${app}&sort=asc`)).json<{ items: CallSummary[] }>();
      expect(list.items.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
        'POST /api/contacts',
        'PUT /legacy/login',
        'GET /gzip',
        'GET /down',
      ]);
      for (const call of list.items) {
        expect(call).toMatchObject({
          direction: 'OUTGOING',
          appFrom: app,
          appTo: '127.0.0.1',
          login: 'ada@example.com',
        });
        expect(new URL(call.url).origin).not.toBe(new URL(synctrailUrl).origin);
      }
      const [fetched, viaNodeHttp, gzipped, failed] = await Promise.all(
        list.items.map(async (c) => (await t.api('GET', `/api/v1/calls/${c.id}`)).json<Call>()),
      );

      expect(fetched).toMatchObject({
        statusCode: 201,
        url: `${partner.url}/api/contacts?api_key=***&page=2`,
      });
      expect(fetched!.durationMs).toBeGreaterThanOrEqual(0);
      expect(fetched!.request.headers).toMatchObject({
        authorization: '***',
        'x-request-id': 'r-1',
        'content-type': 'application/json',
      });
      expect(JSON.parse(fetched!.request.body!)).toEqual({ name: 'Ada Lovelace', password: '***' });
      expect(fetched!.response.headers['set-cookie']).toBe('***');
      expect(JSON.parse(fetched!.response.body!)).toEqual({
        received: { name: 'Ada Lovelace', password: '***' },
        token: '***',
        ok: 'data',
      });

      expect(viaNodeHttp).toMatchObject({ statusCode: 201, method: 'PUT' });
      expect(viaNodeHttp!.request.headers).toMatchObject({ authorization: '***' });
      expect(JSON.parse(viaNodeHttp!.request.body!)).toEqual({
        login: 'ada',
        password: '***',
        city: 'London',
      });
      expect(JSON.parse(viaNodeHttp!.response.body!).received).toEqual({
        login: 'ada',
        password: '***',
        city: 'London',
      });

      expect(gzipped!.statusCode).toBe(200);
      expect(JSON.parse(gzipped!.response.body!)).toMatchObject({ token: '***', ok: 'data' });

      expect(failed!.statusCode).toBeNull();
      expect(failed!.response.body).toMatch(/^\[no complete response: /);

      // What the SDK sent to Synctrail never held the secrets: masking happened in the process.
      const sent = sentToSynctrail.join('\n');
      expect(sent).toContain('Ada Lovelace');
      for (const secret of SECRETS) expect(sent).not.toContain(secret);
    });
  });
}
