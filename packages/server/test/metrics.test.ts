import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { getMetricsFromStream, type PromMetrics } from 'prom2javascript';
import { MetricsRepository } from '../src/metrics/metrics.repository.js';
import { RunCounts } from '../src/metrics/run-counts.js';
import {
  ENGINES,
  countQueries,
  readAllPages,
  seedBasics,
  signInMember,
  startTestApp,
  type TestContext,
} from './harness.js';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

/**
 * The samples of a metric whose labels include `labels`, summed: their values (counters, gauges) or
 * their observation counts (histograms).
 */
function value(families: PromMetrics, name: string, labels: Record<string, string> = {}): number {
  const family = families[name];
  if (!family) return 0;
  return family.data
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels[k] === v))
    .reduce((sum, m) => sum + ('value' in m ? m.value : (m.count ?? 0)), 0);
}

const action = (i: number, status: 'OK' | 'WARNING' | 'ERROR') => ({
  source: { system: 'EXCHANGE', id: `m-${i}`, name: `Contact ${i}` },
  target: { system: 'CRM', id: `crm-${i}` },
  objectType: 'Contact',
  action: 'UPDATE',
  status,
  message: `action ${i}`,
});

for (const kind of ENGINES) {
  describe(`GET /metrics [${kind}]`, () => {
    let t: TestContext;
    let basics: Awaited<ReturnType<typeof seedBasics>>;

    beforeAll(async () => {
      t = await startTestApp(kind, { metricsToken: METRICS_TOKEN, metricsRunsCacheMs: 0 });
      basics = await seedBasics(t.api);
    });
    afterAll(() => t?.close());

    const scrape = async (headers: Record<string, string> = {}) => {
      const res = await t.api('GET', '/metrics', undefined, headers);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      return { text: res.body, families: await getMetricsFromStream(Readable.from([res.body])) };
    };

    it('counts exactly the rows ingested and exported, and the runs by status', async () => {
      const before = (await scrape()).families;
      const start = async (body: Record<string, unknown> = {}) => {
        const res = await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id, ...body });
        expect(res.statusCode, res.body).toBe(201);
        return res.json<{ id: string }>();
      };
      const append = async (runId: string, body: unknown, headers: Record<string, string> = {}) => {
        const res = await t.api('POST', `/api/v1/runs/${runId}/actions`, body, headers);
        expect(res.statusCode, res.body).toBe(201);
      };
      // Run A: two batches (3 + 2 actions), the second retried under its Idempotency-Key (stored once).
      const a = await start();
      await append(a.id, [action(1, 'OK'), action(2, 'OK'), action(3, 'WARNING')]);
      const retried = { 'idempotency-key': 'metrics-batch-2' };
      await append(a.id, [action(4, 'ERROR'), action(5, 'OK')], retried);
      await append(a.id, [action(4, 'ERROR'), action(5, 'OK')], retried);
      // A refused batch (an unknown status) stores nothing and counts nothing.
      const refused = await t.api('POST', `/api/v1/runs/${a.id}/actions`, [
        { ...action(6, 'OK'), status: 'BAD' },
      ]);
      expect(refused.statusCode).toBe(400);
      // Run B: reported whole, finished, with 2 actions; run C: finished with none.
      await start({ progress: 'FINISHED', actions: [action(7, 'OK'), action(8, 'WARNING')] });
      const c = await start();
      expect((await t.api('PATCH', `/api/v1/runs/${c.id}`, { progress: 'FINISHED' })).statusCode).toBe(200);
      // Four calls in one batch.
      const calls = Array.from({ length: 4 }, (_, i) => ({
        organizationId: basics.org.id,
        direction: 'OUTGOING',
        appFrom: 'portal',
        appTo: 'crm',
        method: 'GET',
        url: `https://crm.example.com/api/contacts/${i}`,
        statusCode: 200,
      }));
      const stored = await t.api('POST', '/api/v1/calls', calls);
      expect(stored.statusCode, stored.body).toBe(201);
      // One artifact of 1,500 bytes.
      const file = Buffer.alloc(1500, 'x');
      const uploaded = await t.api('POST', `/api/v1/runs/${a.id}/artifacts?name=trace.txt`, file, {
        'content-type': 'text/plain',
      });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
      const storedBytes = uploaded.json<{ sizeBytes: number }>().sizeBytes;
      // Exports: run A's 5 actions and the 4 calls as CSV; the calls as a PDF.
      const actionsCsv = await t.api('GET', `/api/v1/runs/${a.id}/actions?format=csv`);
      expect(actionsCsv.statusCode).toBe(200);
      expect(actionsCsv.trailers['x-row-count']).toBe('5');
      const callsCsv = await t.api('GET', `/api/v1/calls?format=csv&organizationId=${basics.org.id}`);
      expect(callsCsv.trailers['x-row-count']).toBe('4');
      const callsPdf = await t.api('GET', `/api/v1/calls?format=pdf&organizationId=${basics.org.id}`);
      expect(callsPdf.statusCode).toBe(200);
      // A run's bundle: its one artifact and the files made for it.
      const bundle = await t.api('GET', `/api/v1/runs/${a.id}/bundle`);
      expect(bundle.statusCode).toBe(200);

      const { text, families: after } = await scrape();
      const moved = (name: string, labels: Record<string, string> = {}) =>
        value(after, name, labels) - value(before, name, labels);
      expect(moved('synctrail_ingested_rows_total', { kind: 'actions' })).toBe(7);
      expect(moved('synctrail_ingested_rows_total', { kind: 'calls' })).toBe(4);
      expect(moved('synctrail_ingested_artifact_bytes_total')).toBe(storedBytes);
      // Three action batches stored (two appends, one inside run B's creation), one of calls.
      expect(moved('synctrail_ingest_batch_duration_seconds', { kind: 'actions' })).toBe(3);
      expect(moved('synctrail_ingest_batch_duration_seconds', { kind: 'calls' })).toBe(1);
      expect(moved('synctrail_exported_rows_total', { list: 'run-actions', format: 'csv' })).toBe(5);
      expect(moved('synctrail_exported_rows_total', { list: 'calls', format: 'csv' })).toBe(4);
      expect(moved('synctrail_exported_rows_total', { list: 'calls', format: 'pdf' })).toBe(4);
      expect(moved('synctrail_bundle_bytes_total', { scope: 'run' })).toBeGreaterThan(storedBytes);

      // Requests by route template and status class: the batch appends, the refused one, no raw URL.
      const appends = { method: 'POST', route: '/api/v1/runs/:id/actions' };
      expect(moved('synctrail_http_request_duration_seconds', { ...appends, status_class: '2xx' })).toBe(3);
      expect(moved('synctrail_http_request_duration_seconds', { ...appends, status_class: '4xx' })).toBe(1);
      expect(text).not.toContain(a.id);

      // The run gauge equals the runs the API lists, by status.
      const runs = (await readAllPages<{ status: string }>(t.api, '/api/v1/runs?limit=200')).items;
      expect(runs.length).toBe(3);
      for (const status of ['OK', 'INFO', 'WARNING', 'ERROR']) {
        expect(value(after, 'synctrail_runs', { status }), status).toBe(
          runs.filter((r) => r.status === status).length,
        );
      }
      expect(value(after, 'synctrail_runs', { progress: 'FINISHED' })).toBe(2);

      // The 7 actions stored wait for the text indexer (not running in tests), then none.
      expect(value(after, 'synctrail_action_text_backlog')).toBe(7);
      await t.app.services.actionTextIndexer.drain();
      // (Read from the text: a scrape this soon after another has no event-loop lag sample, NaN.)
      const again = await t.api('GET', '/metrics');
      expect(again.body).toMatch(/^synctrail_action_text_backlog 0$/m);

      // Totals only: no organization's id or name, nor any other tenant id, anywhere.
      expect(text).not.toContain(basics.org.id);
      expect(text).not.toContain(basics.org.name);
      expect(text).not.toContain(basics.integration.id);
      expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
      // prom-client's process metrics are there too.
      expect(value(after, 'process_cpu_seconds_total')).toBeGreaterThan(0);
      expect(after.nodejs_heap_size_used_bytes?.type).toBe('gauge');
      expect(after.synctrail_ingest_batch_duration_seconds?.type).toBe('histogram');
      expect(after.synctrail_ingested_rows_total?.type).toBe('counter');
    });

    it('refuses a request without credentials (401) and an organization admin or key (403)', async () => {
      const anonymous = await t.api('GET', '/metrics', undefined, { authorization: '' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error.code).toBe('unauthenticated');

      const admin = await signInMember(t.api, basics.org.id, 'metrics-admin@example.com', 'ADMIN');
      const asAdmin = await t.api('GET', '/metrics', undefined, admin);
      expect(asAdmin.statusCode).toBe(403);
      expect(asAdmin.json().error).toMatchObject({ code: 'forbidden' });
      expect(asAdmin.json().error.message).toContain('SYNCTRAIL_METRICS_TOKEN');

      const key = await t.api('POST', `/api/v1/organizations/${basics.org.id}/api-keys`, {
        name: 'everything',
        scopes: ['ingest', 'read', 'admin'],
      });
      const token = key.json<{ token: string }>().token;
      const asKey = await t.api('GET', '/metrics', undefined, { authorization: `Bearer ${token}` });
      expect(asKey.statusCode).toBe(403);
    });

    it('answers the metrics token, which opens nothing else', async () => {
      const bearer = { authorization: `Bearer ${METRICS_TOKEN}` };
      const { families } = await scrape(bearer);
      expect(families.synctrail_runs?.type).toBe('gauge');
      const elsewhere = await t.api('GET', '/api/v1/runs', undefined, bearer);
      expect(elsewhere.statusCode).toBe(401);
      const wrong = await t.api('GET', '/metrics', undefined, { authorization: `Bearer ${METRICS_TOKEN}x` });
      expect(wrong.statusCode).toBe(401);
    });

    it('reads the runs by status with one grouped query, reused while fresh', async () => {
      const counts = new RunCounts(new MetricsRepository(t.engine), 60_000);
      expect(await countQueries(t.engine, () => counts.get())).toBe(1);
      await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id });
      // Within the minute the same figures come back without a query; concurrent reads share one.
      expect(await countQueries(t.engine, () => Promise.all([counts.get(), counts.get()]))).toBe(0);
      const fresh = new RunCounts(new MetricsRepository(t.engine), 60_000);
      expect(await countQueries(t.engine, () => Promise.all([fresh.get(), fresh.get()]))).toBe(1);
      const total = (await fresh.get()).reduce((sum, c) => sum + c.runs, 0);
      expect(total).toBe((await counts.get()).reduce((sum, c) => sum + c.runs, 0) + 1);
    });
  });
}
