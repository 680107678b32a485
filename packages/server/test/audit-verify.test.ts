import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '@synctrail/types';
import {
  dropAuditGuards,
  ENGINES,
  readAllPages,
  seedBasics,
  signInMember,
  startTestApp,
  type TestContext,
} from './harness.js';

for (const kind of ENGINES) {
  describe(`GET /api/v1/audit/verify [${kind}]`, () => {
    let t: TestContext;
    let orgId: string;
    const verify = async (headers: Record<string, string> = {}) => {
      const res = await t.api('GET', '/api/v1/audit/verify', undefined, headers);
      return { status: res.statusCode, body: res.json() };
    };

    beforeAll(async () => {
      t = await startTestApp(kind);
      const basics = await seedBasics(t.api);
      orgId = basics.org.id;
      await t.api('PATCH', `/api/v1/organizations/${orgId}`, { syncEnabled: false });
      await t.api('PATCH', `/api/v1/users/${basics.user.id}`, { syncEnabled: false });
      await t.api('POST', `/api/v1/integrations/${basics.integration.id}/sync`, {});
    });
    afterAll(() => t?.close());

    it('tells an operator the chain is intact, with its length and the hash of its last event', async () => {
      const { status, body } = await verify();
      expect(status, JSON.stringify(body)).toBe(200);
      const events = (await readAllPages<AuditEvent>(t.api, '/api/v1/audit?limit=1000&sort=asc')).items;
      expect(events.length).toBeGreaterThanOrEqual(4);
      expect(body).toEqual({ ok: true, count: events.length, headHash: events[events.length - 1]!.hash });
      // Verifying records nothing.
      expect((await verify()).body).toEqual(body);
    });

    it('refuses anyone but an operator with 403 and says who may', async () => {
      const admin = await signInMember(t.api, orgId, `admin-${kind}@verify.test`, 'ADMIN');
      const viewer = await signInMember(t.api, orgId, `viewer-${kind}@verify.test`, 'VIEWER');
      const key = (
        await t.api('POST', `/api/v1/organizations/${orgId}/api-keys`, {
          name: 'all',
          scopes: ['ingest', 'read', 'admin'],
        })
      ).json().token as string;
      for (const headers of [admin, viewer, { authorization: `Bearer ${key}` }]) {
        const { status, body } = await verify(headers);
        expect(status).toBe(403);
        expect(body.error.code).toBe('forbidden');
        expect(body.error.message).toMatch(/Only an operator can verify the audit log/);
      }
    });

    it('names the first edited event, then a deleted one, once the database was tampered with', async () => {
      await dropAuditGuards(t);
      await sql`update audit_events set actor = 'account:someone-else' where seq = 2`.execute(t.engine.db);
      const edited = await verify();
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        ok: false,
        seq: 2,
        problem: 'edited',
        event: { seq: 2, actor: 'account:someone-else' },
      });
      expect(edited.body.message).toMatch(/\bevent 2\b/);
      await sql`delete from audit_events where seq = 2`.execute(t.engine.db);
      expect((await verify()).body).toMatchObject({ ok: false, seq: 2, problem: 'deleted', event: null });
    });
  });
}
