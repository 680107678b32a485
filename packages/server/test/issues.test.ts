import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, readAllPages, seedBasics, startTestApp, type TestContext } from './harness.js';

interface IssueItem {
  objectName: string;
  objectType: string;
  operation: string;
  direction: string;
  errorCode: number;
  errorText: string;
  occurrences: number;
  state: string;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
}

const item = (id: string, over: Record<string, unknown> = {}) => ({
  source: { system: 'EXCHANGE', id, name: `Meeting ${id}` },
  target: { system: 'SALESFORCE', id: null },
  objectType: 'Appointment',
  action: 'CREATE',
  status: 'ERROR',
  message: 'Object is locked',
  errorCode: 1,
  ...over,
});

for (const kind of ENGINES) {
  describe(`issues of a sync user [${kind}]`, () => {
    let t: TestContext;
    let basics: Awaited<ReturnType<typeof seedBasics>>;
    beforeAll(async () => {
      t = await startTestApp(kind);
      basics = await seedBasics(t.api);
    });
    afterAll(() => t?.close());

    const runWith = async (actions: unknown[], userId: string | null = basics.user.id) => {
      const run = (
        await t.api('POST', '/api/v1/runs', {
          integrationId: basics.integration.id,
          ...(userId ? { userId } : {}),
        })
      ).json();
      const res = await t.api('POST', `/api/v1/runs/${run.id}/actions`, actions);
      expect(res.statusCode, res.body).toBe(201);
      return res.json().run;
    };
    const issues = async (query = '') =>
      (await readAllPages<IssueItem>(t.api, `/api/v1/users/${basics.user.id}/issues?limit=100${query}`))
        .items;

    it('opens an issue for an ERROR action, with direction, operation, code and text', async () => {
      const run = await runWith([item('m1', { at: '2026-03-01T10:00:00.000Z' })]);
      expect(run.counters.issues).toBe(1);
      const [issue] = await issues();
      expect(issue).toMatchObject({
        objectType: 'Appointment',
        objectName: 'Meeting m1',
        direction: 'EXCHANGE → SALESFORCE',
        operation: 'CREATE',
        errorCode: 1,
        errorText: 'Object is locked',
        occurrences: 1,
        state: 'OPEN',
        firstSeenAt: '2026-03-01T10:00:00.000Z',
      });
    });

    it('counts a repeated failure of the same object and operation on the same issue', async () => {
      await runWith([
        item('m1', { at: '2026-03-02T10:00:00.000Z', errorCode: 3, message: 'Updated prematurely' }),
      ]);
      const open = await issues('&state=OPEN');
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({
        occurrences: 2,
        errorCode: 3,
        errorText: 'Updated prematurely',
        lastSeenAt: '2026-03-02T10:00:00.000Z',
        firstSeenAt: '2026-03-01T10:00:00.000Z',
      });
    });

    it('opens a separate issue for another operation on the same object', async () => {
      await runWith([item('m1', { action: 'DELETE', errorCode: 2, message: 'Already removed' })]);
      expect(await issues('&state=OPEN')).toHaveLength(2);
    });

    it('resolves the open issues of an object when a later action on it succeeds', async () => {
      await runWith([
        item('m1', { action: 'UPDATE', status: 'OK', message: 'Synced', at: '2026-03-03T08:30:00.000Z' }),
      ]);
      expect(await issues('&state=OPEN')).toHaveLength(0);
      const resolved = await issues('&state=RESOLVED');
      expect(resolved).toHaveLength(2);
      // When the object synced fine, not when the report arrived.
      expect(resolved.map((i) => i.resolvedAt)).toEqual([
        '2026-03-03T08:30:00.000Z',
        '2026-03-03T08:30:00.000Z',
      ]);
    });

    it('leaves issues alone for runs without a sync user', async () => {
      const before = (await issues()).length;
      const run = await runWith([item('m9')], null);
      expect(run.counters.issues).toBe(0);
      expect(await issues()).toHaveLength(before);
    });

    it('filters by state and error code, and rejects unknown values', async () => {
      await runWith([
        item('c1', { objectType: 'Contact', errorCode: 0 }),
        item('c2', { objectType: 'Contact', errorCode: 3 }),
      ]);
      const codes = await issues('&errorCode=0,3&state=OPEN');
      expect(codes.map((i) => i.errorCode).sort()).toEqual([0, 3]);
      expect(await issues('&objectType=Contact')).toHaveLength(2);
      const bad = await t.api('GET', `/api/v1/users/${basics.user.id}/issues?errorCode=9`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toContain('0, 1, 2, 3');
      expect(
        (await t.api('GET', `/api/v1/users/${basics.user.id}/issues?state=CLOSED`)).json().error.code,
      ).toBe('invalid_filter');
    });

    it('answers 404 for an unknown user', async () => {
      const res = await t.api('GET', '/api/v1/users/01890000-0000-7000-8000-000000000000/issues');
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('user_not_found');
    });
  });
}
