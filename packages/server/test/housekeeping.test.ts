import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, seedBasics, startTestApp, type TestContext } from './harness.js';

const HOUR = 3600_000;

for (const kind of ENGINES) {
  describe(`housekeeping [${kind}]`, () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await startTestApp(kind);
    });
    afterAll(() => t?.close());

    it('forgets old idempotency answers, expired sessions and abandoned uploads, and keeps recorded data', async () => {
      const { integration } = await seedBasics(t.api);
      const run = await t.api(
        'POST',
        '/api/v1/runs',
        { integrationId: integration.id },
        { 'idempotency-key': 'old-key' },
      );
      await t.api('POST', `/api/v1/runs/${run.json().id}/artifacts?name=a.txt`, 'kept', {
        'content-type': 'text/plain',
      });
      await t.app.services.accounts.createOperator('keeper@example.com', null, 'a long enough password');
      await t.app.services.accounts.signIn(
        'keeper@example.com',
        'a long enough password',
        new Date(Date.now() - 20 * HOUR),
      );
      await t.engine.db
        .insertInto('artifacts')
        .values({
          id: '01890000-0000-7000-8000-0000000000aa',
          organization_id: integration.organizationId,
          run_id: run.json().id,
          name: 'half.txt',
          kind: 'OTHER',
          content_type: 'text/plain',
          size_bytes: 0,
          sha256: '',
          state: 'UPLOADING',
          created_at: new Date(Date.now() - 30 * HOUR),
        })
        .execute();

      const later = new Date(Date.now() + 73 * HOUR);
      expect(await t.app.services.housekeeping.sweep(later)).toEqual({
        idempotencyKeys: 1,
        sessions: 1,
        uploads: 1,
        liveEvents: 0, // the run's one live event is the newest: kept (see below)
        partitions: expect.any(Array), // months that came due three days on (PostgreSQL)
      });
      // The key is forgotten: the same key now starts a new run rather than replaying.
      const again = await t.api(
        'POST',
        '/api/v1/runs',
        { integrationId: integration.id },
        { 'idempotency-key': 'old-key' },
      );
      expect(again.headers['idempotent-replayed']).toBeUndefined();
      expect(again.json().id).not.toBe(run.json().id);
      expect((await t.api('GET', `/api/v1/runs/${run.json().id}`)).statusCode).toBe(200);
      expect((await t.api('GET', `/api/v1/runs/${run.json().id}/artifacts`)).json().items).toHaveLength(1);
      expect(await t.app.services.housekeeping.sweep(new Date())).toEqual({
        idempotencyKeys: 0,
        sessions: 0,
        uploads: 0,
        liveEvents: 0,
        partitions: [],
      });
    });

    it('prunes live events past their retention (an hour), all but the newest', async () => {
      const { integration } = await seedBasics(t.api);
      for (let i = 0; i < 3; i++) await t.api('POST', '/api/v1/runs', { integrationId: integration.id });
      const log = t.app.services.liveEvents.repository;
      const before = (await log.bounds())!;
      expect((await t.app.services.housekeeping.sweep(new Date(Date.now() + 0.5 * HOUR))).liveEvents).toBe(0);
      const swept = await t.app.services.housekeeping.sweep(new Date(Date.now() + 2 * HOUR));
      expect(swept.liveEvents).toBe(before.max - before.min);
      expect(await log.bounds()).toEqual({ min: before.max, max: before.max });
    });
  });
}
