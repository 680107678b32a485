import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { OPERATOR_TOKEN } from './harness.js';
import { startServerProcess } from './server-process.js';
import {
  ENGINES,
  readAllPages,
  seedBasics,
  signInMember,
  startTestApp,
  type TestContext,
} from './harness.js';

/** Cells a CSV writer must quote, and cells a spreadsheet would run as formulas. */
const TRICKY = [
  'plain',
  'a, with commas',
  'she said "hi"',
  'two\nlines\r\nand CRLF',
  'Ünïcødé — 日本語 🚀',
  '=HYPERLINK("http://evil")',
  '+1+1',
  '-2',
  '@SUM(A1)',
  '\tTabbed',
];

const BASE = Date.UTC(2026, 2, 1, 8, 0, 0);

function parseCsv(body: string): string[][] {
  return parse(body, { bom: true, relax_column_count: false }) as string[][];
}

/** What a spreadsheet-safe export writes for a stored text. */
const neutralised = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

for (const kind of ENGINES) {
  describe(`CSV exports [${kind}]`, () => {
    let t: TestContext;
    let basics: Awaited<ReturnType<typeof seedBasics>>;
    let runId: string;
    let otherOrg: string;
    let bigRunId: string;

    beforeAll(async () => {
      t = await startTestApp(kind);
      basics = await seedBasics(t.api);
      const run = await t.api('POST', '/api/v1/runs', {
        integrationId: basics.integration.id,
        userId: basics.user.id,
        name: 'Nightly, "full"',
      });
      runId = run.json().id;
      const actions = TRICKY.map((message, i) => ({
        at: new Date(BASE + i * 1000).toISOString(),
        source: { system: 'CRM', id: `c-${i}`, name: message },
        target: { system: 'ERP', id: `e-${i}` },
        objectType: i % 2 ? 'Contact' : 'Appointment',
        action: 'UPDATE',
        status: i % 3 === 0 ? 'ERROR' : 'OK',
        message,
        details: { field: message },
      }));
      expect((await t.api('POST', `/api/v1/runs/${runId}/actions`, actions)).statusCode).toBe(201);
      const calls = TRICKY.map((login, i) => ({
        organizationId: basics.org.id,
        runId,
        at: new Date(BASE + i * 1000).toISOString(),
        direction: 'OUTGOING',
        appFrom: 'Synctrail Portal',
        appTo: 'NetSuite',
        action: i % 2 ? 'SSO_FAILED' : 'SSO_SUCCESSFUL',
        requestType: 'AUTHENTICATION_APPLICATIONS',
        login,
        method: 'POST',
        url: `https://idp.example.com/saml/${i}`,
        statusCode: 200 + i,
        durationMs: i,
        request: { headers: { 'content-type': 'text/plain' }, body: `request ${login}` },
        response: { headers: {}, body: `response ${i}` },
      }));
      expect((await t.api('POST', '/api/v1/calls', calls)).statusCode).toBe(201);
      otherOrg = (await seedBasics(t.api)).org.id;
      await t.api('POST', '/api/v1/calls', [{ ...calls[0], organizationId: otherOrg, runId: undefined }]);
    });
    afterAll(() => t?.close());

    it("writes a run's actions that parse back to the stored rows (commas, quotes, newlines, Unicode, formulas)", async () => {
      const res = await t.api('GET', `/api/v1/runs/${runId}/actions?format=csv`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      const [header, ...rows] = parseCsv(res.body);
      expect(header).toContain('source.system');
      expect(header).toContain('target.id');
      const col = (name: string) => header!.indexOf(name);
      const stored = (await readAllPages<any>(t.api, `/api/v1/runs/${runId}/actions?limit=1000`)).items;
      expect(rows).toHaveLength(stored.length);
      rows.forEach((row, i) => {
        const action = stored[i];
        expect(row[col('seq')]).toBe(String(action.seq));
        expect(row[col('message')]).toBe(neutralised(action.message));
        expect(row[col('source.name')]).toBe(neutralised(action.source.name));
        expect(row[col('source.system')]).toBe('CRM');
        expect(row[col('at')]).toBe(action.at);
        expect(JSON.parse(row[col('details')]!.replace(/^'/, ''))).toEqual(action.details);
        expect(row[col('errorCode')]).toBe('');
      });
      expect(rows.map((r) => r[col('message')])).toEqual(TRICKY.map(neutralised));
    });

    it('honours filters, sort and columns=, and names the file after the list, its filter and the time', async () => {
      const res = await t.api(
        'GET',
        `/api/v1/runs/${runId}/actions?format=csv&status=ERROR&sort=desc&columns=seq,status,source.name`,
      );
      const [header, ...rows] = parseCsv(res.body);
      expect(header).toEqual(['seq', 'status', 'source.name']);
      const errors = TRICKY.map((m, i) => ({ seq: i + 1, m })).filter((_, i) => i % 3 === 0);
      expect(rows).toEqual(errors.reverse().map((e) => [String(e.seq), 'ERROR', neutralised(e.m)]));
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="run-${runId}-actions_ERROR_\\d{8}T\\d{4}Z\\.csv"$`),
      );
    });

    it('refuses an unknown column naming the allowed ones, and refuses limit and cursor', async () => {
      const bad = await t.api('GET', `/api/v1/runs?format=csv&columns=id,nope`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('invalid_filter');
      expect(bad.json().error.details.allowed).toContain('counters.errors');
      expect(bad.json().error.message).toContain('"nope"');
      const paged = await t.api('GET', `/api/v1/runs?format=csv&limit=5`);
      expect(paged.statusCode).toBe(400);
      expect(paged.json().error.message).toContain('`limit`');
      const badFilter = await t.api('GET', `/api/v1/runs?format=csv&status=BOGUS`);
      expect(badFilter.json().error.code).toBe('invalid_filter');
    });

    it('answers Accept: text/csv, writes a BOM on request, and ends with row count and sha256 trailers', async () => {
      const res = await t.api('GET', `/api/v1/calls?organizationId=${basics.org.id}&bom=true`, undefined, {
        accept: 'text/csv',
      });
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(res.trailers['x-row-count']).toBe(String(TRICKY.length));
      expect(res.trailers['x-content-sha256']).toBe(
        createHash('sha256').update(res.rawPayload).digest('hex'),
      );
      const [header, ...rows] = parseCsv(res.body);
      expect(header).toEqual(expect.arrayContaining(['request.body', 'response.headers', 'login']));
      expect(rows.map((r) => r[header!.indexOf('login')])).toEqual([...TRICKY].reverse().map(neutralised));
      expect(rows.map((r) => r[header!.indexOf('request.body')])).toEqual(
        [...TRICKY].reverse().map((l) => `request ${l}`),
      );
    });

    it('exports every list, each as its JSON list filters and orders it', async () => {
      const lists = [
        `/api/v1/runs?status=ERROR`,
        `/api/v1/runs/${runId}/actions?objectType=Contact`,
        `/api/v1/calls?action=SSO_FAILED&sort=asc`,
        `/api/v1/organizations`,
        `/api/v1/organizations/${basics.org.id}/integrations`,
        `/api/v1/organizations/${basics.org.id}/users`,
        `/api/v1/organizations/${basics.org.id}/runs`,
        `/api/v1/users/${basics.user.id}/runs`,
        `/api/v1/users/${basics.user.id}/issues?state=OPEN`,
        `/api/v1/audit?action=organization.create`,
      ];
      for (const url of lists) {
        const json = (await readAllPages<any>(t.api, `${url}${url.includes('?') ? '&' : '?'}limit=1000`))
          .items;
        const key = url.includes('/actions') ? 'seq' : 'id';
        const res = await t.api('GET', `${url}${url.includes('?') ? '&' : '?'}format=csv&columns=${key}`);
        expect(res.statusCode, url).toBe(200);
        const [header, ...rows] = parseCsv(res.body);
        expect(header, url).toEqual([key]);
        const ids = json.map((item) => String(item[key]));
        expect(
          rows.map((r) => r[0]),
          url,
        ).toEqual(ids);
        expect(ids.length, url).toBeGreaterThan(0);
      }
    });

    it("keeps to the caller's organizations and withholds bodies from viewers", async () => {
      const key = await t.api('POST', `/api/v1/organizations/${basics.org.id}/api-keys`, {
        name: 'reader',
        scopes: ['read'],
      });
      const reader = { authorization: `Bearer ${key.json().token}` };
      const mine = await t.api('GET', '/api/v1/calls?format=csv&columns=organizationId', undefined, reader);
      const orgs = parseCsv(mine.body).slice(1);
      expect(orgs).toHaveLength(TRICKY.length);
      expect(new Set(orgs.map((r) => r[0]))).toEqual(new Set([basics.org.id]));
      const all = await t.api('GET', '/api/v1/calls?format=csv&columns=organizationId');
      expect(parseCsv(all.body).slice(1)).toHaveLength(TRICKY.length + 1);
      for (const [url, column] of [
        ['/api/v1/runs?format=csv&columns=organizationId', 0],
        ['/api/v1/organizations?format=csv&columns=id', 0],
      ] as const) {
        const rows = parseCsv((await t.api('GET', url, undefined, reader)).body).slice(1);
        expect(rows.length, url).toBeGreaterThan(0);
        expect(new Set(rows.map((r) => r[column])), url).toEqual(new Set([basics.org.id]));
      }
      const everyOrg = parseCsv((await t.api('GET', '/api/v1/organizations?format=csv&columns=id')).body);
      expect(everyOrg.slice(1).map((r) => r[0])).toContain(otherOrg);
      const foreign = await t.api(
        'GET',
        `/api/v1/organizations/${otherOrg}/users?format=csv`,
        undefined,
        reader,
      );
      expect(foreign.statusCode).toBe(404);

      const email = `viewer-${basics.org.id}@example.com`;
      const viewer = await signInMember(t.api, basics.org.id, email, 'VIEWER');
      const seen = await t.api('GET', '/api/v1/calls?format=csv', undefined, viewer);
      expect(seen.statusCode).toBe(200);
      const [header, ...rows] = parseCsv(seen.body);
      expect(rows).toHaveLength(TRICKY.length);
      for (const row of rows) {
        expect(row[header!.indexOf('request.body')]).toBe('');
        expect(row[header!.indexOf('response.body')]).toBe('');
        expect(row[header!.indexOf('request.headers')]).toBe('{"content-type":"text/plain"}');
      }
      expect(seen.body).not.toContain('request plain');
    });

    it('answers HEAD with the headers only, reading and auditing nothing', async () => {
      const count = async () =>
        (await readAllPages<any>(t.api, '/api/v1/audit?action=export.csv,bundle.download&limit=1000')).items
          .length;
      const before = await count();
      for (const url of [`/api/v1/calls?format=csv`, `/api/v1/runs/${runId}/bundle`]) {
        const res = await t.api('HEAD', url);
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-disposition'], url).toMatch(/^attachment; filename="/);
        expect(res.body, url).toBe('');
      }
      expect(await count()).toBe(before);
    });

    it('records every export in the audit log with its filters and row count', async () => {
      await t.api('GET', `/api/v1/calls?format=csv&action=SSO_FAILED&organizationId=${basics.org.id}`);
      const events = (await t.api('GET', '/api/v1/audit?action=export.csv&limit=1')).json().items;
      expect(events[0]).toMatchObject({
        action: 'export.csv',
        organizationId: basics.org.id,
        details: {
          list: 'calls',
          filters: { action: 'SSO_FAILED', organizationId: basics.org.id },
          rows: TRICKY.length / 2,
          complete: true,
        },
      });
    });

    it('sends a 250,000-row export whole', { timeout: 120_000 }, async () => {
      const big = await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id });
      const id = big.json().id as string;
      const total = 250_000;
      const at = new Date(BASE);
      for (let start = 0; start < total; start += 50_000) {
        const records = Array.from({ length: 50_000 }, (_, i) => ({
          seq: start + i + 1,
          at,
          sourceSystem: 'CRM',
          sourceId: `c-${start + i}`,
          sourceName: null,
          targetSystem: 'ERP',
          targetId: null,
          targetName: null,
          objectType: 'Contact',
          action: 'UPDATE' as const,
          status: 'OK' as const,
          message: `row ${start + i + 1}, "quoted"`,
          details: null,
          errorCode: null,
        }));
        await t.engine.transaction(() => t.app.services.runs.actions.insertBatch(id, records));
      }
      bigRunId = id;
      const res = await t.api('GET', `/api/v1/runs/${id}/actions?format=csv&columns=seq,message`);
      expect(res.statusCode).toBe(200);
      expect(res.trailers['x-row-count']).toBe(String(total));
      const rows = parseCsv(res.body);
      expect(rows).toHaveLength(total + 1);
      expect(rows[1]).toEqual(['1', 'row 1, "quoted"']);
      expect(rows[total]).toEqual([String(total), `row ${total}, "quoted"`]);
      expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(total);
    });

    it(
      'stays healthy, and stops reading, when a client disconnects mid-export',
      { timeout: 60_000 },
      async () => {
        const server = await startServerProcess({
          ...(kind === 'postgres'
            ? { DATABASE_URL: t.config.databaseUrl! }
            : { SYNCTRAIL_DATA_DIR: t.config.dataDir }),
          SYNCTRAIL_BACKGROUND_JOBS: 'off',
          // The 250,000 actions stored above wait for the text indexer, whose work would keep a
          // connection busy (and a snapshot open) while this test looks for the exports' leftovers.
          SYNCTRAIL_TEXT_INDEXER: 'off',
        });
        try {
          const headers = { authorization: `Bearer ${OPERATOR_TOKEN}` };
          /** Reads the first chunk of an answer, then hangs up. */
          const hangUpAfterFirstChunk = async (path: string) => {
            const abort = new AbortController();
            const res = await fetch(`${server.url}${path}`, { headers, signal: abort.signal });
            expect(res.status, path).toBe(200);
            const reader = res.body!.getReader();
            expect((await reader.read()).done, path).toBe(false);
            abort.abort();
            await reader.read().catch(() => undefined);
          };
          for (let round = 0; round < 3; round++) {
            await hangUpAfterFirstChunk(`/api/v1/runs/${bigRunId}/actions?format=csv`);
          }
          await hangUpAfterFirstChunk(`/api/v1/runs/${bigRunId}/bundle`);
          await hangUpAfterFirstChunk(`/api/v1/runs/${bigRunId}/report.pdf`);
          expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
          // The server went on answering, and its exports ended: their audit events say incomplete.
          const incomplete = async (action: string) => {
            let events: any[] = [];
            for (let i = 0; i < 100; i++) {
              const res = await server.call('GET', `/api/v1/audit?action=${action}&target=run:${bigRunId}`);
              events = res.json.items.filter((e: any) => e.details.complete === false);
              if (events.length > 0 && (action !== 'export.csv' || events.length === 3)) break;
              await new Promise((r) => setTimeout(r, 100));
            }
            return events;
          };
          const csvEvents = await incomplete('export.csv');
          expect(csvEvents).toHaveLength(3);
          expect(csvEvents.every((e: any) => e.details.rows < 250_000)).toBe(true);
          expect(await incomplete('bundle.download')).toHaveLength(1);
          const pdfEvents = await incomplete('export.pdf');
          expect(pdfEvents).toHaveLength(1);
          expect(pdfEvents[0].details.rows).toBeLessThan(250_000);
          if (kind === 'postgres') {
            // No cursor is left open: the server's connections are idle again.
            const admin = new pg.Client({ connectionString: t.config.databaseUrl });
            await admin.connect();
            const active = await admin.query(
              `select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'`,
            );
            await admin.end();
            expect(active.rows[0].n).toBe(0);
          } else {
            // No reader is left on an old snapshot: a checkpoint can write the whole WAL back (the
            // audit events written since the hang-ups are in it) and truncate it.
            const file = new BetterSqlite3(join(t.config.dataDir, 'synctrail.db'));
            try {
              file.pragma('busy_timeout = 5000');
              expect(file.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
            } finally {
              file.close();
            }
          }
          const whole = await fetch(`${server.url}/api/v1/runs/${runId}/actions?format=csv&columns=seq`, {
            headers,
          });
          expect(await whole.text()).toBe(['seq', ...TRICKY.map((_, i) => i + 1), ''].join('\r\n'));
        } finally {
          await server.stop();
        }
      },
    );
  });
}
