import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, OPERATOR_TOKEN, createTestDatabase, type TestDatabase } from './harness.js';
import { must, startServerProcess, storageEnv, waitFor, type ServerProcess } from './server-process.js';

/** What a tiny OTLP/HTTP receiver got: each request's path, headers and decoded JSON body. */
interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: OtlpJson;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
}
type Attributes = { key: string; value: OtlpValue }[];
interface OtlpJson {
  resourceSpans?: {
    resource: { attributes: Attributes };
    scopeSpans: { spans: { name: string; kind: number; attributes: Attributes }[] }[];
  }[];
  resourceMetrics?: {
    scopeMetrics: {
      metrics: {
        name: string;
        sum?: { dataPoints: { attributes: Attributes; asInt?: number | string; asDouble?: number }[] };
      }[];
    }[];
  }[];
}

const attrs = (list: Attributes) =>
  Object.fromEntries(
    list.map((a) => [a.key, a.value.stringValue ?? Number(a.value.intValue ?? a.value.doubleValue)]),
  );

/** Accepts OTLP/HTTP JSON on any path and keeps it. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', headers: req.headers, text, body: JSON.parse(text) as OtlpJson });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const kind of ENGINES) {
  describe(`OpenTelemetry out [${kind}]`, () => {
    let database: TestDatabase;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let server: ServerProcess;

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      receiver = await startReceiver();
      server = await startServerProcess({
        ...storageEnv(database),
        SYNCTRAIL_OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/otlp/`,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-receiver-key=k%20123',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRIC_EXPORT_INTERVAL: '300',
        SYNCTRAIL_BACKGROUND_JOBS: 'off',
      });
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
      await receiver?.close();
      await database?.drop();
    });

    it('exports a SERVER span per request, with method, route and status, and no token or query', async () => {
      const org = await must(server, 'POST', '/api/v1/organizations', { name: 'Telemetry Org' });
      const stored = await must(server, 'POST', '/api/v1/calls', [
        {
          organizationId: org.id,
          direction: 'OUTGOING',
          appFrom: 'a',
          appTo: 'b',
          method: 'GET',
          url: 'https://b.example/x',
        },
        {
          organizationId: org.id,
          direction: 'OUTGOING',
          appFrom: 'a',
          appTo: 'b',
          method: 'GET',
          url: 'https://b.example/y',
        },
      ]);
      expect(stored.accepted).toBe(2);
      const missing = await server.call('GET', '/api/v1/runs/00000000-0000-7000-8000-000000000000');
      expect(missing.status).toBe(404);
      const searched = await server.call('GET', '/api/v1/calls?login=secret-needle');
      expect(searched.status).toBe(200);

      const spans = () =>
        receiver.received
          .filter((r) => r.path === '/otlp/v1/traces')
          .flatMap((r) =>
            (r.body.resourceSpans ?? []).flatMap((rs) =>
              rs.scopeSpans.flatMap((ss) =>
                ss.spans.map((s) => ({
                  ...s,
                  attributes: attrs(s.attributes),
                  resource: attrs(rs.resource.attributes),
                })),
              ),
            ),
          );
      const post = await waitFor('the span of POST /api/v1/calls', () =>
        spans().find((s) => s.name === 'POST /api/v1/calls'),
      );
      expect(post).toMatchObject({
        name: 'POST /api/v1/calls',
        kind: 2, // SERVER
        attributes: {
          'http.request.method': 'POST',
          'http.response.status_code': 201,
          'url.path': '/api/v1/calls',
        },
        resource: { 'service.name': 'synctrail' },
      });
      const notFound = await waitFor('the span of the 404', () =>
        spans().find((s) => s.attributes['http.route'] === '/api/v1/runs/:id'),
      );
      expect(notFound.attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.response.status_code': 404,
      });
      expect(notFound.attributes['url.path']).toBe('/api/v1/runs/00000000-0000-7000-8000-000000000000');
      const search = await waitFor('the span of the search', () =>
        spans().find((s) => s.name === 'GET /api/v1/calls'),
      );
      expect(search.attributes).toMatchObject({
        'url.path': '/api/v1/calls',
        'http.response.status_code': 200,
      });

      const traces = receiver.received.filter((r) => r.path === '/otlp/v1/traces');
      expect(traces[0]!.headers['x-receiver-key']).toBe('k 123');
      for (const r of traces) {
        expect(r.text).not.toContain(OPERATOR_TOKEN);
        expect(r.text).not.toContain('secret-needle');
      }
    });

    it('exports the ingest counters as OTLP metrics', async () => {
      const calls = await waitFor('synctrail.ingested.rows for calls', () => {
        // Cumulative sums: the latest export holds the total so far.
        const points = receiver.received
          .filter((r) => r.path === '/otlp/v1/metrics')
          .flatMap((r) => r.body.resourceMetrics ?? [])
          .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
          .filter((m) => m.name === 'synctrail.ingested.rows')
          .flatMap((m) => m.sum?.dataPoints ?? [])
          .filter((p) => attrs(p.attributes).kind === 'calls');
        const last = points.at(-1);
        return last === undefined ? undefined : Number(last.asInt ?? last.asDouble);
      });
      expect(calls).toBe(2);
    });
  });
}
