import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { OrganizationListItem, Run, SyncUserListItem } from '@synctrail/types';
import {
  countQueries,
  ENGINES,
  readAllPages,
  sessionCaller,
  addMembers,
  startTestApp,
  type Api,
  type TestContext,
} from './harness.js';

const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const failing = (status: 'ERROR' | 'WARNING', id: string) => ({
  source: { system: 'EXCHANGE', id },
  target: { system: 'CRM' },
  objectType: 'Contact',
  action: 'UPDATE',
  status,
  message: `${status} on ${id}`,
});

for (const kind of ENGINES) {
  describe(`GET /api/v1/organizations with figures [${kind}]`, () => {
    let t: TestContext;
    const ids: Record<string, string> = {};
    const run = async (body: Record<string, unknown>) => {
      const res = await t.api('POST', '/api/v1/runs', { integrationId: ids.exchange, ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<Run>();
    };

    beforeAll(async () => {
      t = await startTestApp(kind);
      ids.busy = (await t.api('POST', '/api/v1/organizations', { name: 'Figures Busy' })).json().id;
      ids.idle = (
        await t.api('POST', '/api/v1/organizations', { name: 'Figures Idle', syncEnabled: false })
      ).json().id;
      for (const type of ['exchange', 'servicenow']) {
        ids[type] = (
          await t.api('POST', `/api/v1/organizations/${ids.busy}/integrations`, { type, name: type })
        ).json().id;
      }
      for (const externalId of ['u1', 'u2', 'u3'])
        await t.api('POST', `/api/v1/organizations/${ids.busy}/users`, { externalId });
      // Requested now: two OK, one ERROR (its status comes from its action), one WARNING.
      await run({ progress: 'FINISHED' });
      await run({});
      await run({ progress: 'FINISHED', actions: [failing('ERROR', 'c-1')] });
      await run({ progress: 'FINISHED', actions: [failing('WARNING', 'c-2')] });
      // Outside the last 24 hours: not counted, whatever its status.
      await run({ startedAt: ago(25 * HOUR), progress: 'FINISHED', actions: [failing('ERROR', 'c-3')] });
      for (let i = 0; i < 8; i++) await t.api('POST', '/api/v1/organizations', { name: `Figures Pad ${i}` });
    });
    afterAll(() => t?.close());

    const list = async (query: string, api: Api = t.api) => {
      const res = await api('GET', `/api/v1/organizations${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: OrganizationListItem[]; nextCursor: string | null }>();
    };

    it('shows each organization with its integrations, sync users, and runs and errors of the last 24 hours', async () => {
      const page = await list('?q=figures%20b');
      expect(page.items).toHaveLength(1);
      const busy = page.items[0]!;
      const detail = (await t.api('GET', `/api/v1/organizations/${ids.busy}`)).json();
      expect(busy).toEqual({
        ...detail,
        stats: { integrations: 2, users: 3, runs24h: 4, errors24h: 1 },
      });
      const idle = (await list('?syncEnabled=false&q=figures')).items;
      expect(idle.map((o) => [o.name, o.syncEnabled, o.stats])).toEqual([
        ['Figures Idle', false, { integrations: 0, users: 0, runs24h: 0, errors24h: 0 }],
      ]);
    });

    it('reads the figures of a page in the same few queries whatever its size', async () => {
      const small = await countQueries(t.engine, () => list('?q=figures&limit=2'));
      const large = await countQueries(t.engine, () => list('?q=figures&limit=10'));
      expect(small).toBeGreaterThan(0);
      expect(large).toBe(small);
      const paged = await readAllPages<OrganizationListItem>(
        t.api,
        '/api/v1/organizations?q=figures&limit=3',
      );
      expect(paged.items.map((o) => o.name)).toEqual(
        (await list('?q=figures&limit=100')).items.map((o) => o.name),
      );
      expect(paged.items.find((o) => o.id === ids.busy)?.stats.runs24h).toBe(4);
    });

    it('exports the figures as stats.* columns', async () => {
      const res = await t.api('GET', '/api/v1/organizations?format=csv&q=figures%20');
      expect(res.statusCode, res.body).toBe(200);
      const [header, ...rows] = parse(res.body) as string[][];
      expect(header).toEqual([
        'id',
        'name',
        'slug',
        'syncEnabled',
        'createdAt',
        'stats.integrations',
        'stats.users',
        'stats.runs24h',
        'stats.errors24h',
      ]);
      const busy = rows.find((r) => r[0] === ids.busy);
      expect(busy?.slice(5)).toEqual(['2', '3', '4', '1']);
      const picked = await t.api(
        'GET',
        '/api/v1/organizations?format=csv&q=figures%20idle&columns=name,syncEnabled,stats.runs24h',
      );
      expect(picked.body).toBe('name,syncEnabled,stats.runs24h\r\nFigures Idle,false,0\r\n');
    });

    it('lets an ADMIN of the organization and operators switch its sync, not a VIEWER nor another organization', async () => {
      await addMembers(t.api, ids.busy!, [
        [`admin-${kind}@busy.test`, 'ADMIN'],
        [`viewer-${kind}@busy.test`, 'VIEWER'],
      ]);
      await addMembers(t.api, ids.idle!, [[`admin-${kind}@idle.test`, 'ADMIN']]);
      const admin = await sessionCaller(t.api, `admin-${kind}@busy.test`);
      const viewer = await sessionCaller(t.api, `viewer-${kind}@busy.test`);
      const stranger = await sessionCaller(t.api, `admin-${kind}@idle.test`);
      const patch = (api: Api, syncEnabled: boolean) =>
        api('PATCH', `/api/v1/organizations/${ids.busy}`, { syncEnabled });

      const off = await patch(admin, false);
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json().syncEnabled).toBe(false);
      expect((await list('?syncEnabled=false&q=figures%20b', admin)).items.map((o) => o.id)).toEqual([
        ids.busy,
      ]);

      const refused = await patch(viewer, true);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('forbidden');
      const hidden = await patch(stranger, true);
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json().error.code).toBe('organization_not_found');
      expect((await t.api('GET', `/api/v1/organizations/${ids.busy}`)).json().syncEnabled).toBe(false);

      const on = await patch(t.api, true);
      expect(on.statusCode, on.body).toBe(200);
      expect(on.json().syncEnabled).toBe(true);
      const audit = (
        await t.api(
          'GET',
          `/api/v1/audit?action=organization.update&target=organization:${ids.busy}&sort=asc`,
        )
      ).json().items;
      expect(audit.map((e: { details: unknown }) => e.details)).toEqual([
        { syncEnabled: false },
        { syncEnabled: true },
      ]);
    });
  });

  describe(`GET /api/v1/organizations/{id}/users with their last run and open issues [${kind}]`, () => {
    let t: TestContext;
    let orgId: string;
    let integrationId: string;
    const users: Record<string, string> = {};
    let newest: Run;

    beforeAll(async () => {
      t = await startTestApp(kind);
      orgId = (await t.api('POST', '/api/v1/organizations', { name: 'Mailboxes' })).json().id;
      integrationId = (
        await t.api('POST', `/api/v1/organizations/${orgId}/integrations`, { type: 'exchange', name: 'EWS' })
      ).json().id;
      for (const [externalId, name] of [
        ['mbx-ann', 'Ann Archer'],
        ['mbx-bob', 'Bob Baker'],
      ] as const) {
        users[externalId] = (
          await t.api('POST', `/api/v1/organizations/${orgId}/users`, {
            externalId,
            name,
            email: `${externalId}@mail.test`,
          })
        ).json().id;
      }
      const run = async (body: Record<string, unknown>) =>
        (
          await t.api('POST', '/api/v1/runs', { integrationId, userId: users['mbx-ann'], ...body })
        ).json<Run>();
      // Two objects fail (two issues), then one of them syncs fine (resolved): one stays open.
      await run({
        startedAt: '2026-03-01T05:00:00.000Z',
        progress: 'FINISHED',
        actions: [failing('ERROR', 'c-1'), failing('ERROR', 'c-2')],
      });
      newest = await run({
        startedAt: '2026-03-03T05:00:00.000Z',
        progress: 'FINISHED',
        actions: [{ ...failing('ERROR', 'c-1'), status: 'OK', message: 'fixed' }],
      });
      // Reported last but requested earlier: "last" goes by request time.
      await run({ startedAt: '2026-03-02T05:00:00.000Z', progress: 'FINISHED' });
    });
    afterAll(() => t?.close());

    it('shows each user with their newest run by request time and their OPEN issues', async () => {
      const page = (await t.api('GET', `/api/v1/organizations/${orgId}/users`)).json<{
        items: SyncUserListItem[];
      }>();
      const [ann, bob] = page.items;
      const plain = (await t.api('GET', `/api/v1/users/${users['mbx-ann']}`)).json();
      expect(ann).toEqual({
        ...plain,
        lastRun: {
          id: newest.id,
          status: 'OK',
          progress: 'FINISHED',
          trigger: 'FULL_SYNC_JOB',
          requestedAt: '2026-03-03T05:00:00.000Z',
          finishedAt: newest.finishedAt,
        },
        openIssues: 1,
      });
      expect(bob).toMatchObject({ externalId: 'mbx-bob', lastRun: null, openIssues: 0 });
      const issues = (await t.api('GET', `/api/v1/users/${users['mbx-ann']}/issues`)).json().items;
      expect(issues.map((i: { state: string }) => i.state).sort()).toEqual(['OPEN', 'RESOLVED']);
    });

    it('keeps its filters and paging', async () => {
      await t.api('PATCH', `/api/v1/users/${users['mbx-bob']}`, { syncEnabled: false });
      const disabled = (await t.api('GET', `/api/v1/organizations/${orgId}/users?syncEnabled=false`)).json();
      expect(disabled.items.map((u: SyncUserListItem) => [u.externalId, u.lastRun, u.openIssues])).toEqual([
        ['mbx-bob', null, 0],
      ]);
      const byText = (await t.api('GET', `/api/v1/organizations/${orgId}/users?q=ARCHER`)).json();
      expect(byText.items.map((u: SyncUserListItem) => [u.externalId, u.openIssues])).toEqual([
        ['mbx-ann', 1],
      ]);
      const paged = await readAllPages<SyncUserListItem>(
        t.api,
        `/api/v1/organizations/${orgId}/users?limit=1`,
      );
      expect(paged.pages).toBe(2);
      expect(paged.items.map((u) => u.lastRun?.id ?? null)).toEqual([newest.id, null]);
    });

    it('exports lastRun.* and openIssues as columns', async () => {
      const res = await t.api(
        'GET',
        `/api/v1/organizations/${orgId}/users?format=csv&columns=externalId,lastRun.status,lastRun.requestedAt,openIssues`,
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toBe(
        'externalId,lastRun.status,lastRun.requestedAt,openIssues\r\n' +
          'mbx-ann,OK,2026-03-03T05:00:00.000Z,1\r\n' +
          'mbx-bob,,,0\r\n',
      );
      const all = await t.api('GET', `/api/v1/organizations/${orgId}/users?format=csv`);
      const header = (parse(all.body) as string[][])[0];
      expect(header).toEqual(
        expect.arrayContaining(['lastRun.id', 'lastRun.progress', 'lastRun.finishedAt', 'openIssues']),
      );
    });

    it('reads the figures of a page in the same few queries whatever its size', async () => {
      for (let i = 0; i < 6; i++)
        await t.api('POST', `/api/v1/organizations/${orgId}/users`, { externalId: `pad-${i}` });
      const url = (limit: number) => `/api/v1/organizations/${orgId}/users?limit=${limit}`;
      const small = await countQueries(t.engine, () => t.api('GET', url(2)));
      const large = await countQueries(t.engine, () => t.api('GET', url(8)));
      expect(large).toBe(small);
    });
  });
}
