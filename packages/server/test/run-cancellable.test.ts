import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '@synctrail/types';
import { ENGINES, seedBasics, startTestApp, type TestContext } from './harness.js';

for (const kind of ENGINES) {
  describe(`Run.cancellable [${kind}]`, () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await startTestApp(kind);
    });
    afterAll(() => t?.close());

    const detail = async (id: string) => (await t.api('GET', `/api/v1/runs/${id}`)).json<Run>();

    it('is true exactly while the run is PENDING or RUNNING on an integration that can cancel', async () => {
      const { integration } = await seedBasics(t.api, { cancellable: true });
      const pending = (await t.api('POST', `/api/v1/integrations/${integration.id}/sync`)).json<Run>();
      expect(pending).toMatchObject({ progress: 'PENDING', cancellable: true });
      const lease = (await t.api('POST', `/api/v1/integrations/${integration.id}/lease`)).json();
      expect(lease.run).toMatchObject({ progress: 'RUNNING', cancellable: true });
      const batch = await t.api('POST', `/api/v1/runs/${pending.id}/actions`, [
        { source: { system: 'A' }, target: { system: 'B' }, action: 'CREATE', status: 'OK' },
      ]);
      expect(batch.json().run.cancellable).toBe(true);
      const cancelled = (await t.api('POST', `/api/v1/runs/${pending.id}/cancel`)).json<Run>();
      expect(cancelled).toMatchObject({ progress: 'ABORTION_PENDING', cancellable: false });
      const ended = await t.api('PATCH', `/api/v1/runs/${pending.id}`, { progress: 'ABORTED' });
      expect(ended.json()).toMatchObject({ progress: 'ABORTED', cancellable: false });

      const finished = (
        await t.api('POST', '/api/v1/runs', { integrationId: integration.id, progress: 'FINISHED' })
      ).json<Run>();
      expect(finished.cancellable).toBe(false);
    });

    it('is false on an integration that cannot cancel, and follows a change of its capability', async () => {
      const { integration } = await seedBasics(t.api, { cancellable: false });
      const run = (await t.api('POST', '/api/v1/runs', { integrationId: integration.id })).json<Run>();
      expect(run).toMatchObject({ progress: 'RUNNING', cancellable: false });
      await t.api('PATCH', `/api/v1/integrations/${integration.id}`, { capabilities: { cancellable: true } });
      expect((await detail(run.id)).cancellable).toBe(true);
    });

    it('says what POST /runs/{id}/cancel answers, on every run of the lists', async () => {
      const { org, integration, user } = await seedBasics(t.api, { cancellable: true });
      const other = (
        await t.api('POST', `/api/v1/organizations/${org.id}/integrations`, {
          type: 'netsuite',
          name: 'No cancel',
          capabilities: { cancellable: false },
        })
      ).json();
      for (const integrationId of [integration.id, other.id]) {
        await t.api('POST', '/api/v1/runs', { integrationId, userId: user.id });
        await t.api('POST', '/api/v1/runs', { integrationId, userId: user.id, progress: 'FINISHED' });
        await t.api('POST', `/api/v1/integrations/${integrationId}/sync`);
      }
      for (const url of [
        `/api/v1/runs?organizationId=${org.id}`,
        `/api/v1/organizations/${org.id}/runs`,
        `/api/v1/users/${user.id}/runs`,
      ]) {
        const items = (await t.api('GET', url)).json<{ items: Run[] }>().items;
        expect(items.length, url).toBeGreaterThanOrEqual(4);
        for (const item of items) expect(item.cancellable, url).toBe((await detail(item.id)).cancellable);
      }
      const all = (await t.api('GET', `/api/v1/runs?organizationId=${org.id}`)).json<{ items: Run[] }>()
        .items;
      expect(all.filter((r) => r.cancellable)).toHaveLength(2);
      for (const run of all) {
        const cancel = await t.api('POST', `/api/v1/runs/${run.id}/cancel`);
        expect(cancel.statusCode, `${run.progress} ${run.integrationType}`).toBe(run.cancellable ? 200 : 409);
      }
    });

    it('is a column of the CSV export and a required field of the OpenAPI Run', async () => {
      const { integration } = await seedBasics(t.api, { cancellable: true });
      const run = (await t.api('POST', '/api/v1/runs', { integrationId: integration.id })).json<Run>();
      const csv = await t.api(
        'GET',
        `/api/v1/runs?integrationId=${integration.id}&format=csv&columns=id,progress,cancellable`,
      );
      expect(csv.statusCode, csv.body).toBe(200);
      expect(csv.body).toBe(`id,progress,cancellable\r\n${run.id},RUNNING,true\r\n`);
      const all = await t.api('GET', `/api/v1/runs?integrationId=${integration.id}&format=csv`);
      expect(all.body.split('\r\n')[0]!.split(',')).toContain('cancellable');
      const openapi = (await t.api('GET', '/api/v1/openapi.json')).json();
      const schema = openapi.components.schemas.Run;
      expect(schema.properties.cancellable).toMatchObject({ type: 'boolean' });
      expect(schema.required).toContain('cancellable');
    });
  });
}
