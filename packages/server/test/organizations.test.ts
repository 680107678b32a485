import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, readAllPages, startTestApp, type TestContext } from './harness.js';

for (const kind of ENGINES) {
  describe(`organizations, integrations and sync users [${kind}]`, () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await startTestApp(kind);
    });
    afterAll(() => t?.close());

    describe('organizations', () => {
      it('creates with a slug derived from the name, and keeps slugs unique', async () => {
        const a = await t.api('POST', '/api/v1/organizations', { name: 'Société Générale' });
        expect(a.statusCode).toBe(201);
        expect(a.json()).toMatchObject({
          name: 'Société Générale',
          slug: 'societe-generale',
          syncEnabled: true,
        });
        const b = (await t.api('POST', '/api/v1/organizations', { name: 'Société générale' })).json();
        expect(b.slug).toBe('societe-generale-2');
        const taken = await t.api('POST', '/api/v1/organizations', { name: 'X', slug: 'societe-generale' });
        expect(taken.statusCode).toBe(409);
        expect(taken.json().error.code).toBe('organization_slug_taken');
      });

      it('rejects a bad slug, an empty name and unknown fields', async () => {
        expect((await t.api('POST', '/api/v1/organizations', { name: 'Y', slug: 'Not OK' })).statusCode).toBe(
          400,
        );
        expect((await t.api('POST', '/api/v1/organizations', { name: '' })).statusCode).toBe(400);
        expect((await t.api('POST', '/api/v1/organizations', { name: 'Z', plan: 'gold' })).statusCode).toBe(
          400,
        );
      });

      it('filters by name and sync status, and disables sync with PATCH', async () => {
        const off = (
          await t.api('POST', '/api/v1/organizations', { name: 'Umbrella Health', syncEnabled: false })
        ).json();
        const disabled = await readAllPages<{ id: string; syncEnabled: boolean }>(
          t.api,
          '/api/v1/organizations?syncEnabled=false',
        );
        expect(disabled.items.map((o) => o.id)).toEqual([off.id]);
        const byName = (await t.api('GET', '/api/v1/organizations?q=umbrella')).json();
        expect(byName.items.map((o: { id: string }) => o.id)).toEqual([off.id]);
        const patched = await t.api('PATCH', `/api/v1/organizations/${off.id}`, { syncEnabled: true });
        expect(patched.json().syncEnabled).toBe(true);
        expect((await t.api('PATCH', `/api/v1/organizations/${off.id}`, {})).statusCode).toBe(400);
      });

      it('pages through organizations by name', async () => {
        for (let i = 0; i < 7; i++) await t.api('POST', '/api/v1/organizations', { name: `Paging ${i}` });
        const paged = await readAllPages<{ name: string }>(t.api, '/api/v1/organizations?q=paging&limit=3');
        expect(paged.pages).toBe(3);
        expect(paged.items.map((o) => o.name)).toEqual(Array.from({ length: 7 }, (_, i) => `Paging ${i}`));
      });
    });

    describe('integrations', () => {
      let orgId: string;
      beforeAll(async () => {
        orgId = (await t.api('POST', '/api/v1/organizations', { name: 'Integrations Inc' })).json().id;
      });

      it('creates with a daily schedule by default and masks secrets in the configuration', async () => {
        const res = await t.api('POST', `/api/v1/organizations/${orgId}/integrations`, {
          type: 'servicenow',
          name: 'EA ↔ ServiceNow',
          capabilities: { cancellable: true, partialSync: true },
          configuration: {
            instance: 'acme.service-now.com',
            clientSecret: 's3cr3t',
            auth: { password: 'pw' },
          },
        });
        expect(res.statusCode).toBe(201);
        expect(res.json()).toMatchObject({
          type: 'servicenow',
          status: 'ACTIVE',
          schedule: '0 3 * * *',
          capabilities: { cancellable: true, partialSync: true },
          configuration: { instance: 'acme.service-now.com', clientSecret: '***', auth: { password: '***' } },
        });
      });

      it('rejects an invalid cron schedule with a helpful message', async () => {
        const res = await t.api('POST', `/api/v1/organizations/${orgId}/integrations`, {
          type: 'signavio',
          name: 'bad',
          schedule: '61 25 * * * *',
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.message).toContain('cron');
        const list = (await t.api('GET', `/api/v1/organizations/${orgId}/integrations?type=signavio`)).json();
        expect(list.items).toHaveLength(0);
      });

      it('filters by type and status, and deactivates with PATCH', async () => {
        const sig = (
          await t.api('POST', `/api/v1/organizations/${orgId}/integrations`, {
            type: 'signavio',
            name: 'Workspace A',
          })
        ).json();
        const patched = await t.api('PATCH', `/api/v1/integrations/${sig.id}`, {
          status: 'INACTIVE',
          schedule: '0 */6 * * *',
        });
        expect(patched.json()).toMatchObject({ status: 'INACTIVE', schedule: '0 */6 * * *' });
        const inactive = (
          await t.api('GET', `/api/v1/organizations/${orgId}/integrations?status=INACTIVE`)
        ).json();
        expect(inactive.items.map((i: { id: string }) => i.id)).toEqual([sig.id]);
        const bad = await t.api('GET', `/api/v1/organizations/${orgId}/integrations?status=PAUSED`);
        expect(bad.json().error.code).toBe('invalid_filter');
        expect((await t.api('GET', `/api/v1/integrations/${sig.id}`)).json().name).toBe('Workspace A');
      });

      it('answers 404 for an unknown organization', async () => {
        const res = await t.api(
          'POST',
          '/api/v1/organizations/01890000-0000-7000-8000-000000000000/integrations',
          { type: 'x', name: 'x' },
        );
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('organization_not_found');
      });
    });

    describe('sync users', () => {
      let orgId: string;
      beforeAll(async () => {
        orgId = (await t.api('POST', '/api/v1/organizations', { name: 'Users LLC' })).json().id;
      });

      it('upserts by external id: 201 when created, 200 when updated', async () => {
        const created = await t.api('POST', `/api/v1/organizations/${orgId}/users`, {
          externalId: 'mbx-42',
          email: 'a@x.io',
          name: 'Ann',
        });
        expect(created.statusCode).toBe(201);
        const updated = await t.api('POST', `/api/v1/organizations/${orgId}/users`, {
          externalId: 'mbx-42',
          name: 'Ann B.',
        });
        expect(updated.statusCode).toBe(200);
        expect(updated.json()).toMatchObject({
          id: created.json().id,
          email: 'a@x.io',
          name: 'Ann B.',
          syncEnabled: true,
        });
        const all = await readAllPages(t.api, `/api/v1/organizations/${orgId}/users`);
        expect(all.items).toHaveLength(1);
      });

      it('filters by sync status and text, and disables a user with PATCH', async () => {
        const bob = (
          await t.api('POST', `/api/v1/organizations/${orgId}/users`, {
            externalId: 'mbx-7',
            email: 'bob@x.io',
            name: 'Bob',
          })
        ).json();
        await t.api('PATCH', `/api/v1/users/${bob.id}`, { syncEnabled: false });
        const disabled = (
          await t.api('GET', `/api/v1/organizations/${orgId}/users?syncEnabled=false`)
        ).json();
        expect(disabled.items.map((u: { id: string }) => u.id)).toEqual([bob.id]);
        expect((await t.api('GET', `/api/v1/organizations/${orgId}/users?q=BOB@`)).json().items).toHaveLength(
          1,
        );
        expect((await t.api('GET', `/api/v1/users/${bob.id}`)).json().syncEnabled).toBe(false);
      });

      it('rejects an empty external id and unknown users', async () => {
        expect(
          (await t.api('POST', `/api/v1/organizations/${orgId}/users`, { externalId: '' })).statusCode,
        ).toBe(400);
        expect(
          (await t.api('PATCH', '/api/v1/users/01890000-0000-7000-8000-000000000000', { name: 'x' }))
            .statusCode,
        ).toBe(404);
      });
    });
  });
}
