import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { IssueListItem } from '@synctrail/types';
import { columnsOf } from '../src/exports/export-columns.js';
import {
  ENGINES,
  readAllPages,
  seedBasics,
  signInMember,
  startTestApp,
  type Api,
  type TestContext,
} from './harness.js';

interface Item {
  id: string;
  organizationId: string;
  userId: string;
  objectType: string;
  direction: string;
  errorCode: number;
  state: string;
  lastSeenAt: string;
  userName: string | null;
  userEmail: string | null;
  [field: string]: unknown;
}

const BASE = Date.UTC(2026, 5, 1, 8, 0, 0);
const at = (minute: number) => new Date(BASE + minute * 60_000).toISOString();
const FORWARD = ['EXCHANGE', 'SALESFORCE'] as const;
const BACKWARD = ['SALESFORCE', 'EXCHANGE'] as const;

/** One action of an object; its failures make an issue, its success resolves it. */
const action = (
  id: string,
  minute: number,
  code: number,
  [from, to]: readonly [string, string],
  ok = false,
) => ({
  at: at(minute),
  source: { system: from, id, name: `Object ${id}` },
  target: { system: to, id: null },
  objectType: code % 2 ? 'Contact' : 'Appointment',
  action: 'UPDATE',
  status: ok ? 'OK' : 'ERROR',
  message: ok ? 'Synced' : `Failed with code ${code}`,
  errorCode: code,
});

const ids = (items: readonly Item[]) => items.map((i) => i.id);

/** Newest first, ties by id: the default order of the list. */
const newestFirst = (a: Item, b: Item) =>
  a.lastSeenAt === b.lastSeenAt ? (a.id < b.id ? 1 : -1) : a.lastSeenAt < b.lastSeenAt ? 1 : -1;

for (const kind of ENGINES) {
  describe(`GET /api/v1/issues [${kind}]`, () => {
    let t: TestContext;
    let a: Awaited<ReturnType<typeof seedBasics>>;
    let b: Awaited<ReturnType<typeof seedBasics>>;
    let secondUserId: string;
    let all: Item[];

    const report = async (basics: typeof a, userId: string, actions: unknown[]) => {
      const run = await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id, userId });
      expect(run.statusCode, run.body).toBe(201);
      const res = await t.api('POST', `/api/v1/runs/${run.json().id}/actions`, actions);
      expect(res.statusCode, res.body).toBe(201);
      return run.json().id as string;
    };
    const list = async (query: string, api: Api = t.api) =>
      (await readAllPages<Item>(api, `/api/v1/issues?limit=1000${query}`)).items;

    beforeAll(async () => {
      t = await startTestApp(kind);
      a = await seedBasics(t.api);
      b = await seedBasics(t.api);
      secondUserId = (
        await t.api('POST', `/api/v1/organizations/${a.org.id}/users`, {
          externalId: 'grace',
          email: 'grace@example.com',
          name: 'Grace Hopper',
        })
      ).json().id;
      // Org A, first user: 12 issues, 0 and 1 resolved later; second user: 4; org B: 5.
      await report(
        a,
        a.user.id,
        Array.from({ length: 12 }, (_, i) => action(`a${i}`, i, i % 4, i % 3 ? FORWARD : BACKWARD)),
      );
      await report(a, a.user.id, [action('a0', 50, 0, BACKWARD, true), action('a1', 51, 1, FORWARD, true)]);
      await report(
        a,
        secondUserId,
        Array.from({ length: 4 }, (_, i) => action(`g${i}`, 100 + i, 3 - i, FORWARD)),
      );
      await report(
        b,
        b.user.id,
        Array.from({ length: 5 }, (_, i) => action(`b${i}`, 20 + i, i % 4, BACKWARD)),
      );
      all = await list('');
    });
    afterAll(() => t?.close());

    it('lists every issue for the operator, newest seen first, with the user name and email', async () => {
      expect(all).toHaveLength(21);
      expect(ids(all)).toEqual(ids([...all].sort(newestFirst)));
      const grace = all.filter((i) => i.userId === secondUserId);
      expect(grace).toHaveLength(4);
      expect(grace[0]).toMatchObject({
        organizationId: a.org.id,
        userName: 'Grace Hopper',
        userEmail: 'grace@example.com',
        objectType: 'Appointment',
        direction: 'EXCHANGE → SALESFORCE',
        operation: 'UPDATE',
        errorCode: 0,
        errorText: 'Failed with code 0',
        occurrences: 1,
        state: 'OPEN',
        lastSeenAt: at(103),
        lastRunId: expect.any(String),
        resolvedAt: null,
      });
      expect(all.filter((i) => i.state === 'RESOLVED').map((i) => i.resolvedAt)).toEqual([at(51), at(50)]);
      // The same wire object as a user's list (which has no user fields).
      const mine = (await t.api('GET', `/api/v1/users/${secondUserId}/issues`)).json().items;
      expect(mine).toEqual(grace.map(({ userName: _n, userEmail: _e, ...issue }) => issue));
    });

    it("shows a member and an API key their organizations' issues only, refusing like GET /runs", async () => {
      const member = await signInMember(t.api, a.org.id, 'viewer-a@example.com', 'VIEWER');
      const asMember: Api = (method, url, body, headers) =>
        t.api(method, url, body, { ...member, ...headers });
      const seen = await list('', asMember);
      expect(ids(seen)).toEqual(ids(all.filter((i) => i.organizationId === a.org.id)));
      expect(seen).toHaveLength(16);
      // Another organization's id narrows to nothing, as on the list of runs; its user is not found.
      expect(await list(`&organizationId=${b.org.id}`, asMember)).toEqual([]);
      expect((await asMember('GET', `/api/v1/runs?organizationId=${b.org.id}`)).json().items).toEqual([]);
      expect(await list(`&userId=${b.user.id}`, asMember)).toEqual([]);
      const foreign = await asMember('GET', `/api/v1/users/${b.user.id}/issues`);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().error.code).toBe('user_not_found');

      const key = async (scopes: string[]) => {
        const res = await t.api('POST', `/api/v1/organizations/${b.org.id}/api-keys`, { name: 'k', scopes });
        return { authorization: `Bearer ${res.json().token}` };
      };
      const reader = await key(['read']);
      const keyed = await list('', (m, u, body, h) => t.api(m, u, body, { ...reader, ...h }));
      expect(ids(keyed)).toEqual(ids(all.filter((i) => i.organizationId === b.org.id)));
      const ingest = await key(['ingest']);
      for (const url of ['/api/v1/issues', '/api/v1/runs']) {
        const res = await t.api('GET', url, undefined, ingest);
        expect(res.statusCode, url).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
      }
    });

    it('filters by organization, user, state, error code, type, direction and last seen', async () => {
      const cases: [string, (i: Item) => boolean][] = [
        [`&organizationId=${b.org.id}`, (i) => i.organizationId === b.org.id],
        [`&organizationId=${a.org.id},${b.org.id}`, () => true],
        [`&userId=${secondUserId},${b.user.id}`, (i) => i.userId === secondUserId || i.userId === b.user.id],
        ['&state=open', (i) => i.state === 'OPEN'],
        ['&state=Resolved', (i) => i.state === 'RESOLVED'],
        ['&errorCode=0,3', (i) => i.errorCode === 0 || i.errorCode === 3],
        ['&type=Contact', (i) => i.objectType === 'Contact'],
        ['&objectType=Appointment', (i) => i.objectType === 'Appointment'],
        ['&direction=SALESFORCE->EXCHANGE', (i) => i.direction === 'SALESFORCE → EXCHANGE'],
        [
          `&direction=${encodeURIComponent('EXCHANGE → SALESFORCE')}`,
          (i) => i.direction === 'EXCHANGE → SALESFORCE',
        ],
        [`&from=${at(10)}`, (i) => i.lastSeenAt >= at(10)],
        [`&from=${at(5)}&to=${at(22)}`, (i) => i.lastSeenAt >= at(5) && i.lastSeenAt < at(22)],
        [
          `&organizationId=${a.org.id}&state=OPEN&errorCode=1,2&direction=EXCHANGE>SALESFORCE`,
          (i) =>
            i.organizationId === a.org.id &&
            i.state === 'OPEN' &&
            (i.errorCode === 1 || i.errorCode === 2) &&
            i.direction === 'EXCHANGE → SALESFORCE',
        ],
      ];
      for (const [query, keep] of cases) {
        const expected = ids(all.filter(keep));
        expect(expected.length, query).toBeGreaterThan(0);
        expect(ids(await list(query)), query).toEqual(expected);
      }
    });

    it('refuses bad filters with 400 invalid_filter naming the allowed values', async () => {
      const refusal = async (query: string) => {
        const res = await t.api('GET', `/api/v1/issues?${query}`);
        expect(res.statusCode, query).toBe(400);
        return res.json().error;
      };
      expect(await refusal('state=CLOSED')).toMatchObject({
        code: 'invalid_filter',
        details: { filter: 'state', invalid: ['CLOSED'], allowed: ['OPEN', 'RESOLVED'] },
      });
      const code = await refusal('errorCode=1,7');
      expect(code).toMatchObject({ code: 'invalid_filter', details: { allowed: ['0', '1', '2', '3'] } });
      expect(code.message).toContain('allowed values: 0, 1, 2, 3');
      expect(await refusal('direction=EXCHANGE')).toMatchObject({
        code: 'invalid_filter',
        details: { filter: 'direction' },
      });
      expect((await refusal('userId=nobody')).details.filter).toBe('userId');
      expect((await refusal('organizationId=nowhere')).details.filter).toBe('organizationId');
      expect((await refusal(`from=${at(9)}&to=${at(1)}`)).code).toBe('invalid_filter');
      expect((await refusal('cursor=bm90LWEtY3Vyc29y')).code).toBe('invalid_cursor');
      expect((await refusal('sort=sideways')).code).toBeDefined();
      expect((await refusal('colour=red')).code).toBeDefined();
    });

    it('pages with cursors both ways', async () => {
      const desc = await readAllPages<Item>(t.api, '/api/v1/issues?limit=5');
      expect(desc.pages).toBe(5);
      expect(ids(desc.items)).toEqual(ids(all));
      const asc = await readAllPages<Item>(t.api, '/api/v1/issues?limit=4&sort=asc');
      expect(asc.pages).toBe(6);
      expect(ids(asc.items)).toEqual(ids([...all].reverse()));
      const filtered = await readAllPages<Item>(
        t.api,
        `/api/v1/issues?limit=3&state=OPEN&organizationId=${a.org.id}&sort=desc`,
      );
      expect(filtered.pages).toBe(5);
      expect(ids(filtered.items)).toEqual(
        ids(all.filter((i) => i.state === 'OPEN' && i.organizationId === a.org.id)),
      );
      const first = (await t.api('GET', '/api/v1/issues?limit=2&sort=asc')).json();
      const next = (
        await t.api('GET', `/api/v1/issues?limit=2&sort=asc&cursor=${encodeURIComponent(first.nextCursor)}`)
      ).json();
      expect(ids([...first.items, ...next.items])).toEqual(ids([...all].reverse().slice(0, 4)));
    });

    it('exports the same rows as CSV, audited as export.csv with its filters and row count', async () => {
      const columns = columnsOf(IssueListItem);
      expect(columns).toEqual(expect.arrayContaining(['id', 'userName', 'userEmail', 'lastSeenAt', 'state']));
      const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
      for (const query of ['', `&state=OPEN&organizationId=${a.org.id}`, '&sort=asc&errorCode=3']) {
        const json = await list(query);
        const res = await t.api('GET', `/api/v1/issues?format=csv${query}`);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(res.headers['content-disposition']).toMatch(/^attachment; filename="issues_[^"]*\.csv"$/);
        expect(res.trailers['x-row-count']).toBe(String(json.length));
        const [header, ...rows] = parse(res.body) as string[][];
        expect(header).toEqual(columns);
        expect(rows).toEqual(json.map((item) => columns.map((c) => cell(item[c]))));
      }
      const events = (await t.api('GET', '/api/v1/audit?action=export.csv&limit=5')).json().items;
      expect(events.find((e: any) => e.details.filters.state === 'OPEN')).toMatchObject({
        action: 'export.csv',
        organizationId: a.org.id,
        details: {
          list: 'issues',
          filters: { state: 'OPEN', organizationId: a.org.id },
          rows: all.filter((i) => i.state === 'OPEN' && i.organizationId === a.org.id).length,
          complete: true,
        },
      });
      const paged = await t.api('GET', '/api/v1/issues?format=csv&limit=5');
      expect(paged.json().error.code).toBe('invalid_filter');
    });
  });

  describe(`GET /api/v1/runs/:id?format= [${kind}]`, () => {
    let t: TestContext;
    let runId: string;
    let basics: Awaited<ReturnType<typeof seedBasics>>;
    beforeAll(async () => {
      t = await startTestApp(kind);
      basics = await seedBasics(t.api);
      const run = await t.api('POST', '/api/v1/runs', {
        integrationId: basics.integration.id,
        name: 'Weekly appointments',
        progress: 'FINISHED',
        errorSource: 'EXCHANGE',
        exception: 'ErrorMailboxStoreUnavailable: the mailbox database is temporarily unavailable',
        actions: [action('x1', 0, 1, FORWARD), action('x2', 1, 0, FORWARD, true)],
      });
      expect(run.statusCode, run.body).toBe(201);
      runId = run.json().id;
    });
    afterAll(() => t?.close());

    it('answers the run report PDF, as report.pdf does, and audits it the same way', async () => {
      const res = await t.api('GET', `/api/v1/runs/${runId}?format=pdf`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="run-${runId}-report_\\d{8}T\\d{4}Z\\.pdf"$`),
      );
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: res.rawPayload }).toString();
      expect(text).toContain('Sync run Weekly appointments');
      expect(text).toContain('ErrorMailboxStoreUnavailable: the mailbox database is temporarily');
      expect(text).toContain('Object x2');
      const alias = (await t.api('GET', '/api/v1/audit?action=export.pdf&limit=1')).json().items[0];
      await t.api('GET', `/api/v1/runs/${runId}/report.pdf`);
      const original = (await t.api('GET', '/api/v1/audit?action=export.pdf&limit=1')).json().items[0];
      for (const event of [alias, original]) {
        expect(event).toMatchObject({
          action: 'export.pdf',
          organizationId: basics.org.id,
          target: `run:${runId}`,
          details: { list: `run-${runId}-report`, rows: 2, complete: true },
        });
      }
    });

    it('answers JSON without a format or with json, and a 400 naming its formats for csv', async () => {
      for (const query of ['', '?format=json']) {
        const res = await t.api('GET', `/api/v1/runs/${runId}${query}`);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ id: runId, name: 'Weekly appointments' });
      }
      const csv = await t.api('GET', `/api/v1/runs/${runId}?format=csv`);
      expect(csv.statusCode).toBe(400);
      expect(csv.json().error).toMatchObject({
        code: 'invalid_filter',
        details: { filter: 'format', invalid: ['csv'], allowed: ['json', 'pdf'] },
      });
      expect(csv.json().error.message).toMatch(/json or pdf/);
      expect((await t.api('GET', `/api/v1/runs/${runId}?format=pdf&x=1`)).statusCode).toBe(400);
      const other = await seedBasics(t.api);
      const key = await t.api('POST', `/api/v1/organizations/${other.org.id}/api-keys`, {
        name: 'r',
        scopes: ['read'],
      });
      const foreign = await t.api('GET', `/api/v1/runs/${runId}?format=pdf`, undefined, {
        authorization: `Bearer ${key.json().token}`,
      });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().error.code).toBe('run_not_found');
    });
  });
}
