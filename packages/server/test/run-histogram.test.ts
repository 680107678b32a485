import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run, RunHistogram } from '@synctrail/types';
import {
  ENGINES,
  readAllPages,
  seedBasics,
  signInMember,
  startTestApp,
  type TestContext,
} from './harness.js';

const zero = { OK: 0, INFO: 0, WARNING: 0, ERROR: 0 };
const action = (status: string) => ({
  source: { system: 'A' },
  target: { system: 'B' },
  action: 'UPDATE',
  status,
});

for (const kind of ENGINES) {
  describe(`GET /api/v1/runs/histogram [${kind}]`, () => {
    let t: TestContext;
    let a: Awaited<ReturnType<typeof seedBasics>>;
    let b: Awaited<ReturnType<typeof seedBasics>>;
    const histogram = async (query: string, headers: Record<string, string> = {}) => {
      const res = await t.api('GET', `/api/v1/runs/histogram${query}`, undefined, headers);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<RunHistogram>();
    };
    const refusal = async (query: string) => {
      const res = await t.api('GET', `/api/v1/runs/histogram${query}`);
      return { status: res.statusCode, ...res.json().error };
    };

    beforeAll(async () => {
      t = await startTestApp(kind);
      a = await seedBasics(t.api);
      b = await seedBasics(t.api);
      const run = async (
        seed: typeof a,
        startedAt: string,
        status: string | null,
        extra: Record<string, unknown> = {},
      ) =>
        (
          await t.api('POST', '/api/v1/runs', {
            integrationId: seed.integration.id,
            startedAt,
            progress: 'FINISHED',
            ...(status ? { actions: [action(status)] } : {}),
            ...extra,
          })
        ).json<Run>();
      await run(a, '2026-03-01T10:05:00.000Z', null);
      await run(a, '2026-03-01T10:59:59.999Z', 'WARNING', { userId: a.user.id });
      await run(a, '2026-03-01T11:00:00.000Z', 'ERROR', { trigger: 'SERVICENOW_CHANGES' });
      // 23:30 in New York is 04:30 the next day in UTC: buckets are UTC days.
      await run(a, '2026-03-01T23:30:00-05:00', 'INFO', { name: 'late' });
      await run(a, '2026-03-03T23:59:00.000Z', 'ERROR', { userId: a.user.id });
      await t.api('POST', '/api/v1/runs', {
        integrationId: a.integration.id,
        startedAt: '2026-03-03T12:00:00.000Z',
      });
      await run(b, '2026-03-01T10:30:00.000Z', 'ERROR');
    });
    afterAll(() => t?.close());

    it('counts runs per UTC hour, stacked by status, leaving out empty hours', async () => {
      const hourly = await histogram(
        `?organizationId=${a.org.id}&from=2026-03-01T00:00:00.000Z&to=2026-03-02T00:00:00.000Z`,
      );
      expect(hourly).toEqual({
        bucket: 'hour',
        items: [
          { start: '2026-03-01T10:00:00.000Z', counts: { ...zero, OK: 1, WARNING: 1 } },
          { start: '2026-03-01T11:00:00.000Z', counts: { ...zero, ERROR: 1 } },
        ],
      });
    });

    it('counts per UTC day without a range, or for a range over 3 days', async () => {
      const daily = {
        bucket: 'day',
        items: [
          { start: '2026-03-01T00:00:00.000Z', counts: { ...zero, OK: 1, WARNING: 1, ERROR: 1 } },
          { start: '2026-03-02T00:00:00.000Z', counts: { ...zero, INFO: 1 } },
          { start: '2026-03-03T00:00:00.000Z', counts: { ...zero, OK: 1, ERROR: 1 } },
        ],
      };
      expect(await histogram(`?organizationId=${a.org.id}`)).toEqual(daily);
      expect(await histogram(`?organizationId=${a.org.id}&from=2026-02-27T00:00:00.000Z`)).toEqual(daily);
      const asked = await histogram(
        `?organizationId=${a.org.id}&bucket=Day&from=2026-03-01T00:00:00.000Z&to=2026-03-02T00:00:00.000Z`,
      );
      expect(asked).toEqual({ bucket: 'day', items: [daily.items[0]] });
    });

    it('counts exactly the runs GET /runs lists, filter by filter', async () => {
      const filters = [
        '',
        `organizationId=${a.org.id}`,
        'status=error,warning',
        'progress=running',
        'trigger=servicenow_changes',
        `userId=${a.user.id}`,
        'name=late',
        'integrationType=exchange',
        `integrationId=${b.integration.id}`,
        'from=2026-03-01T10:30:00.000Z&to=2026-03-03T12:00:00.000Z',
        `organizationId=${a.org.id}&status=OK&to=2026-03-03T00:00:00.000Z`,
      ];
      for (const filter of filters) {
        const listed = (await readAllPages<Run>(t.api, `/api/v1/runs?limit=1000&${filter}`)).items;
        const { items } = await histogram(`?${filter}`);
        const counted = items.flatMap((i) => Object.entries(i.counts).flatMap(([s, n]) => Array(n).fill(s)));
        expect(counted.sort(), filter).toEqual(listed.map((r) => r.status).sort());
      }
    });

    it('counts only what the caller may see', async () => {
      const viewer = await signInMember(t.api, b.org.id, `viewer-${kind}@b.test`, 'VIEWER');
      expect(await histogram('', viewer)).toEqual({
        bucket: 'day',
        items: [{ start: '2026-03-01T00:00:00.000Z', counts: { ...zero, ERROR: 1 } }],
      });
      expect((await histogram(`?organizationId=${a.org.id}`, viewer)).items).toEqual([]);
      const key = (
        await t.api('POST', `/api/v1/organizations/${a.org.id}/api-keys`, { name: 'i', scopes: ['ingest'] })
      ).json().token as string;
      const refused = await t.api('GET', '/api/v1/runs/histogram', undefined, {
        authorization: `Bearer ${key}`,
      });
      expect(refused.statusCode).toBe(403);
    });

    it('refuses more than 1,000 buckets, an unknown bucket and parameters that are not filters', async () => {
      const wide = await refusal('?bucket=hour&from=2026-01-01T00:00:00.000Z&to=2026-03-01T00:00:00.000Z');
      expect(wide).toMatchObject({
        status: 400,
        code: 'invalid_filter',
        details: { limit: 1000, buckets: 1416 },
      });
      expect(wide.message).toMatch(/at most 1,000 buckets/);
      expect(
        (await histogram('?bucket=hour&from=2026-01-01T00:00:00.000Z&to=2026-02-11T16:00:00.000Z')).bucket,
      ).toBe('hour');
      // Without a range, the span is that of the runs found: 2026-03-01 10:00 to 2026-03-03 23:00 is 62 hours.
      expect((await histogram('?bucket=hour')).items.length).toBeGreaterThan(3);
      await t.api('POST', '/api/v1/runs', {
        integrationId: b.integration.id,
        startedAt: '2025-01-01T00:00:00.000Z',
      });
      expect(await refusal(`?bucket=hour&organizationId=${b.org.id}`)).toMatchObject({
        status: 400,
        code: 'invalid_filter',
      });
      expect(await refusal('?bucket=week')).toMatchObject({
        status: 400,
        code: 'invalid_filter',
        details: { allowed: ['hour', 'day'] },
      });
      expect((await refusal('?limit=5')).status).toBe(400);
      expect(await refusal('?status=FINE')).toMatchObject({ status: 400, code: 'invalid_filter' });
      expect(await refusal('?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z')).toMatchObject({
        status: 400,
      });
    });
  });
}
