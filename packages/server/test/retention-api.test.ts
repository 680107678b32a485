import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENGINES,
  addMembers,
  readAllPages,
  seedBasics,
  sessionCaller,
  startTestApp,
  type TestContext,
} from './harness.js';

for (const kind of ENGINES) {
  describe(`/api/v1/organizations/:id/retention [${kind}]`, () => {
    let t: TestContext;
    let org: { id: string };
    let other: { id: string };
    beforeAll(async () => {
      t = await startTestApp(kind, { retention: { payloadDays: 30, days: 365 } });
      org = (await seedBasics(t.api)).org;
      other = (await seedBasics(t.api)).org;
      await addMembers(t.api, org.id, [
        ['admin@example.com', 'ADMIN'],
        ['viewer@example.com', 'VIEWER'],
      ]);
    });
    afterAll(() => t?.close());

    const url = (id: string) => `/api/v1/organizations/${id}/retention`;

    it("answers the deployment's policy until an operator sets the organization's own", async () => {
      expect((await t.api('GET', url(org.id))).json()).toEqual({
        organizationId: org.id,
        payloadDays: 30,
        payloadDaysSource: 'deployment',
        days: 365,
        daysSource: 'deployment',
        deployment: { payloadDays: 30, days: 365 },
        override: null,
      });
      const put = await t.api('PUT', url(org.id), { payloadDays: 7, days: null });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toMatchObject({
        payloadDays: 7,
        payloadDaysSource: 'organization',
        days: 365,
        daysSource: 'deployment',
        override: { payloadDays: 7, days: null },
      });
      // Admins and viewers of the organization read it; the other organization keeps the default.
      for (const email of ['admin@example.com', 'viewer@example.com']) {
        const member = await sessionCaller(t.api, email);
        expect((await member('GET', url(org.id))).json().payloadDays, email).toBe(7);
        expect((await member('GET', url(other.id))).statusCode, email).toBe(404);
      }
      expect((await t.api('GET', url(other.id))).json()).toMatchObject({ payloadDays: 30, override: null });
      // The change is on the audit log, and the pass applies it.
      const events = (
        await readAllPages<{ action: string; details: object }>(
          t.api,
          `/api/v1/audit?action=retention.update&organizationId=${org.id}`,
        )
      ).items;
      expect(events).toEqual([expect.objectContaining({ details: { payloadDays: 7, days: null } })]);
      const pass = await t.app.services.retention.pass(new Date());
      expect(pass.organizations.find((o) => o.organizationId === org.id)?.policy.payloadDays).toBe(7);
      // Both null: back to the deployment's defaults.
      expect((await t.api('PUT', url(org.id), { payloadDays: null, days: null })).json()).toMatchObject({
        payloadDays: 30,
        payloadDaysSource: 'deployment',
        override: null,
      });
    });

    it('lets only operators change it', async () => {
      const admin = await sessionCaller(t.api, 'admin@example.com');
      const res = await admin('PUT', url(org.id), { payloadDays: 1, days: 2 });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toMatch(/Only an operator/);
      expect((await t.api('GET', url(org.id))).json().override).toBeNull();
    });

    it('refuses bad policies with a message and changes nothing', async () => {
      await t.api('PUT', url(org.id), { payloadDays: 10, days: 20 });
      for (const [body, pattern] of [
        [{ payloadDays: 400, days: null }, /exceeds the deployment's days \(365\)/],
        [{ payloadDays: 40, days: 30 }, /exceeds its days \(30\)/],
        [{ payloadDays: 0, days: 10 }, /payloadDays/],
        [{ payloadDays: 1.5, days: 10 }, /payloadDays/],
        [{ payloadDays: 5 }, /days/],
        [{ payloadDays: 5, days: 10, audit: 1 }, /audit/],
      ] as const) {
        const res = await t.api('PUT', url(org.id), body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().error.message, JSON.stringify(body)).toMatch(pattern);
      }
      expect((await t.api('GET', url(org.id))).json().override).toEqual({ payloadDays: 10, days: 20 });
      expect(
        (await t.api('PUT', url('01890000-0000-7000-8000-000000000000'), { payloadDays: null, days: null }))
          .statusCode,
      ).toBe(404);
    });
  });
}
