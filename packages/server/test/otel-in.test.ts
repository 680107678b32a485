import { createRequire } from 'node:module';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import type { Call, CallSummary } from '@synctrail/types';
import { ENGINES, createTestDatabase, type TestDatabase } from './harness.js';
import { must, startServerProcess, storageEnv, type ServerProcess } from './server-process.js';

/** The secret the instrumented client sends; it must never be stored. */
const SECRET = 'Bearer otel-client-secret-0123456789';

const instrumentation = new HttpInstrumentation({
  headersToSpanAttributes: {
    client: { requestHeaders: ['authorization', 'x-correlation-id'], responseHeaders: ['x-served-by'] },
    server: { requestHeaders: ['x-correlation-id'] },
  },
  // The exporters' own posts to Synctrail are not calls of the app under test.
  ignoreOutgoingRequestHook: (request) => String(request.path ?? '').includes('/v1/traces'),
});
registerInstrumentations({ instrumentations: [instrumentation] });
// ESM imports of node:http share the CommonJS module object: requiring it once applies the patch.
createRequire(import.meta.url)('node:http');

interface Org {
  id: string;
  ingest: string;
  read: string;
}

/** A provider whose spans go, one by one, to the server with the given exporter. */
function providerFor(exporter: JsonTraceExporter | ProtoTraceExporter, service: string) {
  return new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
}

for (const kind of ENGINES) {
  describe(`POST /v1/traces, OpenTelemetry in [${kind}]`, () => {
    let db: TestDatabase;
    let server: ServerProcess;
    let app: http.Server;
    let appUrl: string;
    let orgA: Org;
    let orgB: Org;
    let runA: string;
    let runB: string;

    const newOrg = async (name: string): Promise<Org> => {
      const org = await must(server, 'POST', '/api/v1/organizations', { name });
      const key = async (scopes: string[]) =>
        (
          await must(server, 'POST', `/api/v1/organizations/${org.id}/api-keys`, {
            name: scopes.join('+'),
            scopes,
          })
        ).token as string;
      return { id: org.id, ingest: await key(['ingest']), read: await key(['read']) };
    };
    const newRun = async (org: Org) => {
      const integration = await must(server, 'POST', `/api/v1/organizations/${org.id}/integrations`, {
        type: 'oauth2-google',
        name: 'Portal SSO',
      });
      return (await must(server, 'POST', '/api/v1/runs', { integrationId: integration.id })).id as string;
    };
    const get = async (token: string, path: string) => {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, json: (await res.json()) as any };
    };
    const callsOf = async (org: Org, query = '') =>
      (await get(org.read, `/api/v1/calls?limit=100${query}`)).json.items as CallSummary[];
    const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
      fetch(`${server.url}${path}`, { method: 'POST', body, headers });

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await startServerProcess(storageEnv(db));
      orgA = await newOrg('Otel A');
      orgB = await newOrg('Otel B');
      runA = await newRun(orgA);
      runB = await newRun(orgB);
      // The app under test: an instrumented server that tags its span with the run it serves.
      app = http.createServer((req, res) => {
        const run = req.headers['x-run'];
        if (typeof run === 'string') trace.getActiveSpan()?.setAttribute('synctrail.run.id', run);
        req.resume();
        req.on('end', () => {
          res.writeHead(req.url?.startsWith('/fail') ? 502 : 201, { 'x-served-by': 'portal-1' });
          res.end('done');
        });
      });
      await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
      appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    }, 60_000);
    afterAll(async () => {
      await new Promise((resolve) => app?.close(resolve));
      await server?.stop();
      await db?.drop();
    });

    /** One real request from the instrumented client to the instrumented server. */
    const request = (path: string, method: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${appUrl}${path}`, { method, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(method === 'POST' ? 'grant_type=authorization_code' : undefined);
      });

    it('stores the client and server spans of a real request, sent as OTLP/JSON, as calls of the key’s organization', async () => {
      const exporter = new JsonTraceExporter({
        url: `${server.url}/v1/traces`,
        headers: { authorization: `Bearer ${orgA.ingest}` },
      });
      const provider = providerFor(exporter, 'portal-app');
      provider.register();
      instrumentation.setTracerProvider(provider);
      const before = Date.now();
      const status = await request('/callback?code=abc&state=xyz', 'GET', {
        authorization: SECRET,
        'x-correlation-id': 'corr-1',
        'x-run': runA,
      });
      expect(status).toBe(201);
      await provider.forceFlush();

      const calls = await callsOf(orgA);
      expect(calls).toHaveLength(2);
      const outgoing = calls.find((c) => c.direction === 'OUTGOING')!;
      const incoming = calls.find((c) => c.direction === 'INCOMING')!;
      expect(outgoing).toMatchObject({
        appFrom: 'portal-app',
        appTo: '127.0.0.1',
        method: 'GET',
        statusCode: 201,
        runId: null,
        organizationId: orgA.id,
      });
      // The authorization code is masked as in any call's URL; the rest is kept.
      expect(outgoing.url.startsWith(`${appUrl}/callback?code=`)).toBe(true);
      expect(outgoing.url).toMatch(/&state=xyz$/);
      expect(outgoing.url).not.toContain('code=abc');
      expect(incoming).toMatchObject({
        appFrom: '127.0.0.1',
        appTo: 'portal-app',
        method: 'GET',
        statusCode: 201,
        runId: runA,
      });
      expect(incoming.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=.*&state=xyz$/);
      expect(incoming.url).not.toContain('code=abc');
      for (const call of calls) {
        expect(Date.parse(call.at)).toBeGreaterThanOrEqual(before - 1000);
        expect(Date.parse(call.at)).toBeLessThanOrEqual(Date.now());
        expect(call.durationMs).toBeGreaterThanOrEqual(0);
      }
      // The run's calls include the server span's.
      expect((await callsOf(orgA, `&runId=${runA}`)).map((c) => c.id)).toEqual([incoming.id]);

      const detail = (await get(orgA.read, `/api/v1/calls/${outgoing.id}`)).json as Call;
      expect(detail.request.headers['x-correlation-id']).toBe('corr-1');
      expect(detail.response.headers['x-served-by']).toBe('portal-1');
      expect(JSON.stringify(detail)).not.toContain('otel-client-secret');
      expect(detail.request.headers.authorization).toBeDefined();
      // Both sides carry the same W3C trace context: what the client sent is what the server got.
      const served = (await get(orgA.read, `/api/v1/calls/${incoming.id}`)).json as Call;
      expect(detail.request.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(served.request.headers.traceparent).toBe(detail.request.headers.traceparent);

      // Another organization sees none of it.
      expect(await callsOf(orgB)).toEqual([]);
      expect((await get(orgB.read, `/api/v1/calls/${outgoing.id}`)).status).toBe(404);
      await provider.shutdown();
    });

    it('stores spans sent as gzip-compressed protobuf, with labels from span attributes', async () => {
      const exporter = new ProtoTraceExporter({
        url: `${server.url}/v1/traces`,
        headers: { authorization: `Bearer ${orgB.ingest}` },
        compression: CompressionAlgorithm.GZIP,
      });
      const provider = providerFor(exporter, 'sso-connector');
      const config = instrumentation.getConfig();
      instrumentation.setConfig({
        ...config,
        startOutgoingSpanHook: () => ({
          'synctrail.action': 'SSO_FAILED',
          'synctrail.request_type': 'AUTHENTICATION_APPLICATIONS',
          'synctrail.login': 'ada@example.com',
          'synctrail.run.id': runB,
          'synctrail.app.to': 'OAuth 2.0 Google Apps',
        }),
      });
      instrumentation.setTracerProvider(provider);
      try {
        const status = await request('/fail/token', 'POST', {
          'content-type': 'application/x-www-form-urlencoded',
        });
        expect(status).toBe(502);
        await provider.forceFlush();
      } finally {
        instrumentation.setConfig(config);
      }
      const calls = await callsOf(orgB);
      expect(calls).toHaveLength(2);
      const outgoing = calls.find((c) => c.direction === 'OUTGOING')!;
      expect(outgoing).toMatchObject({
        appFrom: 'sso-connector',
        appTo: 'OAuth 2.0 Google Apps',
        method: 'POST',
        statusCode: 502,
        action: 'SSO_FAILED',
        requestType: 'AUTHENTICATION_APPLICATIONS',
        login: 'ada@example.com',
        runId: runB,
      });
      expect(outgoing.url).toBe(`${appUrl}/fail/token`);
      expect(calls.find((c) => c.direction === 'INCOMING')).toMatchObject({
        appTo: 'sso-connector',
        statusCode: 502,
      });
      // Organization A's log did not change.
      expect(await callsOf(orgA)).toHaveLength(2);
      await provider.shutdown();
    });

    /** An OTLP/JSON body with the given spans under one resource. */
    const otlpJson = (resource: Record<string, string>, spans: object[]) =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: {
              attributes: Object.entries(resource).map(([key, v]) => ({ key, value: { stringValue: v } })),
            },
            scopeSpans: [{ scope: { name: 'legacy' }, spans }],
          },
        ],
      });
    const attrs = (values: Record<string, string | number>) =>
      Object.entries(values).map(([key, v]) => ({
        key,
        value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
      }));
    const span = (id: string, kind: number, attributes: Record<string, string | number>) => ({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: id,
      name: 'span',
      kind,
      startTimeUnixNano: '1767261600000000000',
      endTimeUnixNano: '1767261600250000000',
      attributes: attrs(attributes),
    });

    it('reads the older HTTP conventions, skips non-HTTP spans and rejects the unstorable ones alone (partial success)', async () => {
      const body = otlpJson({ 'service.name': 'legacy-app' }, [
        span('00f067aa0ba902b7', 3, {
          'http.method': 'PUT',
          'http.url': 'https://crm.example.com/api/contacts/7?access_token=hunter2',
          'http.status_code': 409,
          'net.peer.name': 'crm.example.com',
        }),
        span('00f067aa0ba902b8', 1, { 'code.function': 'sync' }),
        span('00f067aa0ba902b9', 3, { 'db.system': 'postgresql' }),
        span('00f067aa0ba902ba', 2, { 'http.method': 'GET', 'http.target': '/x', 'synctrail.run.id': runB }),
      ]);
      const res = await post('/api/v1/otlp/v1/traces', gzipSync(body), {
        authorization: `Bearer ${orgA.ingest}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as {
        partialSuccess: { rejectedSpans: number; errorMessage: string };
      };
      expect(answer.partialSuccess.rejectedSpans).toBe(1);
      expect(answer.partialSuccess.errorMessage).toContain(`run ${runB} does not exist or is not visible`);
      expect(answer.partialSuccess.errorMessage).toContain('2 spans are not HTTP client or server spans');
      const stored = await callsOf(orgA, '&app=legacy-app');
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        direction: 'OUTGOING',
        appFrom: 'legacy-app',
        appTo: 'crm.example.com',
        method: 'PUT',
        statusCode: 409,
        durationMs: 250,
        at: '2026-01-01T10:00:00.000Z',
      });
      // Masked as any call's URL is.
      expect(stored[0]!.url).not.toContain('hunter2');
      expect(stored[0]!.url).toContain('https://crm.example.com/api/contacts/7?access_token=');
    });

    it('takes the organization from synctrail.organization.id with operator credentials', async () => {
      const body = otlpJson({ 'service.name': 'operator-app', 'synctrail.organization.id': orgB.id }, [
        span('10f067aa0ba902b7', 3, {
          'http.request.method': 'DELETE',
          'url.full': 'https://idp.example.com/s/1',
        }),
      ]);
      const res = await post('/v1/traces', body, {
        authorization: `Bearer ${(await import('./harness.js')).OPERATOR_TOKEN}`,
        'content-type': 'application/json',
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
      expect(await callsOf(orgB, '&app=operator-app')).toHaveLength(1);
    });

    it('refuses missing, wrong and read-only keys, and bodies that are not OTLP, storing nothing', async () => {
      const body = otlpJson({ 'service.name': 'refused-app' }, [
        span('20f067aa0ba902b7', 3, { 'http.request.method': 'GET', 'url.full': 'https://a.example.com/' }),
      ]);
      const json = { 'content-type': 'application/json' };
      expect((await post('/v1/traces', body, json)).status).toBe(401);
      const wrong = await post('/v1/traces', body, {
        ...json,
        authorization: 'Bearer st_nope_0000000000000000',
      });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as any).error.code).toBe('unauthenticated');
      expect((await post('/v1/traces', body, { ...json, authorization: `Bearer ${orgA.read}` })).status).toBe(
        403,
      );
      // A protobuf client gets its error as a protobuf google.rpc.Status.
      const proto = await post('/v1/traces', Buffer.from([1, 2, 3]), {
        'content-type': 'application/x-protobuf',
      });
      expect(proto.status).toBe(401);
      expect(proto.headers.get('content-type')).toContain('application/x-protobuf');
      expect(Buffer.from(await proto.arrayBuffer()).toString()).toContain('Authorization: Bearer');

      const key = { authorization: `Bearer ${orgA.ingest}` };
      const garbage = await post('/v1/traces', Buffer.from([0x0a, 0xff, 0xff, 0xff]), {
        ...key,
        'content-type': 'application/x-protobuf',
      });
      expect(garbage.status).toBe(400);
      expect(Buffer.from(await garbage.arrayBuffer()).toString()).toContain(
        'not a protobuf ExportTraceServiceRequest',
      );
      const shape = await post('/v1/traces', '{"resourceSpans": 5}', { ...key, ...json });
      expect(shape.status).toBe(400);
      expect(((await shape.json()) as any).error.message).toContain('resourceSpans must be an array');
      const notGzip = await post('/v1/traces', body, { ...key, ...json, 'content-encoding': 'gzip' });
      expect(notGzip.status).toBe(400);
      expect(((await notGzip.json()) as any).error.message).toContain('not valid gzip');
      const text = await post('/v1/traces', body, { ...key, 'content-type': 'text/plain' });
      expect(text.status).toBe(415);
      expect(((await text.json()) as any).error.message).toContain(
        'application/x-protobuf or application/json',
      );
      expect(await callsOf(orgA, '&app=refused-app')).toEqual([]);
    });
  });
}
