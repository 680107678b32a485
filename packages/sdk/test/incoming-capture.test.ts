import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
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
import { waitFor } from './helpers.js';

/** The connector's own web app: an SSO callback, a body it never reads, a request it never answers. */
async function startPlainApp() {
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/callback')) {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const relay = new URLSearchParams(body).get('RelayState');
        res
          .writeHead(302, {
            location: `/home?relay=${relay}`,
            'set-cookie': 'portal_session=s3cr3t-cookie; HttpOnly',
            'content-type': 'text/plain',
          })
          .end(`signed in, relay ${relay}`);
      });
      return;
    }
    if (req.url === '/ignored-body') {
      res.statusCode = 204;
      res.end();
      return;
    }
    if (req.url === '/hang') return; // never answered; the client gives up
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The same app's logout, served by Fastify: frameworks on node:http are seen alike. */
async function startFastifyApp(): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  app.get('/logout', async (_request, reply) => {
    await reply.header('x-trace', 'logout-1').send({ loggedOut: true, token: 'fastify-secret-token' });
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

for (const kind of ENGINES) {
  describe(`client.captureCalls({ incoming: true }) [${kind}]`, () => {
    let t: TestContext;
    let synctrailUrl: string;
    let plain: Awaited<ReturnType<typeof startPlainApp>>;
    let framework: Awaited<ReturnType<typeof startFastifyApp>>;
    let basics: Awaited<ReturnType<typeof seedBasics>>;

    beforeAll(async () => {
      t = await startTestApp(kind);
      synctrailUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
      plain = await startPlainApp();
      framework = await startFastifyApp();
      basics = await seedBasics(t.api);
    });
    afterAll(async () => {
      plain?.server.closeAllConnections();
      plain?.server.close();
      await framework?.app.close();
      await t?.close();
    });

    it('records the requests the app receives, with status, headers and bodies, masked', async () => {
      const app = `portal-${kind}`;
      const client = new Synctrail({ url: synctrailUrl, token: OPERATOR_TOKEN });
      const capture = client.captureCalls({
        app,
        organizationId: basics.org.id,
        incoming: true,
        batching: { flushIntervalMs: 10 },
      });

      const signedIn = await fetch(`${plain.url}/callback?state=xyz&code=oauth-code-123`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          origin: 'https://idp.example.com',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'SAMLResponse=PHNhbWw%2BYXNzZXJ0aW9uPC9zYW1sPg&RelayState=r-42',
      });
      // The app read its body as usual: capture took nothing away from it.
      expect(signedIn.status).toBe(302);
      expect(await signedIn.text()).toBe('signed in, relay r-42');

      const ignored = await fetch(`${plain.url}/ignored-body`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ never: 'read', password: 'hunter2' }),
      });
      expect(ignored.status).toBe(204);

      const loggedOut = await fetch(`${framework.url}/logout`, { headers: { cookie: 'portal_session=abc' } });
      expect(await loggedOut.json()).toEqual({ loggedOut: true, token: 'fastify-secret-token' });

      await expect(fetch(`${plain.url}/hang`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();

      const incoming = await waitFor('the four incoming calls', async () => {
        await capture.flush();
        const list = (await t.api('GET', `/api/v1/calls?app=${app}&direction=INCOMING&sort=asc`)).json<{
          items: CallSummary[];
        }>();
        return list.items.length === 4 && list.items;
      });
      await capture.stop();

      expect(incoming.map((c) => `${c.method} ${new URL(c.url).pathname} ${c.statusCode}`)).toEqual([
        'POST /callback 302',
        'PUT /ignored-body 204',
        'GET /logout 200',
        'GET /hang null',
      ]);
      const [callback, ignoredCall, logout, hang] = await Promise.all(
        incoming.map(async (c) => (await t.api('GET', `/api/v1/calls/${c.id}`)).json<Call>()),
      );

      expect(callback).toMatchObject({
        direction: 'INCOMING',
        appFrom: 'idp.example.com',
        appTo: app,
        url: `${plain.url}/callback?state=xyz&code=***`,
      });
      expect(callback!.durationMs).toBeGreaterThanOrEqual(0);
      expect(callback!.request.body).toBe('SAMLResponse=***&RelayState=r-42');
      expect(callback!.response.headers).toMatchObject({
        location: '/home?relay=r-42',
        'set-cookie': '***',
      });
      expect(callback!.response.body).toBe('signed in, relay r-42');

      // A body the app never read is recorded all the same; without Origin/Referer the sender is the client address.
      expect(ignoredCall).toMatchObject({ appFrom: '127.0.0.1', appTo: app });
      expect(JSON.parse(ignoredCall!.request.body!)).toEqual({ never: 'read', password: '***' });

      expect(logout!.request.headers).toMatchObject({ cookie: '***' });
      expect(logout!.response.headers).toMatchObject({ 'x-trace': 'logout-1' });
      expect(JSON.parse(logout!.response.body!)).toEqual({ loggedOut: true, token: '***' });

      expect(hang!.response.body).toMatch(/^\[no complete response: the connection closed/);

      // The client side of the same exchanges is recorded as OUTGOING; Synctrail's own traffic in neither.
      const all = (await t.api('GET', `/api/v1/calls?app=${app}&limit=100`)).json<{ items: CallSummary[] }>();
      expect(all.items.filter((c) => c.direction === 'OUTGOING')).toHaveLength(4);
      for (const call of all.items) expect(new URL(call.url).origin).not.toBe(new URL(synctrailUrl).origin);
    });

    it('records no incoming request unless asked, nor after stop()', async () => {
      const app = `connector-${kind}`;
      const client = new Synctrail({ url: synctrailUrl, token: OPERATOR_TOKEN });
      const outgoingOnly = client.captureCalls({ app, organizationId: basics.org.id });
      await (await fetch(`${framework.url}/logout`)).text();
      await outgoingOnly.stop();

      const later = client.captureCalls({ app: `${app}-2`, organizationId: basics.org.id, incoming: true });
      await later.stop();
      await (await fetch(`${framework.url}/logout`)).text();

      const list = (await t.api('GET', `/api/v1/calls?app=${app}`)).json<{ items: CallSummary[] }>();
      expect(list.items.map((c) => c.direction)).toEqual(['OUTGOING']);
      const after = (await t.api('GET', `/api/v1/calls?app=${app}-2`)).json<{ items: CallSummary[] }>();
      expect(after.items).toEqual([]);
    });
  });
}
