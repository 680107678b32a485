import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '@synctrail/types';
import { RunControlService } from '../src/runs/run-control.service.js';
import {
  ENGINES,
  OPERATOR_TOKEN,
  seedBasics,
  signInMember,
  startTestApp,
  type TestContext,
} from './harness.js';
import { openEventStream, type SseConnection, type SseMessage } from './sse-client.js';
import { waitFor } from './server-process.js';

const action = (status = 'OK') => ({
  source: { system: 'A' },
  target: { system: 'B' },
  action: 'UPDATE',
  status,
});
const call = (organizationId: string, at: string, runId?: string) => ({
  organizationId,
  at,
  direction: 'OUTGOING',
  appFrom: 'Portal',
  appTo: 'CRM',
  method: 'GET',
  url: 'https://crm.test/x',
  ...(runId ? { runId } : {}),
});
const isRun = (id: string, progress?: string) => (m: SseMessage) =>
  m.event === 'run' && m.json.run.id === id && (progress === undefined || m.json.run.progress === progress);

for (const kind of ENGINES) {
  describe(`GET /api/v1/events [${kind}]`, () => {
    let t: TestContext;
    let base: string;
    const open: SseConnection[] = [];
    const stream = async (query = '', headers: Record<string, string> = {}) => {
      const connection = await openEventStream(`${base}/api/v1/events${query}`, {
        authorization: `Bearer ${OPERATOR_TOKEN}`,
        ...headers,
      });
      open.push(connection);
      return connection;
    };

    beforeAll(async () => {
      t = await startTestApp(kind, { liveEventPollMs: 50, liveEventHeartbeatMs: 300 });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const connection of open) connection.close();
      await t?.close();
    });

    it('sends a run event, with the run as GET /runs/{id} answers it, for every change of a run', async () => {
      const { integration } = await seedBasics(t.api, { cancellable: true });
      const events = await stream();
      expect(events.status).toBe(200);
      expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
      const queued = (await t.api('POST', `/api/v1/integrations/${integration.id}/sync`)).json<Run>();
      await events.waitFor('triggered', isRun(queued.id, 'PENDING'));
      await t.api('POST', `/api/v1/integrations/${integration.id}/lease`, { worker: 'w1' });
      const leased = await events.waitFor('leased', isRun(queued.id, 'RUNNING'));
      expect(leased.json.run).toMatchObject({ leaseOwner: 'w1', cancellable: true });
      await t.api('POST', `/api/v1/runs/${queued.id}/actions`, [action(), action('WARNING')]);
      await events.waitFor('actions', (m) => isRun(queued.id)(m) && m.json.run.counters.processed === 2);
      await t.api('PATCH', `/api/v1/runs/${queued.id}`, { counters: { objects: 7 } });
      await events.waitFor('patch', (m) => isRun(queued.id)(m) && m.json.run.counters.objects === 7);
      await t.api('POST', `/api/v1/runs/${queued.id}/cancel`);
      await events.waitFor('cancel', isRun(queued.id, 'ABORTION_PENDING'));
      await t.api('PATCH', `/api/v1/runs/${queued.id}`, { progress: 'ABORTED' });
      const last = await events.waitFor('aborted', isRun(queued.id, 'ABORTED'));
      expect(last.json).toEqual({
        kind: 'run',
        run: (await t.api('GET', `/api/v1/runs/${queued.id}`)).json(),
      });

      const created = (await t.api('POST', '/api/v1/runs', { integrationId: integration.id })).json<Run>();
      const started = await events.waitFor('created', isRun(created.id, 'RUNNING'));
      expect(started.json.run.lastHeartbeatAt).toBeNull();
      await t.api('POST', `/api/v1/runs/${created.id}/heartbeat`);
      await events.waitFor('heartbeat', (m) => isRun(created.id)(m) && m.json.run.lastHeartbeatAt !== null);
      await t.api('PATCH', `/api/v1/runs/${created.id}`, { progress: 'FINISHED' });
      await events.waitFor('finished', isRun(created.id, 'FINISHED'));

      // Ids increase, and each event's name is its data's kind.
      const ids = events.messages.map((m) => Number(m.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      expect(events.messages.every((m) => m.event === m.json.kind)).toBe(true);
    });

    it('sends a run event when the reaper aborts a stale run', async () => {
      const { integration } = await seedBasics(t.api);
      const events = await stream();
      const run = (await t.api('POST', '/api/v1/runs', { integrationId: integration.id })).json<Run>();
      const s = t.app.services;
      const later = new RunControlService(t.engine, s.runs, s.integrations, s.users, {
        staleRunTimeoutMs: 60_000,
        events: s.liveEvents,
        now: () => new Date(Date.now() + 120_000),
      });
      await later.reapStaleRuns();
      const reaped = await events.waitFor('reaped', isRun(run.id, 'ABORTED'));
      expect(reaped.json.run.errorCategory).toBe('CONNECTOR_UNRESPONSIVE');
    });

    it('sends one calls event per organization and run of an ingested batch', async () => {
      const { org, integration } = await seedBasics(t.api);
      const run = (await t.api('POST', '/api/v1/runs', { integrationId: integration.id })).json<Run>();
      const events = await stream(`?organizationId=${org.id}`);
      const res = await t.api('POST', '/api/v1/calls', [
        call(org.id, '2026-03-01T10:00:00.000Z', run.id),
        call(org.id, '2026-03-01T10:00:05.000Z', run.id),
        call(org.id, '2026-03-01T09:00:00.000Z', run.id),
        call(org.id, '2026-03-01T11:00:00.000Z'),
      ]);
      expect(res.statusCode, res.body).toBe(201);
      const withRun = await events.waitFor(
        'calls of the run',
        (m) => m.event === 'calls' && m.json.runId === run.id,
      );
      expect(withRun.json).toEqual({
        kind: 'calls',
        organizationId: org.id,
        runId: run.id,
        count: 3,
        latestAt: '2026-03-01T10:00:05.000Z',
      });
      const loose = await events.waitFor(
        'calls without run',
        (m) => m.event === 'calls' && m.json.runId === null,
      );
      expect(loose.json).toMatchObject({ count: 1, latestAt: '2026-03-01T11:00:00.000Z' });
    });

    it('keeps each caller to what it may see: a member of A never hears of B', async () => {
      const a = await seedBasics(t.api);
      const b = await seedBasics(t.api);
      const viewer = await signInMember(t.api, a.org.id, `viewer-${kind}@a.test`, 'VIEWER');
      const member = await stream('', { authorization: '', cookie: viewer.cookie });
      const operator = await stream();
      const narrowed = await stream(`?organizationId=${b.org.id}`);
      expect([member.status, operator.status, narrowed.status]).toEqual([200, 200, 200]);
      const inB = (await t.api('POST', '/api/v1/runs', { integrationId: b.integration.id })).json<Run>();
      await t.api('POST', '/api/v1/calls', [call(b.org.id, '2026-03-01T10:00:00.000Z')]);
      const inA = (await t.api('POST', '/api/v1/runs', { integrationId: a.integration.id })).json<Run>();
      await member.waitFor('A', isRun(inA.id));
      await operator.waitFor('A', isRun(inA.id));
      await operator.waitFor('B', isRun(inB.id));
      await narrowed.waitFor('B', isRun(inB.id));
      // B's events came first: had the member been sent them, they would be here by now.
      const orgOf = (m: SseMessage) =>
        m.event === 'run' ? m.json.run.organizationId : m.json.organizationId;
      expect(member.messages.map(orgOf).every((o) => o === a.org.id)).toBe(true);
      expect(narrowed.messages.map(orgOf).every((o) => o === b.org.id)).toBe(true);
      expect(narrowed.messages.some(isRun(inA.id))).toBe(false);

      const refused = async (query: string, headers: Record<string, string>) => {
        const res = await stream(query, headers);
        return { status: res.status, code: JSON.parse(await res.errorBody()).error.code };
      };
      const asMember = { authorization: '', cookie: viewer.cookie };
      expect(await refused(`?organizationId=${b.org.id}`, asMember)).toEqual({
        status: 404,
        code: 'organization_not_found',
      });
      expect(await refused(`?organizationId=${a.org.id},${b.org.id}`, asMember)).toMatchObject({
        status: 404,
      });
      expect(await refused('?organizationId=not-a-uuid', {})).toEqual({
        status: 400,
        code: 'invalid_filter',
      });
      for (const hostile of [
        'organizationId=a%00b',
        'lastEventId=%00',
        'lastEventId=%ED%A0%80',
        'colour=red',
      ])
        expect((await refused(`?${hostile}`, {})).status, hostile).toBe(400);
      const key = (
        await t.api('POST', `/api/v1/organizations/${a.org.id}/api-keys`, {
          name: 'ingest',
          scopes: ['ingest'],
        })
      ).json().token as string;
      expect(await refused('', { authorization: `Bearer ${key}` })).toEqual({
        status: 403,
        code: 'forbidden',
      });
      expect(await refused('', { authorization: '' })).toEqual({ status: 401, code: 'unauthenticated' });
    });

    it('resumes after Last-Event-ID, and says reset when it cannot', async () => {
      const { org, integration } = await seedBasics(t.api);
      const first = await stream(`?organizationId=${org.id}`);
      const one = (await t.api('POST', '/api/v1/runs', { integrationId: integration.id })).json<Run>();
      const seen = await first.waitFor('first run', isRun(one.id));
      first.close();
      const two = (await t.api('POST', '/api/v1/runs', { integrationId: integration.id })).json<Run>();
      await t.api('PATCH', `/api/v1/runs/${two.id}`, { counters: { objects: 3 } });
      await t.api('POST', '/api/v1/calls', [call(org.id, '2026-03-01T10:00:00.000Z')]);
      await t.api('PATCH', `/api/v1/runs/${two.id}`, { progress: 'FINISHED' });

      const resumed = await stream(`?organizationId=${org.id}`, { 'last-event-id': seen.id! });
      const missed = await resumed.waitFor('missed run', isRun(two.id));
      // Coalesced: one event for the run, as it is now.
      expect(missed.json.run).toMatchObject({ progress: 'FINISHED', counters: { objects: 3 } });
      await resumed.waitFor('missed calls', (m) => m.event === 'calls');
      expect(resumed.messages.some(isRun(one.id))).toBe(false);
      // (A change the poller had not handed out yet when the client came back may follow, live.)
      expect(resumed.messages.filter(isRun(two.id)).every((m) => m.json.run.progress === 'FINISHED')).toBe(
        true,
      );
      expect(Number(missed.id)).toBeGreaterThan(Number(seen.id));
      const asParameter = await stream(`?organizationId=${org.id}&lastEventId=${seen.id}`);
      await asParameter.waitFor('missed run', isRun(two.id));

      const future = await stream('', { 'last-event-id': '999999999999' });
      const reset = await future.waitFor('reset', (m) => m.event === 'reset');
      expect(reset.json.reason).toMatch(/not one of this server's/);
      const three = (await t.api('POST', '/api/v1/runs', { integrationId: integration.id })).json<Run>();
      await future.waitFor('live after reset', isRun(three.id));

      // An hour on, housekeeping has pruned them (all but the newest).
      await t.app.services.housekeeping.sweep(new Date(Date.now() + 2 * 3600_000));
      const pruned = await stream('', { 'last-event-id': seen.id! });
      const gone = await pruned.waitFor('reset', (m) => m.event === 'reset');
      expect(gone.json.reason).toMatch(/no longer kept/);

      const garbage = await stream('', { 'last-event-id': 'abc' });
      expect(garbage.status).toBe(400);
      expect(JSON.parse(await garbage.errorBody()).error.code).toBe('invalid_cursor');
    });

    it('sends a retry hint and keep-alive comments, and ends when the session does', async () => {
      const { org } = await seedBasics(t.api);
      const viewer = await signInMember(t.api, org.id, `leaving-${kind}@a.test`, 'VIEWER');
      const events = await stream('', { authorization: '', cookie: viewer.cookie });
      await waitFor('a keep-alive comment', () => events.comments.includes('keep-alive'), 5000);
      expect(events.retry).toBe(2000);
      const session = (
        await t.api('GET', '/api/v1/session', undefined, { authorization: '', cookie: viewer.cookie })
      ).json();
      await t.api('DELETE', '/api/v1/session', undefined, {
        authorization: '',
        cookie: viewer.cookie,
        'x-csrf-token': session.csrfToken,
      });
      await events.ended;
    });

    it('lets go of a client that disconnects', async () => {
      const hub = t.app.services.liveStreams.hub;
      await waitFor('earlier streams to settle', () => {
        for (const connection of open.splice(0)) connection.close();
        return hub.subscriberCount === 0;
      });
      const events = await stream();
      expect(hub.subscriberCount).toBe(1);
      events.close();
      await waitFor('the subscriber to go', () => hub.subscriberCount === 0, 5000);
    });
  });
}
