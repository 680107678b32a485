import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Integration, IntegrationOverview, Run } from '@synctrail/types';
import { ENGINES, readAllPages, signInMember, startTestApp, type TestContext } from './harness.js';

for (const kind of ENGINES) {
  describe(`GET /api/v1/integrations [${kind}]`, () => {
    let t: TestContext;
    const orgs: Record<string, string> = {};
    const ids: Record<string, string> = {};
    let newest: Run;
    const list = async (query = '', headers: Record<string, string> = {}) => {
      const res = await t.api('GET', `/api/v1/integrations${query}`, undefined, headers);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: IntegrationOverview[]; nextCursor: string | null }>();
    };
    const names = (items: IntegrationOverview[]) => items.map((i) => `${i.organizationName}/${i.name}`);

    beforeAll(async () => {
      t = await startTestApp(kind);
      for (const name of ['Beta Org', 'Alpha Org'])
        orgs[name] = (await t.api('POST', '/api/v1/organizations', { name })).json().id;
      const add = async (org: string, name: string, type: string, status = 'ACTIVE') => {
        const res = await t.api('POST', `/api/v1/organizations/${orgs[org]}/integrations`, {
          name,
          type,
          status,
        });
        ids[name] = res.json<Integration>().id;
      };
      await add('Alpha Org', 'Zeta sync', 'exchange');
      await add('Beta Org', 'Mid sync', 'exchange');
      await add('Alpha Org', 'Alpha sync', 'servicenow', 'INACTIVE');
      await t.api('POST', '/api/v1/runs', {
        integrationId: ids['Zeta sync'],
        startedAt: '2026-03-01T10:00:00.000Z',
        progress: 'FINISHED',
        finishedAt: '2026-03-01T10:05:00.000Z',
      });
      newest = (
        await t.api('POST', '/api/v1/runs', {
          integrationId: ids['Zeta sync'],
          startedAt: '2026-03-02T10:00:00.000Z',
        })
      ).json<Run>();
      // Requested earlier than the newest, created later: "newest" goes by request time.
      await t.api('POST', '/api/v1/runs', {
        integrationId: ids['Zeta sync'],
        startedAt: '2026-02-01T10:00:00.000Z',
        progress: 'FINISHED',
      });
    });
    afterAll(() => t?.close());

    it('lists every organization’s integrations by organization name, then name, with the newest run', async () => {
      const page = await list();
      expect(names(page.items)).toEqual(['Alpha Org/Alpha sync', 'Alpha Org/Zeta sync', 'Beta Org/Mid sync']);
      expect(page.nextCursor).toBeNull();
      const zeta = page.items[1]!;
      const detail = (await t.api('GET', `/api/v1/integrations/${zeta.id}`)).json<Integration>();
      expect(zeta).toEqual({
        ...detail,
        organizationName: 'Alpha Org',
        lastRun: {
          id: newest.id,
          status: 'OK',
          progress: 'RUNNING',
          trigger: 'FULL_SYNC_JOB',
          requestedAt: '2026-03-02T10:00:00.000Z',
          finishedAt: null,
        },
        // Its runs were requested in March: none in the last 24 hours.
        last24h: { runs: 0, errors: 0 },
      });
      expect(page.items[0]!.lastRun).toBeNull();
      expect(names((await list('?sort=desc')).items)).toEqual([
        'Beta Org/Mid sync',
        'Alpha Org/Zeta sync',
        'Alpha Org/Alpha sync',
      ]);
    });

    it('pages on its keyset, both ways', async () => {
      for (const sort of ['asc', 'desc']) {
        const paged = await readAllPages<IntegrationOverview>(
          t.api,
          `/api/v1/integrations?limit=1&sort=${sort}`,
        );
        expect(paged.pages).toBe(3);
        expect(names(paged.items)).toEqual(names((await list(`?sort=${sort}`)).items));
      }
      const forged = await t.api(
        'GET',
        `/api/v1/integrations?cursor=${Buffer.from('[1,2]').toString('base64url')}`,
      );
      expect(forged.statusCode).toBe(400);
      expect(forged.json().error.code).toBe('invalid_cursor');
    });

    it('filters by organization, type, status (any case) and name', async () => {
      expect(names((await list(`?organizationId=${orgs['Beta Org']}`)).items)).toEqual(['Beta Org/Mid sync']);
      expect(names((await list('?status=inactive')).items)).toEqual(['Alpha Org/Alpha sync']);
      expect(names((await list('?type=EXCHANGE')).items)).toEqual([
        'Alpha Org/Zeta sync',
        'Beta Org/Mid sync',
      ]);
      expect(names((await list('?type=servicenow,exchange&q=ZETA')).items)).toEqual(['Alpha Org/Zeta sync']);
      const bad = await t.api('GET', '/api/v1/integrations?status=PAUSED');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatchObject({
        code: 'invalid_filter',
        details: { allowed: ['ACTIVE', 'INACTIVE'] },
      });
      expect((await t.api('GET', '/api/v1/integrations?organizationId=nope')).statusCode).toBe(400);
    });

    it('shows a member only its organization’s integrations, and refuses keys without read', async () => {
      const viewer = await signInMember(t.api, orgs['Beta Org']!, `viewer-${kind}@beta.test`, 'VIEWER');
      expect(names((await list('', viewer)).items)).toEqual(['Beta Org/Mid sync']);
      expect((await list(`?organizationId=${orgs['Alpha Org']}`, viewer)).items).toEqual([]);
      const key = (
        await t.api('POST', `/api/v1/organizations/${orgs['Alpha Org']}/api-keys`, {
          name: 'i',
          scopes: ['ingest'],
        })
      ).json().token as string;
      const refused = await t.api('GET', '/api/v1/integrations', undefined, {
        authorization: `Bearer ${key}`,
      });
      expect(refused.statusCode).toBe(403);
    });

    it('exports CSV with the newest run flattened into columns', async () => {
      const res = await t.api(
        'GET',
        '/api/v1/integrations?format=csv&type=exchange&columns=organizationName,name,lastRun.progress,lastRun.requestedAt',
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toBe(
        'organizationName,name,lastRun.progress,lastRun.requestedAt\r\n' +
          'Alpha Org,Zeta sync,RUNNING,2026-03-02T10:00:00.000Z\r\n' +
          'Beta Org,Mid sync,,\r\n',
      );
      expect(res.headers['content-disposition']).toMatch(/filename="integrations_/);
    });

    it('leaves the per-organization list as it was: oldest first, plain integrations', async () => {
      const own = (await t.api('GET', `/api/v1/organizations/${orgs['Alpha Org']}/integrations`)).json();
      expect(own.items.map((i: Integration) => i.name)).toEqual(['Zeta sync', 'Alpha sync']);
      expect(own.items[0]).not.toHaveProperty('lastRun');
    });
  });
}

for (const kind of ENGINES) {
  describe(`GET /api/v1/integrations: the last 24 hours [${kind}]`, () => {
    let t: TestContext;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      t = await startTestApp(kind);
      const org = (await t.api('POST', '/api/v1/organizations', { name: 'Recent Org' })).json().id;
      for (const name of ['Busy sync', 'Quiet sync']) {
        ids[name] = (
          await t.api('POST', `/api/v1/organizations/${org}/integrations`, { name, type: 'exchange' })
        ).json().id;
      }
      const run = async (integration: string, body: Record<string, unknown>) => {
        const res = await t.api('POST', '/api/v1/runs', { integrationId: ids[integration], ...body });
        expect(res.statusCode, res.body).toBe(201);
      };
      const failure = { source: { system: 'A' }, target: { system: 'B' }, action: 'NONE', status: 'ERROR' };
      // Requested now: one finished fine, one still running, one that failed.
      await run('Busy sync', { progress: 'FINISHED' });
      await run('Busy sync', {});
      await run('Busy sync', { progress: 'FINISHED', actions: [failure] });
      // A day and an hour ago: outside the window, though it failed too.
      const before = new Date(Date.now() - 25 * 3600_000).toISOString();
      await run('Busy sync', { startedAt: before, progress: 'FINISHED', actions: [failure] });
      await run('Quiet sync', { startedAt: before, progress: 'FINISHED' });
    });
    afterAll(() => t?.close());

    it('counts the runs requested in the last 24 hours and how many of them are ERROR', async () => {
      const page = (await t.api('GET', '/api/v1/integrations')).json<{ items: IntegrationOverview[] }>();
      expect(page.items.map((i) => [i.name, i.last24h])).toEqual([
        ['Busy sync', { runs: 3, errors: 1 }],
        ['Quiet sync', { runs: 0, errors: 0 }],
      ]);
      const csv = await t.api(
        'GET',
        '/api/v1/integrations?format=csv&columns=name,last24h.runs,last24h.errors',
      );
      expect(csv.body).toBe('name,last24h.runs,last24h.errors\r\nBusy sync,3,1\r\nQuiet sync,0,0\r\n');
    });
  });
}
