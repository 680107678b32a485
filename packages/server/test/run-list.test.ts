import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, readAllPages, startTestApp, type TestContext } from './harness.js';

interface RunItem {
  id: string;
  requestedAt: string;
  status: string;
  trigger: string;
  progress: string;
  integrationType: string;
  organizationId: string;
  userId: string | null;
  name: string | null;
}

for (const kind of ENGINES) {
  describe(`GET /api/v1/runs filters and paging [${kind}]`, () => {
    let t: TestContext;
    const ids: Record<string, string> = {};
    const day = (d: number) => new Date(Date.UTC(2026, 2, d, 6)).toISOString();

    beforeAll(async () => {
      t = await startTestApp(kind);
      const api = t.api;
      const orgA = (await api('POST', '/api/v1/organizations', { name: 'Acme' })).json();
      const orgB = (await api('POST', '/api/v1/organizations', { name: 'Globex' })).json();
      Object.assign(ids, { orgA: orgA.id, orgB: orgB.id });
      const mk = async (org: string, type: string) =>
        (await api('POST', `/api/v1/organizations/${org}/integrations`, { type, name: type })).json()
          .id as string;
      ids.sn = await mk(orgA.id, 'servicenow');
      ids.sig = await mk(orgA.id, 'signavio');
      ids.ex = await mk(orgB.id, 'exchange');
      ids.user = (
        await api('POST', `/api/v1/organizations/${orgB.id}/users`, { externalId: 'mbx-1' })
      ).json().id;
      // 30 runs over 30 days with every combination cycling.
      for (let d = 1; d <= 30; d++) {
        const integrationId = [ids.sn, ids.sig, ids.ex][d % 3]!;
        const status = ['OK', 'INFO', 'WARNING', 'ERROR'][d % 4]!;
        const body = {
          integrationId,
          ...(integrationId === ids.ex ? { userId: ids.user } : {}),
          name: d % 2 ? 'Workspace A' : 'Workspace B',
          trigger: ['FULL_SYNC_JOB', 'FULL_SYNC_MANUAL', 'SERVICENOW_CHANGES'][d % 3],
          startedAt: day(d),
          progress: d % 5 === 0 ? 'ABORTED' : 'FINISHED',
          finishedAt: day(d).replace('T06', 'T07'),
          actions:
            status === 'OK'
              ? []
              : [{ source: { system: 'A' }, target: { system: 'B' }, action: 'NONE', status }],
        };
        const res = await api('POST', '/api/v1/runs', body);
        if (res.statusCode !== 201) throw new Error(res.body);
      }
      // Two runs still going.
      await api('POST', '/api/v1/runs', { integrationId: ids.sn, startedAt: day(31) });
      await api('POST', '/api/v1/runs', { integrationId: ids.sig, progress: 'PENDING' });
    });
    afterAll(() => t?.close());

    const all = async (query: string) =>
      (await readAllPages<RunItem>(t.api, `/api/v1/runs?limit=1000&${query}`)).items;

    it('lists newest first by default and oldest first with sort=asc', async () => {
      const runs = await all('');
      expect(runs).toHaveLength(32);
      const times = runs.map((r) => r.requestedAt);
      expect(times).toEqual([...times].sort().reverse());
      const asc = (await all('sort=asc')).map((r) => r.requestedAt);
      expect(asc).toEqual([...times].reverse());
    });

    it('filters by several statuses at once', async () => {
      const runs = await all('status=ERROR,WARNING');
      expect(runs.length).toBe(15);
      expect(runs.every((r) => r.status === 'ERROR' || r.status === 'WARNING')).toBe(true);
    });

    it('filters by organization, integration, integration type and user', async () => {
      expect((await all(`organizationId=${ids.orgB}`)).every((r) => r.organizationId === ids.orgB)).toBe(
        true,
      );
      expect(await all(`organizationId=${ids.orgB}`)).toHaveLength(10);
      expect(await all(`integrationId=${ids.sn},${ids.sig}`)).toHaveLength(22);
      const types = await all('integrationType=signavio');
      expect(types).toHaveLength(11);
      expect(types.every((r) => r.integrationType === 'signavio')).toBe(true);
      expect((await all(`userId=${ids.user}`)).every((r) => r.userId === ids.user)).toBe(true);
      expect(await all(`userId=${ids.user}`)).toHaveLength(10);
    });

    it('filters by name, trigger and progress', async () => {
      expect((await all('name=Workspace%20A')).every((r) => r.name === 'Workspace A')).toBe(true);
      expect(await all('name=Workspace%20A')).toHaveLength(15);
      const changes = await all('trigger=SERVICENOW_CHANGES');
      expect(changes).toHaveLength(10);
      expect(await all('progress=ABORTED')).toHaveLength(6);
      expect((await all('progress=RUNNING,PENDING')).map((r) => r.progress).sort()).toEqual([
        'PENDING',
        'RUNNING',
      ]);
    });

    it('filters by time range, from inclusive and to exclusive', async () => {
      const runs = await all(`from=${day(10)}&to=${day(20)}`);
      expect(runs).toHaveLength(10);
      expect(runs.every((r) => r.requestedAt >= day(10) && r.requestedAt < day(20))).toBe(true);
      const bad = await t.api('GET', `/api/v1/runs?from=${day(20)}&to=${day(10)}`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('invalid_filter');
    });

    it('combines filters', async () => {
      const runs = await all(`integrationType=servicenow&status=ERROR&progress=FINISHED`);
      expect(runs.length).toBeGreaterThan(0);
      expect(
        runs.every(
          (r) => r.integrationType === 'servicenow' && r.status === 'ERROR' && r.progress === 'FINISHED',
        ),
      ).toBe(true);
    });

    it('pages by cursor with no run missed or repeated, filtered and in both orders', async () => {
      for (const query of ['limit=4', 'limit=3&sort=asc', 'limit=2&status=ERROR,OK']) {
        const expected = await all(query.replace(/limit=\d+&?/, ''));
        const paged = await readAllPages<RunItem>(t.api, `/api/v1/runs?${query}`);
        expect(paged.pages).toBeGreaterThan(2);
        expect(paged.items.map((r) => r.id)).toEqual(expected.map((r) => r.id));
      }
    });

    it('shows an organization its own runs on the statistics endpoint', async () => {
      const res = await readAllPages<RunItem>(t.api, `/api/v1/organizations/${ids.orgB}/runs?status=ERROR`);
      expect(res.items.length).toBeGreaterThan(0);
      expect(res.items.every((r) => r.organizationId === ids.orgB && r.status === 'ERROR')).toBe(true);
      const userRuns = await readAllPages<RunItem>(t.api, `/api/v1/users/${ids.user}/runs`);
      expect(userRuns.items).toHaveLength(10);
    });

    it('takes enum filters in any case and by their labels', async () => {
      for (const [code, lenient] of [
        ['status=ERROR', 'status=error'],
        ['status=ERROR,WARNING', 'status=Error,%20warning'],
        ['progress=FINISHED', 'progress=Finished'],
        ['trigger=FULL_SYNC_MANUAL', 'trigger=full%20sync%20manual'],
      ]) {
        const exact = await readAllPages<RunItem>(t.api, `/api/v1/runs?${code}`);
        expect(exact.items.length, code).toBeGreaterThan(0);
        expect((await readAllPages<RunItem>(t.api, `/api/v1/runs?${lenient}`)).items, lenient).toEqual(
          exact.items,
        );
      }
    });

    it.each([
      ['status=BROKEN', 'OK, INFO, WARNING, ERROR'],
      ['progress=DONE', 'PENDING, RUNNING, ABORTION_PENDING, ABORTED, FINISHED'],
      ['trigger=whenever', 'FULL_SYNC_JOB'],
      ['organizationId=not-a-uuid', 'UUID'],
    ])('rejects %s with 400 invalid_filter', async (query, hint) => {
      const res = await t.api('GET', `/api/v1/runs?${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_filter');
      expect(res.json().error.message).toContain(hint);
    });

    it('rejects limits out of range and unknown parameters', async () => {
      expect((await t.api('GET', '/api/v1/runs?limit=0')).statusCode).toBe(400);
      expect((await t.api('GET', '/api/v1/runs?limit=5000')).statusCode).toBe(400);
      expect((await t.api('GET', '/api/v1/runs?sort=sideways')).statusCode).toBe(400);
      const unknown = await t.api('GET', '/api/v1/runs?color=red');
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.message).toContain('color');
    });
  });
}
