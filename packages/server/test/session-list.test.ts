import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { SessionListItem, SyncStatus } from '@synctrail/types';
import { ENGINES, readAllPages, startTestApp, type TestContext } from './harness.js';

const RANK: Record<SyncStatus, number> = { OK: 0, INFO: 1, WARNING: 2, ERROR: 3 };
const STATUSES: SyncStatus[] = ['OK', 'INFO', 'WARNING', 'ERROR'];

/** Worst first, newest first within a status, then the id: what `orderBy=status` promises. */
function worstFirst(a: SessionListItem, b: SessionListItem): number {
  return (
    RANK[b.status] - RANK[a.status] ||
    (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0) ||
    (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  );
}

for (const kind of ENGINES) {
  describe(`GET /organizations/{id}/runs and /users/{id}/runs: sessions with their user, by time or status [${kind}]`, () => {
    let t: TestContext;
    const ids: Record<string, string> = {};
    const at = (i: number) => new Date(Date.UTC(2026, 3, 1, 6) + i * 3600_000).toISOString();

    beforeAll(async () => {
      t = await startTestApp(kind);
      const org = (await t.api('POST', '/api/v1/organizations', { name: 'Sessions' })).json();
      const other = (await t.api('POST', '/api/v1/organizations', { name: 'Elsewhere' })).json();
      ids.org = org.id;
      const integration = (
        await t.api('POST', `/api/v1/organizations/${org.id}/integrations`, { type: 'exchange', name: 'EWS' })
      ).json();
      const elsewhere = (
        await t.api('POST', `/api/v1/organizations/${other.id}/integrations`, {
          type: 'exchange',
          name: 'EWS',
        })
      ).json();
      for (const [externalId, name, email] of [
        ['mbx-ann', 'Ann Archer', 'ann@sessions.test'],
        ['mbx-bob', 'Bob Baker', null],
      ] as const) {
        ids[externalId] = (
          await t.api('POST', `/api/v1/organizations/${org.id}/users`, { externalId, name, email })
        ).json().id;
      }
      // 17 runs: statuses in an irregular cycle, so that pages of two cut across status boundaries;
      // two of them at the same time (the id breaks the tie); every fifth without a user.
      const cycle: SyncStatus[] = ['ERROR', 'OK', 'WARNING', 'OK', 'INFO', 'ERROR', 'OK'];
      for (let i = 0; i < 17; i++) {
        const status = cycle[i % cycle.length]!;
        const userId = i % 5 === 4 ? null : i % 2 ? ids['mbx-bob'] : ids['mbx-ann'];
        const res = await t.api('POST', '/api/v1/runs', {
          integrationId: integration.id,
          userId,
          startedAt: at(i === 13 ? 6 : i),
          progress: 'FINISHED',
          actions:
            status === 'OK'
              ? []
              : [{ source: { system: 'A', id: `o-${i}` }, target: { system: 'B' }, action: 'NONE', status }],
        });
        expect(res.statusCode, res.body).toBe(201);
      }
      await t.api('POST', '/api/v1/runs', { integrationId: elsewhere.id, progress: 'FINISHED' });
    });
    afterAll(() => t?.close());

    const all = async (url: string) => (await readAllPages<SessionListItem>(t.api, url)).items;
    const orgRuns = (query = '') => `/api/v1/organizations/${ids.org}/runs?limit=1000${query}`;

    it('lists newest first by default, each run with its sync user’s name, email and external id', async () => {
      const runs = await all(orgRuns());
      expect(runs).toHaveLength(17);
      const times = runs.map((r) => r.requestedAt);
      expect(times).toEqual([...times].sort().reverse());
      const first = runs.find((r) => r.userId === ids['mbx-ann'])!;
      const plain = (await t.api('GET', `/api/v1/runs/${first.id}`)).json();
      expect(first).toEqual({
        ...plain,
        userName: 'Ann Archer',
        userEmail: 'ann@sessions.test',
        userExternalId: 'mbx-ann',
      });
      expect(runs.find((r) => r.userId === ids['mbx-bob'])).toMatchObject({
        userName: 'Bob Baker',
        userEmail: null,
        userExternalId: 'mbx-bob',
      });
      expect(runs.find((r) => r.userId === null)).toMatchObject({
        userName: null,
        userEmail: null,
        userExternalId: null,
      });
    });

    it('orders by status, worst first and newest first within a status, or the exact reverse with sort=asc', async () => {
      const byTime = await all(orgRuns());
      const byStatus = await all(orgRuns('&orderBy=status'));
      expect(byStatus.map((r) => r.id)).toEqual([...byTime].sort(worstFirst).map((r) => r.id));
      expect(byStatus.map((r) => r.status)).toEqual(
        [...STATUSES].reverse().flatMap((s) => byTime.filter((r) => r.status === s).map(() => s)),
      );
      const asc = await all(orgRuns('&orderBy=status&sort=asc'));
      expect(asc.map((r) => r.id)).toEqual([...byStatus].reverse().map((r) => r.id));
    });

    it('pages through with limit=2 across status boundaries to exactly the full list, both ways and filtered', async () => {
      for (const query of [
        '&orderBy=status',
        '&orderBy=status&sort=asc',
        '&orderBy=status&status=error,ok',
        '&orderBy=status&status=Warning&sort=asc',
        '',
      ]) {
        const full = await all(orgRuns(query));
        const paged = await readAllPages<SessionListItem>(
          t.api,
          `/api/v1/organizations/${ids.org}/runs?limit=2${query}`,
        );
        expect(paged.pages, query).toBe(Math.max(1, Math.ceil(full.length / 2)));
        expect(
          paged.items.map((r) => r.id),
          query,
        ).toEqual(full.map((r) => r.id));
      }
      const errorsAndOk = await all(orgRuns('&orderBy=status&status=error,ok'));
      expect(new Set(errorsAndOk.map((r) => r.status))).toEqual(new Set(['ERROR', 'OK']));
    });

    it('orders a user’s sessions the same way, with their name on each', async () => {
      const url = `/api/v1/users/${ids['mbx-bob']}/runs`;
      const byTime = await all(`${url}?limit=1000`);
      expect(byTime.length).toBeGreaterThan(3);
      expect(byTime.every((r) => r.userId === ids['mbx-bob'] && r.userName === 'Bob Baker')).toBe(true);
      const paged = await readAllPages<SessionListItem>(t.api, `${url}?orderBy=status&limit=2`);
      expect(paged.items.map((r) => r.id)).toEqual([...byTime].sort(worstFirst).map((r) => r.id));
    });

    it('exports CSV in the order asked for, with the user columns', async () => {
      const res = await t.api(
        'GET',
        `/api/v1/organizations/${ids.org}/runs?format=csv&orderBy=status&columns=id,status,userName,userExternalId`,
      );
      expect(res.statusCode, res.body).toBe(200);
      const [header, ...rows] = parse(res.body) as string[][];
      expect(header).toEqual(['id', 'status', 'userName', 'userExternalId']);
      const expected = await all(orgRuns('&orderBy=status'));
      expect(rows).toEqual(expected.map((r) => [r.id, r.status, r.userName ?? '', r.userExternalId ?? '']));
      const user = await t.api(
        'GET',
        `/api/v1/users/${ids['mbx-ann']}/runs?format=csv&orderBy=status&sort=asc`,
      );
      const userRows = (parse(user.body) as string[][]).slice(1);
      expect(userRows.map((r) => r[0])).toEqual(
        (await all(`/api/v1/users/${ids['mbx-ann']}/runs?limit=1000&orderBy=status&sort=asc`)).map(
          (r) => r.id,
        ),
      );
    });

    it('refuses an unknown order and a cursor of the other order', async () => {
      const bad = await t.api('GET', `/api/v1/organizations/${ids.org}/runs?orderBy=severity`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toMatch(/orderBy/);
      const byTime = (await t.api('GET', `/api/v1/organizations/${ids.org}/runs?limit=2`)).json();
      const crossed = await t.api(
        'GET',
        `/api/v1/organizations/${ids.org}/runs?orderBy=status&cursor=${byTime.nextCursor}`,
      );
      expect(crossed.statusCode).toBe(400);
      expect(crossed.json().error.code).toBe('invalid_cursor');
      const forged = Buffer.from(JSON.stringify([[7, 1e20], '0190'])).toString('base64url');
      const refused = await t.api(
        'GET',
        `/api/v1/organizations/${ids.org}/runs?orderBy=status&cursor=${forged}`,
      );
      expect(refused.json().error.code).toBe('invalid_cursor');
    });
  });
}
