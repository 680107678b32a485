import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_ACTION, KNOWN_REQUEST_TYPES } from '@synctrail/types';
import { ENGINES, readAllPages, seedBasics, startTestApp, type TestContext } from './harness.js';

const BASE = Date.UTC(2026, 1, 1, 8, 0, 0);
const APPS = ['Synctrail Portal', 'OAuth 2.0 Google Apps', 'OAuth 2.0 Office 365', 'NetSuite'];
const REQUEST_TYPES = [...KNOWN_REQUEST_TYPES, null];
const LOGINS = ['Ada@Example.com', 'bob@example.com', null];
const STATUS_CODES = [200, 302, 401, 403, 500, null];

/** What the tests read of a listed call. */
interface Summary {
  id: string;
  organizationId: string;
  at: string;
}

/** The i-th call of a fixture: every attribute cycles, and calls come in pairs sharing one time. */
const call = (i: number, over: Record<string, unknown> = {}) => ({
  at: new Date(BASE + Math.floor(i / 2) * 1000).toISOString(),
  direction: i % 2 ? 'INCOMING' : 'OUTGOING',
  appFrom: APPS[i % 4],
  appTo: APPS[(i + 1) % 4],
  action: CALL_ACTION[i % 7],
  requestType: REQUEST_TYPES[i % 5],
  login: i === 59 ? 'xada@example.com' : LOGINS[i % 3],
  method: i % 3 ? 'POST' : 'GET',
  url: `https://idp.example.com/saml/${i}`,
  statusCode: STATUS_CODES[i % 6],
  durationMs: 10 + i,
  request: { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: i }) },
  response: { headers: {}, body: 'ok' },
  ...over,
});

type C = ReturnType<typeof call>;

for (const kind of ENGINES) {
  describe(`calls API [${kind}]`, () => {
    let t: TestContext;
    let basics: Awaited<ReturnType<typeof seedBasics>>;
    beforeAll(async () => {
      t = await startTestApp(kind);
      basics = await seedBasics(t.api);
    });
    afterAll(() => t?.close());

    const newOrg = async () => (await seedBasics(t.api)).org.id as string;
    const listOf = async (org: string) =>
      (await readAllPages<Summary>(t.api, `/api/v1/calls?organizationId=${org}&limit=1000`)).items;
    const keyFor = async (org: string, scopes: string[]) => {
      const res = await t.api('POST', `/api/v1/organizations/${org}/api-keys`, {
        name: scopes.join('+'),
        scopes,
      });
      const token = res.json().token as string;
      return (method: 'GET' | 'POST', url: string, body?: unknown) =>
        t.api(method, url, body, { authorization: `Bearer ${token}` });
    };

    describe('POST /api/v1/calls', () => {
      it('stores a batch, answers its ids in order, and defaults time, action and payloads', async () => {
        const org = await newOrg();
        const before = Date.now();
        const res = await t.api('POST', '/api/v1/calls', [
          call(0, { organizationId: org }),
          call(1, {
            organizationId: org,
            at: undefined,
            action: undefined,
            request: undefined,
            response: undefined,
          }),
        ]);
        expect(res.statusCode, res.body).toBe(201);
        const { accepted, ids } = res.json();
        expect(accepted).toBe(2);
        expect(ids).toHaveLength(2);
        const first = (await t.api('GET', `/api/v1/calls/${ids[0]}`)).json();
        expect(first).toMatchObject({
          id: ids[0],
          organizationId: org,
          runId: null,
          at: call(0).at,
          direction: 'OUTGOING',
          appFrom: 'Synctrail Portal',
          appTo: 'OAuth 2.0 Google Apps',
          action: 'SSO_INITIATED',
          requestType: 'AUTHENTICATION_APPLICATIONS',
          login: 'Ada@Example.com',
          method: 'GET',
          url: 'https://idp.example.com/saml/0',
          statusCode: 200,
          durationMs: 10,
          request: { headers: { 'content-type': 'application/json' }, body: '{"n":0}' },
          response: { headers: {}, body: 'ok' },
        });
        const second = (await t.api('GET', `/api/v1/calls/${ids[1]}`)).json();
        expect(second.action).toBe('NA');
        expect(second.request).toEqual({ headers: {}, body: null });
        expect(second.response).toEqual({ headers: {}, body: null });
        expect(Date.parse(second.at)).toBeGreaterThanOrEqual(before - 1000);
        expect(Date.parse(second.at)).toBeLessThanOrEqual(Date.now() + 1000);
        expect((await listOf(org)).map((c) => c.id).sort()).toEqual([...ids].sort());
      });

      it('requires organizationId from an operator, storing nothing', async () => {
        const org = await newOrg();
        const res = await t.api('POST', '/api/v1/calls', [call(0, { organizationId: org }), call(1)]);
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('organization_required');
        expect(res.json().error.message).toMatch(/Call 1 has no organizationId.*operator/);
        expect(await listOf(org)).toEqual([]);
      });

      it("implies an organization key's organization and refuses another one", async () => {
        const org = await newOrg();
        const ingest = await keyFor(org, ['ingest']);
        const ok = await ingest('POST', '/api/v1/calls', [call(0), call(1, { organizationId: org })]);
        expect(ok.statusCode, ok.body).toBe(201);
        expect((await listOf(org)).map((c) => c.organizationId)).toEqual([org, org]);
        const other = await ingest('POST', '/api/v1/calls', [
          call(2),
          call(3, { organizationId: basics.org.id }),
        ]);
        expect(other.statusCode).toBe(404);
        expect(other.json().error.code).toBe('organization_not_found');
        expect(await listOf(org)).toHaveLength(2);
        expect(await listOf(basics.org.id)).toEqual([]);
        const read = await keyFor(org, ['read']);
        expect((await read('POST', '/api/v1/calls', [call(4)])).statusCode).toBe(403);
      });

      it('answers 404 for an organization that does not exist', async () => {
        const res = await t.api('POST', '/api/v1/calls', [call(0, { organizationId: randomUUID() })]);
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('organization_not_found');
      });

      it("links a call to its organization's run and refuses another organization's or an unknown run", async () => {
        const other = await seedBasics(t.api);
        const run = (await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id })).json();
        const ok = await t.api('POST', '/api/v1/calls', [
          call(0, { organizationId: basics.org.id, runId: run.id }),
        ]);
        expect(ok.statusCode, ok.body).toBe(201);
        const listed = (await t.api('GET', `/api/v1/calls?runId=${run.id}`)).json().items;
        expect(listed.map((c: Summary) => c.id)).toEqual(ok.json().ids);
        for (const runId of [run.id, randomUUID()]) {
          const res = await t.api('POST', '/api/v1/calls', [
            call(1, { organizationId: other.org.id }),
            call(2, { organizationId: other.org.id, runId }),
          ]);
          expect(res.statusCode).toBe(404);
          expect(res.json().error.code).toBe('run_not_found');
        }
        expect(await listOf(other.org.id)).toEqual([]);
      });

      it.each([
        ['an unknown action', { action: 'SSO_MAYBE' }],
        ['a missing direction', { direction: undefined }],
        ['a wrong type', { statusCode: '500' }],
        ['an unknown field', { colour: 'red' }],
        ['a lower-case request type', { requestType: 'login' }],
      ])('rejects a batch holding %s with 400, storing none of it', async (_label, over) => {
        const org = await newOrg();
        const batch = [call(0, { organizationId: org }), call(1, { organizationId: org, ...over })];
        const res = await t.api('POST', '/api/v1/calls', batch);
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
        expect(res.json().error.message).toMatch(/^Invalid request: 1\//); // names the bad item
        expect(await listOf(org)).toEqual([]);
      });

      it('rejects an object instead of an array, and a batch over 10,000, storing nothing', async () => {
        const org = await newOrg();
        const single = await t.api('POST', '/api/v1/calls', call(0, { organizationId: org }));
        expect(single.statusCode).toBe(400);
        expect(single.json().error.code).toBe('validation_failed');
        const big = Array.from({ length: 10_001 }, (_, i) => call(i, { organizationId: org }));
        const tooMany = await t.api('POST', '/api/v1/calls', big);
        expect(tooMany.statusCode).toBe(400);
        expect(tooMany.json().error).toMatchObject({ code: 'batch_too_large', details: { limit: 10_000 } });
        expect(await listOf(org)).toEqual([]);
      });

      it('accepts NDJSON, and rejects a broken line storing nothing', async () => {
        const org = await newOrg();
        const lines = [call(0, { organizationId: org }), call(1, { organizationId: org })].map((c) =>
          JSON.stringify(c),
        );
        const ndjson = { 'content-type': 'application/x-ndjson' };
        const res = await t.api('POST', '/api/v1/calls', lines.join('\n') + '\n', ndjson);
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().accepted).toBe(2);
        const broken = await t.api('POST', '/api/v1/calls', `${lines[0]}\n{"direction":\n`, ndjson);
        expect(broken.statusCode).toBe(400);
        expect(await listOf(org)).toHaveLength(2);
      });

      it('stores a retried batch once and answers the same (Idempotency-Key)', async () => {
        const org = await newOrg();
        const batch = [call(0, { organizationId: org }), call(1, { organizationId: org })];
        const headers = { 'idempotency-key': `calls-${org}` };
        const first = await t.api('POST', '/api/v1/calls', batch, headers);
        const again = await t.api('POST', '/api/v1/calls', batch, headers);
        expect(again.statusCode).toBe(201);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.json()).toEqual(first.json());
        expect(await listOf(org)).toHaveLength(2);
      });

      it('masks secrets in headers, JSON and form bodies and URLs before storing, and keeps ordinary data', async () => {
        const org = await newOrg();
        const res = await t.api('POST', '/api/v1/calls', [
          call(0, {
            organizationId: org,
            url: 'https://idp.example.com/token?client_id=portal&client_secret=s3cr3t',
            request: {
              headers: { Authorization: 'Bearer eyJhbGciOi.secret', Accept: 'application/json' },
              body: JSON.stringify({ username: 'ada@example.com', password: 'hunter2', remember: true }),
            },
            response: {
              headers: {
                'Set-Cookie': ['sid=abc; HttpOnly'],
                'content-type': 'application/x-www-form-urlencoded',
              },
              body: 'SAMLResponse=PHNhbWxwOlJlc3BvbnNl&RelayState=%2Fdashboard',
            },
          }),
        ]);
        const stored = (await t.api('GET', `/api/v1/calls/${res.json().ids[0]}`)).json();
        expect(stored.url).toBe('https://idp.example.com/token?client_id=portal&client_secret=***');
        expect(stored.request.headers).toEqual({ Authorization: '***', Accept: 'application/json' });
        expect(JSON.parse(stored.request.body)).toEqual({
          username: 'ada@example.com',
          password: '***',
          remember: true,
        });
        expect(stored.response.headers['Set-Cookie']).toEqual(['***']);
        expect(stored.response.body).toBe('SAMLResponse=***&RelayState=%2Fdashboard');
        const raw = await t.engine.db
          .selectFrom('calls')
          .select(['request', 'response'])
          .where('id', '=', stored.id)
          .executeTakeFirstOrThrow();
        expect(JSON.stringify(raw)).not.toMatch(/hunter2|eyJhbGciOi|PHNhbWxw|s3cr3t/);
      });

      it('keeps a call whose body holds characters the database cannot store as such', async () => {
        const org = await newOrg();
        const res = await t.api('POST', '/api/v1/calls', [
          call(0, { organizationId: org, response: { body: 'bin\u0000ary \ud800 😀' } }),
        ]);
        expect(res.statusCode, res.body).toBe(201);
        const stored = (await t.api('GET', `/api/v1/calls/${res.json().ids[0]}`)).json();
        expect(stored.response.body).toBe('bin\uFFFDary \uFFFD 😀');
      });
    });

    describe('GET /api/v1/calls', () => {
      let org: string;
      let ids: string[];
      const fixture = Array.from({ length: 60 }, (_, i) => call(i));
      /** The ids of the fixture calls matching `predicate`, for comparison with a list. */
      const expected = (predicate: (c: C, i: number) => boolean) =>
        ids.filter((_, i) => predicate(fixture[i] as C, i)).sort();
      const listed = async (query: string) =>
        (await readAllPages<Summary>(t.api, `/api/v1/calls?organizationId=${org}&limit=1000&${query}`)).items
          .map((c) => c.id)
          .sort();

      beforeAll(async () => {
        org = await newOrg();
        const res = await t.api(
          'POST',
          '/api/v1/calls',
          fixture.map((c) => ({ ...c, organizationId: org })),
        );
        expect(res.statusCode, res.body).toBe(201);
        ids = res.json().ids;
      });

      it('lists summaries without payloads, newest first', async () => {
        const page = (await t.api('GET', `/api/v1/calls?organizationId=${org}&limit=3`)).json();
        expect(page.items).toHaveLength(3);
        expect(page.items[0].at).toBe(fixture[59]?.at);
        expect(page.items[0]).not.toHaveProperty('request');
        expect(page.items[0]).not.toHaveProperty('response');
        expect(page.nextCursor).toEqual(expect.any(String));
      });

      it.each([
        ['action=SSO_FAILED', (c: C) => c.action === 'SSO_FAILED'],
        ['action=SSO_FAILED,SLO_FAILED', (c: C) => c.action === 'SSO_FAILED' || c.action === 'SLO_FAILED'],
        ['appFrom=NetSuite', (c: C) => c.appFrom === 'NetSuite'],
        ['appTo=NetSuite', (c: C) => c.appTo === 'NetSuite'],
        ['app=NetSuite', (c: C) => c.appFrom === 'NetSuite' || c.appTo === 'NetSuite'],
        [
          `app=${encodeURIComponent('OAuth 2.0 Office 365,NetSuite')}`,
          (c: C) => [c.appFrom, c.appTo].some((a) => a === 'NetSuite' || a === 'OAuth 2.0 Office 365'),
        ],
        [
          'requestType=LOGOUT_APPLICATIONS,LOGOUT_CONNECTIONS',
          (c: C) => String(c.requestType).startsWith('LOGOUT_'),
        ],
        ['requestType=SOMETHING_ELSE', () => false],
        ['login=ada%40EXAMPLE.com', (c: C) => /ada@example\.com/i.test(String(c.login))],
        ['action=sso%20failed', (c: C) => c.action === 'SSO_FAILED'],
        ['action=SSO Failed', (c: C) => c.action === 'SSO_FAILED'],
        [
          'requestType=Authentication-Applications',
          (c: C) => c.requestType === 'AUTHENTICATION_APPLICATIONS',
        ],
        ['direction=incoming', (c: C) => c.direction === 'INCOMING'],
        ['direction=INCOMING', (c: C) => c.direction === 'INCOMING'],
        ['direction=INCOMING,OUTGOING', () => true],
        ['statusCode=4xx', (c: C) => c.statusCode === 401 || c.statusCode === 403],
        ['statusCode=500,302', (c: C) => c.statusCode === 500 || c.statusCode === 302],
        ['statusCode=5XX,200', (c: C) => c.statusCode === 500 || c.statusCode === 200],
        [
          `from=${new Date(BASE + 10_000).toISOString()}&to=${new Date(BASE + 20_000).toISOString()}`,
          (_c: C, i: number) => i >= 20 && i < 40,
        ],
        [
          `action=SSO_SUCCESSFUL&direction=OUTGOING&statusCode=2xx,3xx`,
          (c: C) =>
            c.action === 'SSO_SUCCESSFUL' &&
            c.direction === 'OUTGOING' &&
            (c.statusCode === 200 || c.statusCode === 302),
        ],
      ])('filters by %s', async (query, predicate) => {
        const want = expected(predicate);
        expect(await listed(query)).toEqual(want);
        if (!query.startsWith('requestType=SOMETHING')) expect(want.length).toBeGreaterThan(0);
        if (!query.includes('INCOMING,OUTGOING')) expect(want.length).toBeLessThan(60);
      });

      it('matches a login anywhere in it, whatever the case, with wildcards taken literally', async () => {
        expect(await listed('login=xada%40example.com')).toEqual([ids[59]]);
        expect(await listed('login=XADA')).toEqual([ids[59]]);
        expect(await listed('login=BOB%40')).toEqual(expected((c) => c.login === 'bob@example.com'));
        expect(await listed('login=%25')).toEqual([]);
        expect(await listed('login=a_a')).toEqual([]);
      });

      it('pages through every call exactly once, in both orders, with ties in time', async () => {
        for (const sort of ['asc', 'desc'] as const) {
          const all = await readAllPages<Summary>(
            t.api,
            `/api/v1/calls?organizationId=${org}&limit=7&sort=${sort}`,
          );
          expect(all.pages).toBe(9);
          const got = all.items.map((c) => c.id);
          expect(new Set(got).size).toBe(60);
          expect([...got].sort()).toEqual([...ids].sort());
          const times = all.items.map((c) => Date.parse(c.at));
          expect(times).toEqual([...times].sort((a, b) => (sort === 'asc' ? a - b : b - a)));
        }
        const filtered = await readAllPages<Summary>(
          t.api,
          `/api/v1/calls?organizationId=${org}&limit=4&direction=INCOMING&sort=asc`,
        );
        expect(filtered.items.map((c) => c.id)).toEqual(expected((c) => c.direction === 'INCOMING'));
      });

      it('rejects unknown filter values naming the allowed ones', async () => {
        const action = await t.api('GET', '/api/v1/calls?action=SSO_FAILED,SSO_MAYBE');
        expect(action.statusCode).toBe(400);
        expect(action.json().error.code).toBe('invalid_filter');
        expect(action.json().error.message).toContain('SSO_MAYBE');
        expect(action.json().error.message).toContain(CALL_ACTION.join(', '));
        const direction = await t.api('GET', '/api/v1/calls?direction=SIDEWAYS');
        expect(direction.json().error.message).toContain('OUTGOING, INCOMING');
        for (const query of [
          'statusCode=teapot',
          // Any case is the code (requestType=login is LOGIN); a character no code has is refused.
          'requestType=log%3Bin',
          'organizationId=acme',
          'cursor=garbage',
          'colour=red',
        ]) {
          const res = await t.api('GET', `/api/v1/calls?${query}`);
          expect(res.statusCode, query).toBe(400);
        }
        const inverted = await t.api(
          'GET',
          `/api/v1/calls?from=${new Date(BASE + 1000).toISOString()}&to=${new Date(BASE).toISOString()}`,
        );
        expect(inverted.json().error.code).toBe('invalid_filter');
      });

      it("shows an organization's key only its own calls", async () => {
        const other = await newOrg();
        await t.api('POST', '/api/v1/calls', [call(0, { organizationId: other })]);
        const read = await keyFor(other, ['read']);
        const mine = (await read('GET', '/api/v1/calls?limit=1000')).json().items;
        expect(mine.map((c: Summary) => c.organizationId)).toEqual([other]);
        expect((await read('GET', `/api/v1/calls?organizationId=${org}`)).json().items).toEqual([]);
        const ingest = await keyFor(other, ['ingest']);
        expect((await ingest('GET', '/api/v1/calls')).statusCode).toBe(403);
      });
    });

    describe('GET /api/v1/calls/:id', () => {
      it('answers 404 call_not_found for an unknown id, a non-id and another organization', async () => {
        for (const id of [randomUUID(), 'not-a-uuid']) {
          const res = await t.api('GET', `/api/v1/calls/${id}`);
          expect(res.statusCode).toBe(404);
          expect(res.json().error.code).toBe('call_not_found');
        }
        const org = await newOrg();
        const other = await newOrg();
        const id = (await t.api('POST', '/api/v1/calls', [call(0, { organizationId: org })])).json().ids[0];
        const stranger = await keyFor(other, ['read']);
        expect((await stranger('GET', `/api/v1/calls/${id}`)).json().error.code).toBe('call_not_found');
      });

      it('shows bodies to readers with payload access, headers only to viewers, nothing to ingest keys', async () => {
        const org = await newOrg();
        const id = (await t.api('POST', '/api/v1/calls', [call(0, { organizationId: org })])).json().ids[0];
        const owner = await keyFor(org, ['read']);
        expect((await owner('GET', `/api/v1/calls/${id}`)).json().request.body).toBe('{"n":0}');
        const email = `viewer-${org}@example.com`;
        const password = 'correct horse battery staple';
        await t.api('POST', `/api/v1/organizations/${org}/members`, { email, role: 'VIEWER', password });
        const session = await t.api('POST', '/api/v1/session', { email, password }, { authorization: '' });
        const cookie = String(session.headers['set-cookie']).split(';')[0] ?? '';
        const seen = (
          await t.api('GET', `/api/v1/calls/${id}`, undefined, { authorization: '', cookie })
        ).json();
        expect(seen).toMatchObject({ id, url: 'https://idp.example.com/saml/0' });
        expect(seen.request).toEqual({ headers: { 'content-type': 'application/json' }, body: null });
        expect(seen.response.body).toBeNull();
        const ingest = await keyFor(org, ['ingest']);
        expect((await ingest('GET', `/api/v1/calls/${id}`)).statusCode).toBe(403);
      });
    });
  });
}
