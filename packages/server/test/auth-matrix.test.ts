import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, seedBasics, startTestApp, type TestContext } from './harness.js';

/**
 * The routes anyone may call: health, the API description, the docs, signing in, and the web console's
 * files (`/`, `/assets/*`, and `/*` for its pages, which answers the API's paths with the JSON 404).
 */
const PUBLIC = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /api/v1/openapi.json',
  'POST /api/v1/session',
  'HEAD /healthz',
  'HEAD /readyz',
  'HEAD /api/v1/openapi.json',
  'GET /',
  'HEAD /',
  'GET /assets/*',
  'HEAD /assets/*',
  'GET /*',
  'HEAD /*',
]);

/** Opens `GET /metrics` (and nothing else: checked below). */
const METRICS_TOKEN = 'auth-matrix-metrics-token-0123';

interface RawAnswer {
  status: number;
  body: string;
}

/** Sends one request exactly as written (request line included) and reads the answer. */
function rawRequest(port: number, head: string, body = ''): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${head.split('\r\n')[0]}`)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [headers = '', ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(headers.split(' ')[1]), body: rest.join('\r\n\r\n') });
    });
    // write, not end: a half-closed socket may be dropped before an answer that waits on the database.
    socket.write(
      `${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}

/** `/api/v1/runs` → `/%61pi/%761/%72uns`: every segment's first letter percent-encoded. */
const encodeFirstLetters = (path: string) =>
  path.replace(/\/([a-z])/g, (_m, c: string) => `/%${c.charCodeAt(0).toString(16)}`);

for (const kind of ENGINES) {
  describe(`authentication matrix over every route [${kind}]`, () => {
    let t: TestContext;
    let port: number;
    let ids: Record<string, string>;

    beforeAll(async () => {
      t = await startTestApp(kind, {
        metricsToken: METRICS_TOKEN,
        refusedCredentialsPerMinute: 1_000_000,
        addressRateLimitPerMinute: 1_000_000,
        rateLimitPerMinute: 1_000_000,
      });
      const basics = await seedBasics(t.api);
      const run = (await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id })).json();
      // Real ids, so that a handler reached without credentials would find something to leak.
      ids = {
        organization: basics.org.id,
        integration: basics.integration.id,
        user: basics.user.id,
        run: run.id,
      };
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as AddressInfo).port;
    });
    afterAll(() => t?.close());

    const concrete = (url: string) =>
      url
        .replace(/\/organizations\/:id/, `/organizations/${ids.organization}`)
        .replace(/\/integrations\/:id/, `/integrations/${ids.integration}`)
        .replace(/\/users\/:id/, `/users/${ids.user}`)
        .replace(/\/runs\/:id/, `/runs/${ids.run}`)
        .replace(/:[a-zA-Z]+/g, ids.run!)
        .replace(/\*$/, 'x');

    const protectedRoutes = () => t.app.routeList.filter((r) => !r.public && r.method !== 'OPTIONS');

    it('knows the route table and which routes are public', () => {
      const publicRoutes = t.app.routeList.filter((r) => r.public).map((r) => `${r.method} ${r.url}`);
      const unexpected = publicRoutes.filter((r) => !PUBLIC.has(r) && !/^(GET|HEAD) \/docs(\/|$)/.test(r));
      expect(unexpected).toEqual([]);
      // Every API route is in the table, so the matrix below covers what the API offers.
      expect(protectedRoutes().length).toBeGreaterThan(40);
    });

    it('refuses every non-public route without credentials, however the path is spelled', async () => {
      const failures: string[] = [];
      for (const route of protectedRoutes()) {
        const path = concrete(route.url);
        const body = route.method === 'GET' || route.method === 'HEAD' ? '' : '{}';
        const type = body ? '\r\nContent-Type: application/json' : '';
        for (const [form, target] of [
          ['plain', path],
          ['percent-encoded', encodeFirstLetters(path)],
          ['absolute-form', `http://127.0.0.1:${port}${path}`],
          ['absolute-form, encoded', `http://synctrail.example${encodeFirstLetters(path)}`],
        ] as const) {
          const answer = await rawRequest(port, `${route.method} ${target} HTTP/1.1${type}`, body);
          const code =
            route.method === 'HEAD' ? 'unauthenticated' : JSON.parse(answer.body || '{}').error?.code;
          if (answer.status !== 401 || code !== 'unauthenticated')
            failures.push(
              `${route.method} ${route.url} (${form}): ${answer.status} ${answer.body.slice(0, 120)}`,
            );
        }
      }
      expect(failures).toEqual([]);
    });

    it('refuses a wrong bearer token and an unknown session cookie on every non-public route', async () => {
      const failures: string[] = [];
      for (const route of protectedRoutes()) {
        const path = concrete(route.url);
        for (const credential of [
          'Authorization: Bearer st_not-a-real-key',
          'Cookie: synctrail_session=forged',
        ]) {
          const answer = await rawRequest(port, `${route.method} ${path} HTTP/1.1\r\n${credential}`);
          if (answer.status !== 401)
            failures.push(`${route.method} ${route.url} with ${credential}: ${answer.status}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('takes the metrics token on GET /metrics only', async () => {
      expect(protectedRoutes().map((r) => `${r.method} ${r.url}`)).toContain('GET /metrics');
      const opened: string[] = [];
      for (const route of protectedRoutes()) {
        const answer = await rawRequest(
          port,
          `${route.method} ${concrete(route.url)} HTTP/1.1\r\nAuthorization: Bearer ${METRICS_TOKEN}`,
        );
        if (answer.status !== 401) opened.push(`${route.method} ${route.url}: ${answer.status}`);
      }
      expect(opened).toEqual(['GET /metrics: 200', 'HEAD /metrics: 200']);
    });

    it('answers what no route serves, under the console’s catch-all too, with the JSON 404 and no data', async () => {
      for (const path of [
        '/api/v1/runz',
        `/api/v1/runs/${ids.run}/nothing`,
        '/%61pi/v1/runz',
        '/assets/../../package.json',
      ]) {
        const answer = await rawRequest(port, `GET ${path} HTTP/1.1\r\nAccept: text/html`);
        expect(answer.status, path).toBe(404);
        expect(JSON.parse(answer.body).error.code, path).toMatch(/^(not_found|console_not_built)$/);
        expect(answer.body, path).not.toMatch(/integrationId|progress|organizationId/);
      }
    });

    it('answers the public routes without credentials', async () => {
      for (const path of ['/healthz', '/readyz', '/api/v1/openapi.json', '/docs/']) {
        expect((await rawRequest(port, `GET ${path} HTTP/1.1`)).status, path).toBe(200);
      }
    });
  });
}
