import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action, Run } from '@synctrail/types';
import {
  ENGINES,
  OPERATOR_TOKEN,
  readAllPages,
  seedBasics,
  startTestApp,
  type TestContext,
} from '../../server/test/harness.js';
import { Synctrail, SynctrailError } from '../src/index.js';
import { testAction, waitFor } from './helpers.js';

for (const kind of ENGINES) {
  describe(`RunHandle reporting a run [${kind}]`, () => {
    let t: TestContext;
    let url: string;
    let client: Synctrail;
    let basics: Awaited<ReturnType<typeof seedBasics>>;

    beforeAll(async () => {
      t = await startTestApp(kind);
      url = await t.app.listen({ port: 0, host: '127.0.0.1' });
      client = new Synctrail({ url, token: OPERATOR_TOKEN });
      basics = await seedBasics(t.api);
    });
    afterAll(async () => t?.close());

    const serverRun = async (id: string) => (await t.api('GET', `/api/v1/runs/${id}`)).json<Run>();

    it('flushes a batch as soon as it holds maxBatchSize actions', async () => {
      const run = await client.startRun({
        integrationId: basics.integration.id,
        userId: basics.user.id,
        name: 'by size',
        trigger: 'FULL_SYNC_MANUAL',
        batching: { maxBatchSize: 100, flushIntervalMs: 600_000 },
      });
      expect(run.run).toMatchObject({
        progress: 'RUNNING',
        name: 'by size',
        trigger: 'FULL_SYNC_MANUAL',
        userId: basics.user.id,
      });
      for (let i = 1; i <= 250; i++) await run.action(testAction(i, i === 7 ? 'WARNING' : 'OK'));

      // Two full batches go out on their own; the last 50 wait for the (long) timer or finish().
      await waitFor('two batches acknowledged', () => run.stats.delivered === 200);
      expect(run.stats).toMatchObject({ delivered: 200, buffered: 50, batches: 2 });
      expect((await serverRun(run.id)).counters.processed).toBe(200);

      const finished = await run.finish({
        counters: { objects: 250, conflicts: 1 },
        objectReport: { Contact: { synced: 250 } },
      });
      expect(finished.progress).toBe('FINISHED');
      const stored = await serverRun(run.id);
      expect(stored).toMatchObject({
        progress: 'FINISHED',
        status: 'WARNING',
        counters: {
          processed: 250,
          creates: 83,
          updates: 84,
          deletes: 83,
          warnings: 1,
          errors: 0,
          objects: 250,
          conflicts: 1,
        },
        objectReport: { Contact: { synced: 250 } },
        errorSource: null,
      });
      expect(stored.finishedAt).not.toBeNull();
      const { items } = await readAllPages<Action>(t.api, `/api/v1/runs/${run.id}/actions?limit=1000`);
      expect(items.map((a) => a.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
      expect(items.map((a) => a.source.id)).toEqual(Array.from({ length: 250 }, (_, i) => `src-${i + 1}`));
      expect(items[0]).toMatchObject({
        target: { system: 'CRM', id: 'crm-1' },
        objectType: 'Contact',
        message: 'action 1',
      });
    });

    it('flushes a partial batch after flushIntervalMs without being asked', async () => {
      const run = await client.startRun({
        integrationId: basics.integration.id,
        batching: { maxBatchSize: 1_000, flushIntervalMs: 50 },
      });
      for (let i = 1; i <= 5; i++) await run.action(testAction(i, i === 3 ? 'ERROR' : 'OK'));
      await waitFor('the timer flush', () => run.stats.delivered === 5);
      expect(run.stats).toMatchObject({ delivered: 5, buffered: 0, batches: 1 });
      expect((await serverRun(run.id)).counters.processed).toBe(5);
      // A later action starts a new timer.
      await run.action(testAction(6));
      await waitFor('the second timer flush', () => run.stats.delivered === 6);
      expect((await serverRun(run.id)).counters.processed).toBe(6);
      await run.finish();
      expect(await serverRun(run.id)).toMatchObject({
        progress: 'FINISHED',
        status: 'ERROR',
        counters: { processed: 6, errors: 1 },
      });
    });

    it('stamps each action with the time it was reported and snapshots it when added', async () => {
      const run = await client.startRun({ integrationId: basics.integration.id });
      const action = testAction(1);
      const before = new Date().toISOString();
      await run.action(action);
      action.message = 'changed after action()'; // must not affect what was reported
      await run.action({ ...testAction(2), at: new Date('2024-01-02T03:04:05.000Z') });
      await run.finish();
      const { items } = await readAllPages<Action>(t.api, `/api/v1/runs/${run.id}/actions`);
      expect(items[0]?.message).toBe('action 1');
      expect(items[0]!.at >= before).toBe(true);
      expect(items[1]?.at).toBe('2024-01-02T03:04:05.000Z');
    });

    it('fail() delivers the actions, then finishes with the error source, category and stack', async () => {
      const run = await client.startRun({ integrationId: basics.integration.id });
      await run.action(testAction(1));
      const error = new TypeError('Salesforce answered INVALID_SESSION_ID');
      const failed = await run.fail(error, { source: 'SALESFORCE', category: 'Authentication' });
      expect(failed).toMatchObject({
        progress: 'FINISHED',
        errorSource: 'SALESFORCE',
        errorCategory: 'Authentication',
      });
      const stored = await serverRun(run.id);
      expect(stored.counters.processed).toBe(1);
      expect(stored.exception).toContain('TypeError: Salesforce answered INVALID_SESSION_ID');
      expect(stored.exception).toContain('run-reporting.test.ts'); // the stack
    });

    it('fail() defaults to source CONNECTOR and the error name as category', async () => {
      const run = await client.startRun({ integrationId: basics.integration.id });
      await run.fail(new RangeError('page size out of range'));
      expect(await serverRun(run.id)).toMatchObject({
        progress: 'FINISHED',
        errorSource: 'CONNECTOR',
        errorCategory: 'RangeError',
      });
    });

    it('refuses actions after finish(), and a second finish() answers the same run', async () => {
      const run = await client.startRun({ integrationId: basics.integration.id });
      const first = await run.finish();
      expect(await run.finish()).toBe(first);
      await expect(run.action(testAction(1))).rejects.toMatchObject({ code: 'run_closed' });
    });

    it('surfaces the server error of an invalid action as a SynctrailError, and fail() still ends the run', async () => {
      const run = await client.startRun({
        integrationId: basics.integration.id,
        batching: { flushIntervalMs: 10 },
      });
      await run.action({ ...testAction(1), errorCode: 7 });
      const error = await run.finish().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SynctrailError);
      expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
      await expect(run.action(testAction(2))).rejects.toBe(error);
      const failed = await run.fail(error);
      expect(failed.progress).toBe('FINISHED');
      expect(failed.exception).toContain('1 action(s) could not be delivered');
    });

    it('attach() uploads strings, bytes and streams', async () => {
      const run = await client.startRun({ integrationId: basics.integration.id });
      const text = await run.attach('job.txt', 'JOB_LIST', 'job 1\njob 2\n');
      const bytes = await run.attach('cache.json', 'OBJECT_CACHE', new TextEncoder().encode('{"a":1}'));
      const big = 'trace line\n'.repeat(50_000);
      const streamed = await run.attach(
        'trace.txt',
        'HTTP_TRACE',
        Readable.from([big.slice(0, 1000), Buffer.from(big.slice(1000))]),
      );
      const iterable = await run.attach(
        'config.xml',
        'CONFIGURATION',
        (async function* () {
          yield '<config>';
          yield new TextEncoder().encode('</config>');
        })(),
        { contentType: 'application/xml' },
      );
      expect(text).toMatchObject({ name: 'job.txt', kind: 'JOB_LIST', sizeBytes: 12 });
      expect(bytes).toMatchObject({ kind: 'OBJECT_CACHE', sizeBytes: 7 });
      expect(streamed).toMatchObject({ kind: 'HTTP_TRACE', sizeBytes: big.length });
      expect(iterable).toMatchObject({
        kind: 'CONFIGURATION',
        sizeBytes: 17,
        contentType: 'application/xml',
      });
      const download = await t.api('GET', `/api/v1/runs/${run.id}/artifacts/${streamed.id}`);
      expect(download.body).toBe(big);
      await run.finish();
    });

    it('upsertUser() creates and then updates a sync user by externalId', async () => {
      const created = await client.upsertUser(basics.org.id, {
        externalId: 'ext-42',
        email: 'grace@example.com',
        name: 'Grace',
      });
      const updated = await client.upsertUser(basics.org.id, {
        externalId: 'ext-42',
        name: 'Grace Hopper',
        syncEnabled: false,
      });
      expect(updated).toMatchObject({
        id: created.id,
        name: 'Grace Hopper',
        email: 'grace@example.com',
        syncEnabled: false,
      });
    });

    it('reportCalls() stores calls the connector recorded itself', async () => {
      const result = await client.reportCalls([
        {
          organizationId: basics.org.id,
          direction: 'INCOMING',
          appFrom: 'okta',
          appTo: 'portal',
          action: 'SSO_SUCCESSFUL',
          requestType: 'AUTHENTICATION_APPLICATIONS',
          login: 'ada@example.com',
          method: 'POST',
          url: 'https://portal.example.com/sso/acs',
          statusCode: 302,
        },
      ]);
      expect(result.accepted).toBe(1);
      const stored = (await t.api('GET', `/api/v1/calls/${result.ids[0]}`)).json();
      expect(stored).toMatchObject({ action: 'SSO_SUCCESSFUL', login: 'ada@example.com', statusCode: 302 });
    });

    it('answers API errors as SynctrailError with status, code and message', async () => {
      const error = await client
        .startRun({ integrationId: '00000000-0000-7000-8000-000000000000' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SynctrailError);
      expect(error).toMatchObject({ status: 404, code: 'integration_not_found' });
      const unauthorized = new Synctrail({ url, token: 'wrong-token-0123456789' });
      await expect(unauthorized.getRun('00000000-0000-7000-8000-000000000000')).rejects.toMatchObject({
        status: 401,
        code: 'unauthenticated',
      });
    });
  });
}
