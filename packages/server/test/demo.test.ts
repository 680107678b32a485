import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTION_KIND,
  ARTIFACT_KIND,
  CALL_ACTION,
  KNOWN_REQUEST_TYPES,
  RUN_PROGRESS,
  SYNC_STATUS,
  type Artifact,
  type Call,
  type CallSummary,
  type Integration,
  type Issue,
  type Organization,
  type Run,
  type SyncUser,
  type SyncUserListItem,
  type OrganizationListItem,
  type TimelineEntry,
} from '@synctrail/types';
import { loadDemoIfEmpty, type DemoSummary } from '../src/demo/demo.js';
import { DemoConnector } from '../src/demo/demo-connector.js';
import {
  ENGINES,
  OPERATOR_TOKEN,
  readAllPages,
  sessionCaller,
  startTestApp,
  type TestContext,
} from './harness.js';

/** A fixed moment, so that the data set's dates are the same on every run of the suite. */
const NOW = new Date('2026-03-18T12:00:00.000Z');
const DAY_MS = 24 * 3600 * 1000;

const DEMO_PASSWORD = 'demo-password-for-tests';

/** What the first engine loaded, to compare with the next: the data set does not depend on the engine. */
let firstSummary: DemoSummary | undefined;

for (const kind of ENGINES) {
  describe(`demo data set [${kind}]`, () => {
    let t: TestContext;
    let summary: DemoSummary;
    const org: Record<string, Organization> = {};

    const all = async <T>(url: string) => (await readAllPages<T>(t.api, url)).items;
    const first = async <T>(url: string): Promise<T | undefined> => {
      const res = await t.api('GET', url);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: T[] }>().items[0];
    };

    beforeAll(async () => {
      t = await startTestApp(kind);
      summary = (await loadDemoIfEmpty(t.app, OPERATOR_TOKEN, {
        now: NOW,
        password: DEMO_PASSWORD,
      })) as DemoSummary;
      for (const o of await all<Organization>('/api/v1/organizations?limit=100')) org[o.slug] = o;
    }, 180_000);
    afterAll(() => t?.close());

    it('loads thousands of actions through the API', () => {
      expect(summary).toBeDefined();
      expect(summary.actions).toBeGreaterThan(10_000);
    });

    it('loads the same data set on every engine', () => {
      if (!firstSummary) firstSummary = summary;
      const { elapsedMs: _a, ...mine } = summary;
      const { elapsedMs: _b, ...theirs } = firstSummary;
      expect(mine).toEqual(theirs);
    });

    it('creates four organizations, one of them with sync disabled', async () => {
      expect(Object.keys(org).sort()).toEqual(['fabrikam', 'globex', 'initech', 'northwind']);
      const disabled = await all<Organization>('/api/v1/organizations?syncEnabled=false');
      expect(disabled.map((o) => o.slug)).toEqual(['initech']);
      const members = (await t.api('GET', `/api/v1/organizations/${org.northwind!.id}/members`)).json();
      // Its own admin and viewer, and the demo's two accounts.
      expect(members.items.map((m: { role: string }) => m.role).sort()).toEqual([
        'ADMIN',
        'ADMIN',
        'VIEWER',
        'VIEWER',
      ]);
    });

    it('gives Northwind an Exchange ↔ Salesforce integration with 50 sync users, some disabled', async () => {
      const [integration] = await all<Integration>(
        `/api/v1/organizations/${org.northwind!.id}/integrations?type=exchange`,
      );
      expect(integration).toMatchObject({ name: 'Exchange ↔ Salesforce', status: 'ACTIVE' });
      // The configuration snapshot keeps its shape but not its secrets.
      expect(integration!.configuration).toMatchObject({
        salesforce: { password: '***', securityToken: '***' },
      });
      const users = await all<SyncUser>(`/api/v1/organizations/${org.northwind!.id}/users?limit=100`);
      expect(users).toHaveLength(50);
      expect(users.filter((u) => !u.syncEnabled).length).toBe(4);
      expect(users.every((u) => u.email?.endsWith('@northwind.example'))).toBe(true);
    });

    it('spreads each user’s sessions over weeks, and shows failed ones in the statistics', async () => {
      const users = await all<SyncUser>(
        `/api/v1/organizations/${org.northwind!.id}/users?limit=100&syncEnabled=true`,
      );
      const sessions = await all<Run>(`/api/v1/users/${users[10]!.id}/runs?limit=1000`);
      expect(sessions.length).toBeGreaterThanOrEqual(20);
      const times = sessions.map((r) => Date.parse(r.startedAt!));
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(14 * DAY_MS);
      expect(Math.max(...times)).toBeLessThanOrEqual(NOW.getTime());
      const failed = await all<Run>(
        `/api/v1/organizations/${org.northwind!.id}/runs?status=ERROR&limit=1000`,
      );
      expect(failed.length).toBeGreaterThan(20);
      expect(failed.every((r) => r.status === 'ERROR' && r.userId !== null)).toBe(true);
    });

    it('has runs of every trigger, progress and status', async () => {
      const triggers = [
        'FULL_SYNC_JOB',
        'FULL_SYNC_MANUAL',
        'SERVICENOW_CHANGES',
        'LEANIX_CHANGES',
        'SIGNAVIO_CHANGES',
        'EXCHANGE_CHANGES',
      ];
      for (const trigger of triggers)
        expect(await first<Run>(`/api/v1/runs?trigger=${trigger}&limit=1`), trigger).toBeDefined();
      for (const progress of RUN_PROGRESS)
        expect(await first<Run>(`/api/v1/runs?progress=${progress}&limit=1`), progress).toBeDefined();
      for (const status of SYNC_STATUS)
        expect(await first<Run>(`/api/v1/runs?status=${status}&limit=1`), status).toBeDefined();
      const running = await all<Run>('/api/v1/runs?progress=RUNNING');
      expect(running).toHaveLength(2);
      expect(running).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            integrationType: 'signavio',
            name: 'Corporate Processes',
            cancellable: false,
          }),
          expect.objectContaining({
            integrationType: 'exchange',
            name: 'Full resync of all mailboxes',
            cancellable: true,
          }),
        ]),
      );
      const cancelled = await all<Run>('/api/v1/runs?progress=ABORTED&integrationType=servicenow');
      expect(cancelled).toMatchObject([
        { trigger: 'FULL_SYNC_MANUAL', cancelRequestedBy: 'operator:bootstrap' },
      ]);
    });

    it('runs daily full syncs of ServiceNow and Signavio with thousands of actions', async () => {
      const serviceNow = await all<Run>(
        '/api/v1/runs?integrationType=servicenow&trigger=FULL_SYNC_JOB&limit=1000',
      );
      const days = new Set(serviceNow.map((r) => r.startedAt!.slice(0, 10)));
      expect(days.size).toBe(28);
      const signavio = await all<Run>(
        '/api/v1/runs?integrationType=signavio&trigger=FULL_SYNC_JOB&limit=1000',
      );
      expect(new Set(signavio.map((r) => r.name))).toEqual(new Set(['Corporate Processes', 'IT Processes']));
      const ea = await all<Run>('/api/v1/runs?integrationType=servicenow,signavio&limit=1000');
      expect(ea.reduce((n, r) => n + r.counters.processed, 0)).toBeGreaterThan(5000);
    });

    it('covers every action kind and action status', async () => {
      const runs = await all<Run>(
        '/api/v1/runs?integrationType=servicenow&trigger=FULL_SYNC_JOB&status=ERROR&limit=1000',
      );
      const found = async (filter: string) => {
        for (const run of runs)
          if (await first(`/api/v1/runs/${run.id}/actions?${filter}&limit=1`)) return true;
        return false;
      };
      for (const action of ACTION_KIND) expect(await found(`action=${action}`), action).toBe(true);
      for (const status of SYNC_STATUS) expect(await found(`status=${status}`), status).toBe(true);
    });

    it('explains failed runs with an error source, category and exception', async () => {
      const failed = await all<Run>('/api/v1/runs?status=ERROR&progress=FINISHED&limit=1000');
      expect(
        failed.every((r) => r.errorSource !== null && r.errorCategory !== null && r.exception !== null),
      ).toBe(true);
      const sources = new Set(failed.map((r) => r.errorSource));
      for (const source of [
        'SERVICENOW',
        'SIGNAVIO',
        'CONNECTOR',
        'UNKNOWN',
        'MICROSOFT_EXCHANGE',
        'SALESFORCE',
      ]) {
        expect(sources.has(source), source).toBe(true);
      }
      expect(
        failed.find((r) => r.errorCategory === 'AUTHENTICATION' && r.integrationType === 'servicenow')
          ?.exception,
      ).toMatch(/401 Unauthorized/);
    });

    it('opens issues with every error code, some resolved by a later OK action', async () => {
      const users = await all<SyncUser>(`/api/v1/organizations/${org.northwind!.id}/users?limit=100`);
      const issues: Issue[] = [];
      for (const user of users)
        issues.push(...(await all<Issue>(`/api/v1/users/${user.id}/issues?limit=100`)));
      for (const code of [0, 1, 2, 3]) {
        expect(
          issues.some((i) => i.errorCode === code && i.state === 'OPEN'),
          `open ${code}`,
        ).toBe(true);
        expect(
          issues.some((i) => i.errorCode === code && i.state === 'RESOLVED'),
          `resolved ${code}`,
        ).toBe(true);
      }
      expect(new Set(issues.map((i) => i.direction))).toEqual(
        new Set(['EXCHANGE → SALESFORCE', 'SALESFORCE → EXCHANGE']),
      );
      expect(issues.some((i) => i.occurrences > 1)).toBe(true);
    });

    it('gives Northwind’s first sync user a timeline with every kind of entry', async () => {
      const user = await first<SyncUserListItem>(`/api/v1/organizations/${org.northwind!.id}/users?limit=1`);
      expect(user).toMatchObject({
        syncEnabled: true,
        openIssues: 1,
        lastRun: { trigger: 'FULL_SYNC_MANUAL' },
      });
      const entries = await all<TimelineEntry>(`/api/v1/users/${user!.id}/timeline?limit=200`);
      const runs = entries.filter((e) => e.kind === 'run');
      expect(runs.length).toBeGreaterThanOrEqual(20);
      expect(runs.some((e) => e.status === 'ERROR')).toBe(true);
      expect(entries.some((e) => e.kind === 'action' && e.status === 'ERROR')).toBe(true);
      const issues = entries.flatMap((e) => (e.kind === 'issue' ? [e] : []));
      const resolved = issues.find((e) => e.event === 'resolved')!;
      expect(resolved).toBeDefined();
      expect(issues.some((e) => e.event === 'opened' && e.issue.id === resolved.issue.id)).toBe(true);
      expect(issues.some((e) => e.event === 'opened' && e.issue.state === 'OPEN')).toBe(true);
      const calls = entries.flatMap((e) => (e.kind === 'call' ? [e] : []));
      expect(calls.some((e) => e.matchedBy === 'run' && e.status === 'ERROR')).toBe(true);
      const byLogin = calls.filter((e) => e.matchedBy === 'login');
      expect(byLogin.some((e) => e.call.login === user!.externalId)).toBe(true);
      // Exchange's notifications spell the address their own way.
      expect(
        byLogin.some((e) => e.call.login !== user!.email && e.call.login?.toLowerCase() === user!.email),
      ).toBe(true);
      expect(byLogin.some((e) => e.status === 'ERROR')).toBe(true);
      const northwind = (await t.api('GET', '/api/v1/organizations?q=northwind')).json()
        .items[0] as OrganizationListItem;
      expect(northwind.stats).toMatchObject({ integrations: 1, users: 50 });
    });

    it('attaches the nine kinds of log files to a failed session', async () => {
      const [run] = await all<Run>(`/api/v1/organizations/${org.northwind!.id}/runs?status=ERROR&limit=1`);
      const files = (await t.api('GET', `/api/v1/runs/${run!.id}/artifacts`)).json<{ items: Artifact[] }>()
        .items;
      expect(new Set(files.map((f) => f.kind))).toEqual(new Set(ARTIFACT_KIND.filter((k) => k !== 'OTHER')));
      expect(files.map((f) => f.name)).toEqual(
        expect.arrayContaining(['salesforce-http-trace.txt', 'configuration.xml', 'Contact.json', 'job.txt']),
      );
      const cache = files.find((f) => f.name === 'Appointment.json')!;
      const content = (await t.api('GET', `/api/v1/runs/${run!.id}/artifacts/${cache.id}`)).json();
      expect(content).toMatchObject({ objectType: 'Appointment' });
      const c4c = await all<Run>(`/api/v1/organizations/${org.initech!.id}/runs?status=ERROR&limit=1`);
      const c4cFiles = (await t.api('GET', `/api/v1/runs/${c4c[0]!.id}/artifacts`)).json<{
        items: Artifact[];
      }>().items;
      expect(c4cFiles.map((f) => f.name)).toContain('c4c-dump.txt');
    });

    it('logs SSO, SLO and NetSuite calls with their payloads, credentials masked', async () => {
      for (const action of CALL_ACTION)
        expect(await first(`/api/v1/calls?action=${action}&limit=1`), action).toBeDefined();
      for (const type of KNOWN_REQUEST_TYPES)
        expect(await first(`/api/v1/calls?requestType=${type}&limit=1`), type).toBeDefined();
      const api = await first<CallSummary>(
        '/api/v1/calls?app=NetSuite&requestType=API_CALL&statusCode=200&limit=1',
      );
      expect(api?.runId).not.toBeNull();
      const login = await all<CallSummary>('/api/v1/calls?appTo=NetSuite&requestType=API_CALL&limit=1000');
      const restlet = login.find((c) => c.method === 'POST')!;
      const call = (await t.api('GET', `/api/v1/calls/${restlet.id}`)).json<Call>();
      expect(call.request.headers.authorization).toBe('***');
      expect(JSON.parse(call.request.body!)).toMatchObject({
        email: 'integration@globex.example',
        password: '***',
      });
      const [token] = await all<CallSummary>(
        '/api/v1/calls?app=OAuth%202.0%20Google%20Apps&action=SSO_SUCCESSFUL&limit=1',
      );
      const exchange = (await t.api('GET', `/api/v1/calls/${token!.id}`)).json<Call>();
      expect(exchange.request.body).toMatch(/client_secret=\*\*\*$/);
      expect(JSON.parse(exchange.response.body!)).toMatchObject({ access_token: '***', id_token: '***' });
    });

    it('leaves a resync of Northwind under way, leased by the demo connector, with its calls and payloads', async () => {
      const [live] = await all<Run>('/api/v1/runs?progress=RUNNING&integrationType=exchange');
      expect(live).toMatchObject({
        organizationId: org.northwind!.id,
        leaseOwner: 'demo-connector',
        cancellable: true,
        counters: { processed: 12 },
      });
      expect(Date.now() - Date.parse(live!.lastHeartbeatAt!)).toBeLessThan(10 * 60_000);
      const calls = await all<CallSummary>(`/api/v1/calls?runId=${live!.id}&limit=100`);
      expect(calls).toHaveLength(36);
      for (const summary of calls.slice(0, 6)) {
        const call = (await t.api('GET', `/api/v1/calls/${summary.id}`)).json<Call>();
        expect(call.request.headers.authorization).toBe('***');
        if (call.method !== 'GET') expect(call.request.body).toBeTruthy();
        if (call.statusCode !== 204) expect(call.response.body).toBeTruthy();
      }
    });

    it('creates an operator, and an ADMIN and a VIEWER of Northwind, who sign in with their roles', async () => {
      expect(summary.accounts.map((a) => [a.role, a.email, a.password, a.membership])).toEqual([
        ['operator', 'operator@demo.synctrail.dev', DEMO_PASSWORD, null],
        [
          'admin',
          'admin@demo.synctrail.dev',
          DEMO_PASSWORD,
          { role: 'ADMIN', organizationName: 'Northwind Traders' },
        ],
        [
          'viewer',
          'viewer@demo.synctrail.dev',
          DEMO_PASSWORD,
          { role: 'VIEWER', organizationName: 'Northwind Traders' },
        ],
      ]);
      const signIn = (email: string) => sessionCaller(t.api, email, DEMO_PASSWORD);
      const operator = await signIn('operator@demo.synctrail.dev');
      expect((await operator('GET', '/api/v1/session')).json().account.operator).toBe(true);
      expect((await operator('GET', '/api/v1/organizations')).json().items).toHaveLength(4);
      const viewer = await signIn('viewer@demo.synctrail.dev');
      expect((await viewer('GET', '/api/v1/session')).json().memberships).toEqual([
        { organizationId: org.northwind!.id, role: 'VIEWER' },
      ]);
      const [live] = (await viewer('GET', '/api/v1/runs?progress=RUNNING')).json<{ items: Run[] }>().items;
      expect(live).toMatchObject({ organizationId: org.northwind!.id, cancellable: true });
      expect((await viewer('POST', `/api/v1/runs/${live!.id}/cancel`)).statusCode).toBe(403);
      const admin = await signIn('admin@demo.synctrail.dev');
      const cancelled = await admin('POST', `/api/v1/runs/${live!.id}/cancel`);
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      expect(cancelled.json().progress).toBe('ABORTION_PENDING');
    });

    it('adds nothing when loaded again into a database that holds organizations', async () => {
      const count = async (url: string) => (await all(url)).length;
      const before = [
        await count('/api/v1/organizations?limit=1000'),
        await count('/api/v1/runs?limit=1000'),
        await count('/api/v1/calls?limit=1000'),
      ];
      expect(before[1]).toBe(summary.runs);
      expect(before[2]).toBe(summary.calls);
      expect(await loadDemoIfEmpty(t.app, OPERATOR_TOKEN, { now: NOW })).toBeUndefined();
      const after = [
        await count('/api/v1/organizations?limit=1000'),
        await count('/api/v1/runs?limit=1000'),
        await count('/api/v1/calls?limit=1000'),
      ];
      expect(after).toEqual(before);
    });

    it('has a connector that keeps the resync alive, confirms the cancel, and runs what Run Sync queues', async () => {
      const [cancelled] = await all<Run>(
        '/api/v1/runs?progress=ABORTION_PENDING&integrationType=exchange&name=Full%20resync%20of%20all%20mailboxes',
      );
      expect(cancelled).toBeDefined();
      const connector = (await DemoConnector.start(t.app.services, 3600_000, t.app.log))!;
      try {
        // Its first beat confirms the cancel, and starts a resync anew: there is one to cancel again.
        const aborted = (await t.api('GET', `/api/v1/runs/${cancelled!.id}`)).json<Run>();
        expect(aborted).toMatchObject({
          progress: 'ABORTED',
          exception: expect.stringMatching(/Cancelled on request/),
        });
        const [again] = await all<Run>('/api/v1/runs?progress=RUNNING&integrationType=exchange');
        expect(again).toMatchObject({
          name: 'Full resync of all mailboxes',
          leaseOwner: 'demo-connector',
          cancellable: true,
        });
        await connector.tick();
        const beaten = (await t.api('GET', `/api/v1/runs/${again!.id}`)).json<Run>();
        expect(beaten.counters.processed).toBe(again!.counters.processed + 1);
        expect(Date.parse(beaten.lastHeartbeatAt!)).toBeGreaterThanOrEqual(
          Date.parse(again!.lastHeartbeatAt ?? again!.requestedAt),
        );

        const integrationId = again!.integrationId;
        // The resync is an integration-wide full sync: Run Sync for a user queues one of its own (not
        // the first user's: its session waits for the connector to confirm a cancel).
        const user = (
          await all<SyncUser>(`/api/v1/organizations/${org.northwind!.id}/users?syncEnabled=true&limit=5`)
        )[3];
        const queued = await t.api('POST', `/api/v1/integrations/${integrationId}/sync`, {
          userId: user!.id,
        });
        expect(queued.statusCode, queued.body).toBe(201);
        for (let i = 0; i < 10; i++) await connector.tick();
        expect((await t.api('GET', `/api/v1/runs/${queued.json().id}`)).json()).toMatchObject({
          progress: 'FINISHED',
          leaseOwner: 'demo-connector',
          counters: { processed: 8 },
        });
      } finally {
        await connector.stop();
      }
    });
  });
}
