import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, seedBasics, startTestApp, type TestContext } from './harness.js';

/** The text of a PDF, page by page, as pdftotext reads it. */
function pdfText(pdf: Buffer): string[] {
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString();
  return text.split('\f').filter((page) => page.trim().length > 0);
}

const BASE = Date.UTC(2026, 4, 1, 7, 0, 0);

for (const kind of ENGINES) {
  describe(`PDF exports [${kind}]`, () => {
    let t: TestContext;
    let basics: Awaited<ReturnType<typeof seedBasics>>;
    let runId: string;

    beforeAll(async () => {
      t = await startTestApp(kind);
      basics = await seedBasics(t.api);
      const calls = Array.from({ length: 120 }, (_, i) => ({
        organizationId: basics.org.id,
        at: new Date(BASE + i * 1000).toISOString(),
        direction: i % 2 ? 'INCOMING' : 'OUTGOING',
        appFrom: 'Synctrail Portal',
        appTo: i % 3 ? 'NetSuite' : 'OAuth 2.0 Google Apps',
        action: i % 2 ? 'SSO_FAILED' : 'SSO_SUCCESSFUL',
        requestType: 'AUTHENTICATION_APPLICATIONS',
        login: `user${i}@example.com`,
        method: 'POST',
        url: `https://idp.example.com/saml/acs/${i}?` + 'relay=state-'.repeat(i === 1 ? 20 : 1) + 'end',
        statusCode: i % 2 ? 401 : 200,
        durationMs: i,
        request: { headers: {}, body: 'secret body' },
        response: { headers: {}, body: null },
      }));
      expect((await t.api('POST', '/api/v1/calls', calls)).statusCode).toBe(201);
      const run = await t.api('POST', '/api/v1/runs', {
        integrationId: basics.integration.id,
        name: 'Nightly contacts',
        progress: 'FINISHED',
        errorSource: 'SALESFORCE',
        errorCategory: 'AUTHENTICATION',
        exception: 'INVALID_SESSION_ID: Session expired or invalid',
        counters: { conflicts: 7 },
        actions: Array.from({ length: 150 }, (_, i) => ({
          source: { system: 'EXCHANGE', id: `ex-${i}`, name: `Meeting ${i}` },
          target: { system: 'SALESFORCE', id: `sf-${i}` },
          objectType: 'Appointment',
          action: i % 3 ? 'UPDATE' : 'CREATE',
          status: i === 149 ? 'ERROR' : 'OK',
          message:
            i === 149 ? 'Entity is locked by another process ' + 'and waits '.repeat(15) : `synced ${i}`,
        })),
      });
      expect(run.statusCode, run.body).toBe(201);
      runId = run.json().id;
    });
    afterAll(() => t?.close());

    it('streams the connector log as filtered: header with the filters and time, numbered pages, every row', async () => {
      const res = await t.api(
        'GET',
        `/api/v1/calls?format=pdf&action=sso%20failed&organizationId=${basics.org.id}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toMatch(
        /^attachment; filename="calls_sso-failed_\d{8}T\d{4}Z\.pdf"$/,
      );
      const pages = pdfText(res.rawPayload);
      expect(pages.length).toBeGreaterThan(1);
      pages.forEach((page, i) => {
        expect(page).toContain('Connector log');
        expect(page).toContain(`Page ${i + 1}`);
        expect(page).toContain('Filters: action=sso failed');
        expect(page).toMatch(/Exported \d{4}-\d\d-\d\dT/);
        expect(page).toContain('Login');
      });
      const all = pages.join('\n');
      const logins = [...all.matchAll(/user(\d+)@/g)].map((m) => Number(m[1]));
      expect(new Set(logins)).toEqual(new Set(Array.from({ length: 60 }, (_, i) => 2 * i + 1)));
      expect(all).not.toContain('SSO_SUCCESSFUL');
      expect(all).not.toContain('secret body');
      // A long cell wraps instead of running off the page.
      expect(all).toContain('relay=state-relay=state-');
    });

    it('writes a run report: header, counters, error source, category, exception and the actions', async () => {
      const res = await t.api('GET', `/api/v1/runs/${runId}/report.pdf`);
      expect(res.statusCode, res.body).toBe(200);
      const pages = pdfText(res.rawPayload);
      expect(pages.length).toBeGreaterThan(2);
      const all = pages.join('\n');
      expect(pages[0]).toContain('Sync run Nightly contacts');
      expect(all).toContain('SALESFORCE');
      expect(all).toContain('AUTHENTICATION');
      expect(all).toContain('INVALID_SESSION_ID: Session expired or invalid');
      expect(all).toMatch(/processed\s+creates\s+updates/);
      expect(all).toMatch(/150\s+50\s+100/);
      const sources = [...all.matchAll(/ex-(\d+)/g)].map((m) => Number(m[1]));
      expect(new Set(sources)).toEqual(new Set(Array.from({ length: 150 }, (_, i) => i)));
      expect(all).toContain('synced 0');
      expect(all).toContain('Entity is locked by another process');
      expect(pages.at(-1)).toContain(`Page ${pages.length}`);
      // The actions table's header comes back on every page it spans.
      expect(pages.at(-1)).toContain('Message');
    });

    it('refuses paging, answers 404 for runs it cannot see, and audits every PDF', async () => {
      expect((await t.api('GET', '/api/v1/calls?format=pdf&cursor=abc')).statusCode).toBe(400);
      expect((await t.api('GET', `/api/v1/runs?format=pdf`)).json().error.code).toBe('invalid_filter');
      const other = await seedBasics(t.api);
      const key = await t.api('POST', `/api/v1/organizations/${other.org.id}/api-keys`, {
        name: 'r',
        scopes: ['read'],
      });
      const res = await t.api('GET', `/api/v1/runs/${runId}/report.pdf`, undefined, {
        authorization: `Bearer ${key.json().token}`,
      });
      expect(res.statusCode).toBe(404);
      await t.api('GET', `/api/v1/runs/${runId}/report.pdf`);
      const events = (await t.api('GET', `/api/v1/audit?action=export.pdf`)).json().items;
      expect(events.find((e: any) => e.target === `run:${runId}`)).toMatchObject({
        details: { list: `run-${runId}-report`, rows: 150, complete: true },
      });
      expect(events.find((e: any) => e.details.list === 'calls')).toMatchObject({
        details: { filters: { action: 'sso failed' }, rows: 60, complete: true },
      });
    });
  });
}
