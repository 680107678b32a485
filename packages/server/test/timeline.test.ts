import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Issue, Run, TimelineEntry } from '@synctrail/types';
import { ENGINES, readAllPages, signInMember, startTestApp, type TestContext } from './harness.js';

const T0 = Date.UTC(2026, 4, 1, 8, 0, 0);
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();
const action = (minute: number, status: string, object: string) => ({
  at: at(minute),
  source: { system: 'EXCHANGE', id: object, name: object },
  target: { system: 'CRM' },
  objectType: 'Contact',
  action: 'UPDATE',
  status,
  message: `${status} ${object}`,
  ...(status === 'ERROR' ? { errorCode: 1 } : {}),
});

for (const kind of ENGINES) {
  describe(`GET /api/v1/users/{id}/timeline [${kind}]`, () => {
    let t: TestContext;
    let orgA: string;
    let orgB: string;
    let ann: string;
    const runNames = new Map<string, string>();
    const issueObjects = new Map<string, string>();
    /** The whole timeline, newest first, as labels a person reads. */
    let expected: string[];

    const label = (e: TimelineEntry): string => {
      switch (e.kind) {
        case 'run':
          return `run ${e.run.name}`;
        case 'action':
          return `action ${runNames.get(e.action.runId)}#${e.action.seq}`;
        case 'issue':
          return `issue ${issueObjects.get(e.issue.id)} ${e.event}`;
        case 'call':
          return `call ${new URL(e.call.url).pathname.slice(1)}`;
      }
    };
    const timeline = async (query = '', headers: Record<string, string> = {}) => {
      const res = await t.api('GET', `/api/v1/users/${ann}/timeline?limit=1000${query}`, undefined, headers);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: TimelineEntry[]; nextCursor: string | null }>();
    };
    const labels = async (query = '') => (await timeline(query)).items.map(label);

    beforeAll(async () => {
      t = await startTestApp(kind);
      orgA = (await t.api('POST', '/api/v1/organizations', { name: 'Timeline A' })).json().id;
      orgB = (await t.api('POST', '/api/v1/organizations', { name: 'Timeline B' })).json().id;
      const integration = async (org: string) =>
        (
          await t.api('POST', `/api/v1/organizations/${org}/integrations`, { type: 'exchange', name: 'EWS' })
        ).json().id as string;
      const user = async (org: string, externalId: string, email: string) =>
        (await t.api('POST', `/api/v1/organizations/${org}/users`, { externalId, email })).json()
          .id as string;
      const ia = await integration(orgA);
      const ib = await integration(orgB);
      ann = await user(orgA, 'MBX-Ann', 'Ann@Mail.test');
      const bob = await user(orgA, 'mbx-bob', 'bob@mail.test');
      const annOfB = await user(orgB, 'MBX-Ann', 'ann@mail.test');
      const run = async (body: Record<string, unknown>) => {
        const res = await t.api('POST', '/api/v1/runs', { integrationId: ia, progress: 'FINISHED', ...body });
        expect(res.statusCode, res.body).toBe(201);
        const created = res.json<Run>();
        runNames.set(created.id, String(body.name));
        return created;
      };
      const r1 = await run({
        userId: ann,
        name: 'r1',
        startedAt: at(0),
        actions: [
          action(1, 'ERROR', 'c-1'),
          action(2, 'WARNING', 'c-1'),
          action(3, 'OK', 'c-9'),
          // Two failures at the same moment: two actions and two issues tied on time.
          action(4, 'ERROR', 'c-2'),
          action(4, 'ERROR', 'c-3'),
          action(5, 'INFO', 'c-9'),
        ],
      });
      // The OK action on c-1 resolves its issue at its own time.
      const r2 = await run({
        userId: ann,
        name: 'r2',
        startedAt: at(10),
        actions: [action(11, 'OK', 'c-1')],
      });
      await run({ userId: ann, name: 'r3', startedAt: at(20), exception: 'x'.repeat(800) });
      // Failed and synced fine at the same moment: the issue opens and resolves at one time.
      await run({
        userId: ann,
        name: 'r4',
        startedAt: at(25),
        actions: [action(30, 'ERROR', 'c-7'), action(30, 'OK', 'c-7')],
      });
      const bobs = await run({
        userId: bob,
        name: 'bob',
        startedAt: at(5),
        actions: [action(5, 'ERROR', 'b-1')],
      });
      await run({ name: 'nobody', startedAt: at(7), actions: [action(7, 'ERROR', 'n-1')] });
      // Her namesake in another organization, with a failed run of his own.
      await t.api('POST', '/api/v1/runs', {
        integrationId: ib,
        userId: annOfB,
        startedAt: at(8),
        progress: 'FINISHED',
        actions: [action(8, 'ERROR', 'c-1')],
      });
      for (const issue of (await t.api('GET', `/api/v1/users/${ann}/issues?limit=100`)).json()
        .items as Issue[])
        issueObjects.set(issue.id, issue.objectId!);

      const call = (org: string, path: string, minute: number, extra: Record<string, unknown>) => ({
        organizationId: org,
        at: at(minute),
        direction: 'OUTGOING',
        appFrom: 'Exchange connector',
        appTo: 'Salesforce',
        method: 'GET',
        url: `https://crm.test/${path}`,
        statusCode: 200,
        ...extra,
      });
      const calls = await t.api('POST', '/api/v1/calls', [
        call(orgA, 'k1', 2, { runId: r1.id, login: 'svc@mail.test' }),
        call(orgA, 'k2', 12, { runId: r2.id, statusCode: 500 }),
        call(orgA, 'k3', 6, { login: 'ann@mail.TEST' }),
        call(orgA, 'k4', 15, { login: 'mbx-ann', action: 'SSO_FAILED', statusCode: null }),
        // Of one of her runs and with her login: matched by the run, once.
        call(orgA, 'k5', 3, { runId: r1.id, login: 'ann@mail.test' }),
        call(orgA, 'k8', 10, { login: 'ANN@MAIL.TEST' }),
        // Not hers: another user's run, a login that only contains hers, another organization.
        call(orgA, 'x-bob', 5, { runId: bobs.id, login: 'bob@mail.test' }),
        call(orgA, 'x-longer', 9, { login: 'ann@mail.test.example' }),
        call(orgB, 'x-other-org', 9, { login: 'ann@mail.test' }),
      ]);
      expect(calls.statusCode, calls.body).toBe(201);

      const [c2, c3] = [...issueObjects]
        .filter(([, o]) => o === 'c-2' || o === 'c-3')
        .sort(([a], [b]) => (a < b ? 1 : -1));
      expected = [
        'issue c-7 resolved',
        'issue c-7 opened',
        'action r4#1',
        'run r4',
        'run r3',
        'call k4',
        'call k2',
        'issue c-1 resolved',
        'run r2',
        'call k8',
        'call k3',
        `issue ${c2![1]} opened`,
        `issue ${c3![1]} opened`,
        'action r1#5',
        'action r1#4',
        'call k5',
        'call k1',
        'action r1#2',
        'issue c-1 opened',
        'action r1#1',
        'run r1',
      ];
    });
    afterAll(() => t?.close());

    it('interleaves runs, failing actions, issues and calls newest first by time, then kind, then id', async () => {
      const page = await timeline();
      expect(page.items.map(label)).toEqual(expected);
      expect(page.nextCursor).toBeNull();
      const ids = page.items.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      const times = page.items.map((e) => e.at);
      expect(times).toEqual([...times].sort().reverse());
    });

    it('describes each entry: run, action, issue and call with their status', async () => {
      const items = (await timeline()).items;
      const byLabel = (l: string) => items.find((e) => label(e) === l)!;
      const r3 = byLabel('run r3');
      expect(r3).toMatchObject({ kind: 'run', at: at(20), status: 'OK' });
      if (r3.kind !== 'run') throw new Error('not a run');
      expect(r3.run).toMatchObject({
        name: 'r3',
        progress: 'FINISHED',
        trigger: 'FULL_SYNC_JOB',
        integrationType: 'exchange',
      });
      expect(r3.run.exception).toBe('x'.repeat(500));
      expect(byLabel('run r1').status).toBe('ERROR');
      expect(byLabel('action r1#2')).toMatchObject({
        kind: 'action',
        status: 'WARNING',
        at: at(2),
        action: {
          seq: 2,
          objectType: 'Contact',
          action: 'UPDATE',
          sourceSystem: 'EXCHANGE',
          sourceName: 'c-1',
          targetSystem: 'CRM',
          message: 'WARNING c-1',
          errorCode: null,
        },
      });
      expect(byLabel('issue c-1 opened')).toMatchObject({
        status: 'ERROR',
        at: at(1),
        event: 'opened',
        issue: { state: 'RESOLVED' },
      });
      expect(byLabel('issue c-1 resolved')).toMatchObject({ status: 'OK', at: at(11), event: 'resolved' });
      const matched = Object.fromEntries(
        items.flatMap((e) => (e.kind === 'call' ? [[label(e), [e.matchedBy, e.status]]] : [])),
      );
      expect(matched).toEqual({
        'call k1': ['run', 'OK'],
        'call k2': ['run', 'ERROR'],
        'call k3': ['login', 'OK'],
        'call k4': ['login', 'ERROR'],
        'call k5': ['run', 'OK'],
        'call k8': ['login', 'OK'],
      });
    });

    it('pages with small limits to exactly the full list, without duplicates, both ways', async () => {
      for (const limit of [1, 2, 3, 5]) {
        for (const sort of ['desc', 'asc'] as const) {
          const paged = await readAllPages<TimelineEntry>(
            t.api,
            `/api/v1/users/${ann}/timeline?limit=${limit}&sort=${sort}`,
          );
          const want = sort === 'desc' ? expected : [...expected].reverse();
          expect(paged.items.map(label), `limit ${limit} ${sort}`).toEqual(want);
          expect(paged.pages).toBe(Math.ceil(expected.length / limit));
        }
      }
      const filtered = await readAllPages<TimelineEntry>(
        t.api,
        `/api/v1/users/${ann}/timeline?limit=2&kind=issue,action&status=error`,
      );
      expect(filtered.items.map(label)).toEqual(await labels('&kind=issue,action&status=error'));
    });

    it('lists oldest first with sort=asc', async () => {
      expect(await labels('&sort=asc')).toEqual([...expected].reverse());
    });

    it('filters by kind (any case), status, and time range', async () => {
      expect(await labels('&kind=issue,Action')).toEqual(
        expected.filter((l) => l.startsWith('issue') || l.startsWith('action')),
      );
      expect(await labels('&kind=CALL')).toEqual(expected.filter((l) => l.startsWith('call')));
      expect(await labels('&status=error')).toEqual([
        'issue c-7 opened',
        'action r4#1',
        'run r4',
        'call k4',
        'call k2',
        expected[11],
        expected[12],
        'action r1#5',
        'action r1#4',
        'issue c-1 opened',
        'action r1#1',
        'run r1',
      ]);
      expect(await labels('&status=OK')).toEqual([
        'issue c-7 resolved',
        'run r3',
        'issue c-1 resolved',
        'run r2',
        'call k8',
        'call k3',
        'call k5',
        'call k1',
      ]);
      expect(await labels('&status=warning,info')).toEqual(['action r1#2']);
      expect(await labels('&kind=run&status=error,ok')).toEqual(['run r4', 'run r3', 'run r2', 'run r1']);
      expect(await labels(`&from=${at(4)}&to=${at(12)}`)).toEqual(expected.slice(7, 15));
    });

    it('answers 400 naming the allowed values for a bad kind or status, and refuses a forged cursor', async () => {
      const bad = await t.api('GET', `/api/v1/users/${ann}/timeline?kind=run,session`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatchObject({ code: 'invalid_filter', details: { invalid: ['session'] } });
      expect(bad.json().error.message).toContain('run, action, issue, call');
      const status = await t.api('GET', `/api/v1/users/${ann}/timeline?status=FAILED`);
      expect(status.statusCode).toBe(400);
      expect(status.json().error.message).toContain('OK, INFO, WARNING, ERROR');
      for (const forged of [
        Buffer.from(JSON.stringify([T0, 'run:not-a-uuid'])).toString('base64url'),
        Buffer.from(JSON.stringify([T0, "issue:0190' or 1=1"])).toString('base64url'),
        Buffer.from(JSON.stringify(['soon', 'run:x'])).toString('base64url'),
        'garbage',
      ]) {
        const res = await t.api('GET', `/api/v1/users/${ann}/timeline?cursor=${forged}`);
        expect(res.statusCode, forged).toBe(400);
        expect(res.json().error.code).toBe('invalid_cursor');
      }
      const inverted = await t.api('GET', `/api/v1/users/${ann}/timeline?from=${at(10)}&to=${at(1)}`);
      expect(inverted.json().error.code).toBe('invalid_filter');
    });

    it('is readable by a VIEWER of the organization, hidden from another organization, refused to an ingest key', async () => {
      const viewer = await signInMember(t.api, orgA, `viewer-${kind}@a.test`, 'VIEWER');
      expect((await timeline('', viewer)).items.map(label)).toEqual(expected);
      const stranger = await signInMember(t.api, orgB, `admin-${kind}@b.test`, 'ADMIN');
      const hidden = await t.api('GET', `/api/v1/users/${ann}/timeline`, undefined, stranger);
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json().error.code).toBe('user_not_found');
      const key = (
        await t.api('POST', `/api/v1/organizations/${orgA}/api-keys`, { name: 'ingest', scopes: ['ingest'] })
      ).json().token as string;
      const refused = await t.api('GET', `/api/v1/users/${ann}/timeline`, undefined, {
        authorization: `Bearer ${key}`,
      });
      expect(refused.statusCode).toBe(403);
      const unknown = await t.api('GET', '/api/v1/users/01890000-0000-7000-8000-000000000000/timeline');
      expect(unknown.statusCode).toBe(404);
    });
  });
}
