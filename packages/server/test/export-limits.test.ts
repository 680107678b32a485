import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { ENGINES, seedBasics, startTestApp, type TestContext } from './harness.js';

const parseCsv = (body: string) => parse(body, { bom: true }) as string[][];

for (const kind of ENGINES) {
  describe(`CSV export limits and filters with quotes [${kind}]`, () => {
    let t: TestContext;
    let orgId: string;
    let runId: string;
    /** Logins that must reach the database as values, never as SQL (PostgreSQL inlines them for COPY). */
    const LOGINS = ["o'brien@example.com", "x'); drop table calls; --", 'back\\slash$1@example.com'];

    beforeAll(async () => {
      t = await startTestApp(kind, { exportMaxRows: 4 });
      const basics = await seedBasics(t.api);
      orgId = basics.org.id;
      runId = (await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id })).json().id;
      const actions = Array.from({ length: 5 }, (_, i) => ({
        source: { system: 'CRM', id: `c-${i}` },
        target: { system: 'ERP' },
        action: 'UPDATE',
        status: 'OK',
        message: `line ${i}\nsecond line`,
      }));
      expect((await t.api('POST', `/api/v1/runs/${runId}/actions`, actions)).statusCode).toBe(201);
      const calls = LOGINS.map((login, i) => ({
        organizationId: orgId,
        at: new Date(Date.UTC(2026, 2, 1, 8, 0, i)).toISOString(),
        direction: 'OUTGOING',
        appFrom: 'Synctrail Portal',
        appTo: 'NetSuite',
        login,
        method: 'GET',
        url: `https://idp.example.com/${i}`,
        request: { headers: {}, body: null },
        response: { headers: {}, body: null },
      }));
      expect((await t.api('POST', '/api/v1/calls', calls)).statusCode).toBe(201);
    });
    afterAll(() => t?.close());

    it('cuts an export past SYNCTRAIL_EXPORT_MAX_ROWS short, without the trailers of a whole file', async () => {
      // The connection is dropped mid-body: the client sees an incomplete answer, never a whole file.
      await expect(t.api('GET', `/api/v1/runs/${runId}/actions?format=csv`)).rejects.toThrow(/destroyed/);
      const audit = await t.api('GET', `/api/v1/audit?action=export.csv&target=run:${runId}`);
      expect(audit.json().items[0].details).toMatchObject({ complete: false });
      // Within the cap, the same list arrives whole.
      const one = await t.api(
        'GET',
        `/api/v1/runs/${runId}/actions?format=csv&columns=source.id,message&q=c-1`,
      );
      expect(one.statusCode).toBe(200);
      expect(parseCsv(one.body)).toEqual([
        ['source.id', 'message'],
        ['c-1', 'line 1\nsecond line'],
      ]);
      expect(one.trailers['x-row-count']).toBe('1');
    });

    it('answers a filter holding quotes, backslashes and SQL as a value', async () => {
      for (const login of LOGINS) {
        const res = await t.api(
          'GET',
          `/api/v1/calls?organizationId=${orgId}&format=csv&columns=login&login=${encodeURIComponent(login)}`,
        );
        expect(res.statusCode, res.body).toBe(200);
        expect(parseCsv(res.body)).toEqual([['login'], [login]]);
        expect(res.trailers['x-row-count']).toBe('1');
      }
      const all = await t.api('GET', `/api/v1/calls?organizationId=${orgId}&format=csv&columns=login`);
      expect(parseCsv(all.body).slice(1).flat().sort()).toEqual([...LOGINS].sort());
    });
  });
}
