import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scheduler, latestSlot } from '../src/schedules/scheduler.js';
import { openEngine } from '../src/storage/open-engine.js';
import { buildApp } from '../src/http/app.js';
import { ENGINES, readAllPages, seedBasics, startTestApp, type TestContext } from './harness.js';

const DAY = 24 * 60 * 60 * 1000;

describe('latestSlot', () => {
  it('is the most recent cron slot at or before the time, in UTC', () => {
    expect(latestSlot('0 3 * * *', new Date('2026-05-10T03:00:00Z')).toISOString()).toBe(
      '2026-05-10T03:00:00.000Z',
    );
    expect(latestSlot('0 3 * * *', new Date('2026-05-10T02:59:59Z')).toISOString()).toBe(
      '2026-05-09T03:00:00.000Z',
    );
    expect(latestSlot('*/15 * * * *', new Date('2026-05-10T10:31:00Z')).toISOString()).toBe(
      '2026-05-10T10:30:00.000Z',
    );
  });
});

for (const kind of ENGINES) {
  describe(`scheduler [${kind}]`, () => {
    let t: TestContext;
    let scheduler: Scheduler;
    beforeAll(async () => {
      t = await startTestApp(kind);
      scheduler = t.app.services.scheduler;
    });
    afterAll(() => t?.close());

    const jobRuns = async (integrationId: string) =>
      (
        await readAllPages<{ id: string; requestedAt: string; progress: string; requestedBy: string }>(
          t.api,
          `/api/v1/runs?integrationId=${integrationId}&trigger=FULL_SYNC_JOB&sort=asc`,
        )
      ).items;
    // The first 03:00 UTC slot after now, where the schedule of an integration created now starts
    // (today's when the suite runs between midnight and 03:00 UTC, tomorrow's otherwise).
    const nextSlot = () => {
      const today = Math.floor(Date.now() / DAY) * DAY + 3 * 60 * 60 * 1000;
      return new Date(today > Date.now() ? today : today + DAY);
    };

    it('queues one FULL_SYNC_JOB per slot of an active integration, by the schedule', async () => {
      const { integration } = await seedBasics(t.api);
      const slot = nextSlot();
      await scheduler.tick(new Date(slot.getTime() - 60_000));
      expect(await jobRuns(integration.id)).toHaveLength(0);
      await scheduler.tick(new Date(slot.getTime() + 5_000));
      await scheduler.tick(new Date(slot.getTime() + 35_000));
      const runs = await jobRuns(integration.id);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({
        requestedAt: slot.toISOString(),
        progress: 'PENDING',
        requestedBy: 'schedule',
      });
    });

    it('queues no second run while the previous full sync is still pending, and catches up once after downtime', async () => {
      const { integration } = await seedBasics(t.api);
      const slot = nextSlot();
      await scheduler.tick(new Date(slot.getTime() + 1000));
      const next = await scheduler.tick(new Date(slot.getTime() + DAY + 1000));
      expect(next.skipped).toBeGreaterThanOrEqual(1);
      expect(await jobRuns(integration.id)).toHaveLength(1);
      // The connector takes and finishes it; then ten days pass with the server down.
      const { run } = (await t.api('POST', `/api/v1/integrations/${integration.id}/lease`)).json();
      await t.api('PATCH', `/api/v1/runs/${run.id}`, { progress: 'FINISHED' });
      await scheduler.tick(new Date(slot.getTime() + 12 * DAY + 1000));
      await scheduler.tick(new Date(slot.getTime() + 12 * DAY + 2000));
      const runs = await jobRuns(integration.id);
      expect(runs).toHaveLength(2);
      expect(runs[1]!.requestedAt).toBe(new Date(slot.getTime() + 12 * DAY).toISOString());
    });

    it('leaves INACTIVE integrations alone and follows a changed schedule', async () => {
      const { integration } = await seedBasics(t.api);
      await t.api('PATCH', `/api/v1/integrations/${integration.id}`, { status: 'INACTIVE' });
      await scheduler.tick(new Date(nextSlot().getTime() + 1000));
      expect(await jobRuns(integration.id)).toHaveLength(0);
      await t.api('PATCH', `/api/v1/integrations/${integration.id}`, {
        status: 'ACTIVE',
        schedule: '0 */6 * * *',
      });
      const sixHourly = new Date(Math.ceil((Date.now() + 1) / (6 * 3600_000)) * 6 * 3600_000);
      await scheduler.tick(new Date(sixHourly.getTime() + 1000));
      expect((await jobRuns(integration.id)).map((r) => r.requestedAt)).toEqual([sixHourly.toISOString()]);
    });

    it('leaves organizations whose sync is disabled alone', async () => {
      const { org, integration } = await seedBasics(t.api);
      await t.api('PATCH', `/api/v1/organizations/${org.id}`, { syncEnabled: false });
      const slot = nextSlot();
      await scheduler.tick(new Date(slot.getTime() + 1000));
      expect(await jobRuns(integration.id)).toHaveLength(0);
      await t.api('PATCH', `/api/v1/organizations/${org.id}`, { syncEnabled: true });
      await scheduler.tick(new Date(slot.getTime() + DAY + 1000));
      expect(await jobRuns(integration.id)).toHaveLength(1);
    });

    if (kind === 'postgres') {
      it('creates exactly one run per slot when several server processes tick at once', async () => {
        const { integration } = await seedBasics(t.api);
        // A second and third "process": their own pools and services on the same database.
        const others = await Promise.all(
          [1, 2].map(async () => {
            const engine = openEngine(t.app.services.config);
            const app = await buildApp(t.app.services.config, {
              engine,
              logger: false,
              backgroundJobs: false,
            });
            return { engine, app };
          }),
        );
        try {
          const schedulers = [scheduler, ...others.map((o) => o.app.services.scheduler)];
          const slot = nextSlot();
          for (let day = 0; day < 3; day++) {
            const now = new Date(slot.getTime() + day * DAY + 1000);
            await Promise.all(schedulers.flatMap((s) => [s.tick(now), s.tick(now), s.tick(now)]));
            const leased = await t.api('POST', `/api/v1/integrations/${integration.id}/lease`);
            expect(leased.statusCode).toBe(200);
            await t.api('PATCH', `/api/v1/runs/${leased.json().run.id}`, { progress: 'FINISHED' });
          }
          const runs = await jobRuns(integration.id);
          expect(runs.map((r) => r.requestedAt)).toEqual(
            [0, 1, 2].map((d) => new Date(slot.getTime() + d * DAY).toISOString()),
          );
        } finally {
          for (const o of others) {
            await o.app.close();
            await o.engine.close();
          }
        }
      });
    }
  });
}
