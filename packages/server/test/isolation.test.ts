import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, seedBasics, startTestApp, TEST_PASSWORD, type TestContext } from './harness.js';

/**
 * The isolation matrix: every endpoint × every kind of caller. Organization A owns every resource
 * addressed here; "other" is an all-scopes key of organization B. Nobody but A's members, A's keys
 * and operators may learn anything about A.
 */
type Caller = 'none' | 'other' | 'viewer' | 'ingest' | 'operator';
const CALLERS: Caller[] = ['none', 'other', 'viewer', 'ingest', 'operator'];

interface Row {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  /** Expected status per caller (none is always 401). */
  expect: Record<Exclude<Caller, 'none'>, number>;
  /** For lists: items must all belong to organization A (and be none for "other"). */
  list?: boolean;
}

interface Ids {
  orgA: string;
  orgB: string;
  integration: string;
  user: string;
  run: string;
  finishedRun: string;
  artifact: string;
  call: string;
  apiKey: string;
  member: string;
  maskingRule: string;
}

const R = (
  name: string,
  method: Row['method'],
  url: Row['url'],
  expect: Row['expect'],
  extra: Partial<Row> = {},
): Row => ({
  name,
  method,
  url,
  expect,
  ...extra,
});
const READ = { other: 404, viewer: 200, ingest: 403, operator: 200 };
const LIST = { other: 200, viewer: 200, ingest: 403, operator: 200 };
const ADMIN_WRITE = { other: 404, viewer: 403, ingest: 403, operator: 200 };
const INGEST_WRITE = { other: 404, viewer: 403, ingest: 201, operator: 201 };
const action = { source: { system: 'A' }, target: { system: 'B' }, action: 'NONE', status: 'OK' };

const ROWS: Row[] = [
  R('list organizations', 'GET', () => '/api/v1/organizations', LIST, { list: true }),
  R('get organization', 'GET', (i) => `/api/v1/organizations/${i.orgA}`, READ),
  R('update organization', 'PATCH', (i) => `/api/v1/organizations/${i.orgA}`, ADMIN_WRITE, {
    body: () => ({ name: 'A2' }),
  }),
  R(
    'create organization',
    'POST',
    () => '/api/v1/organizations',
    { other: 403, viewer: 403, ingest: 403, operator: 201 },
    {
      body: () => ({ name: `New ${Math.random()}` }),
    },
  ),
  R('list integrations', 'GET', (i) => `/api/v1/organizations/${i.orgA}/integrations`, READ),
  R('list integrations across organizations', 'GET', () => '/api/v1/integrations', LIST, { list: true }),
  R('list integrations of A by filter', 'GET', (i) => `/api/v1/integrations?organizationId=${i.orgA}`, LIST, {
    list: true,
  }),
  R(
    'create integration',
    'POST',
    (i) => `/api/v1/organizations/${i.orgA}/integrations`,
    { ...ADMIN_WRITE, operator: 201 },
    {
      body: () => ({ type: 'x', name: 'x' }),
    },
  ),
  R('get integration', 'GET', (i) => `/api/v1/integrations/${i.integration}`, READ),
  R('update integration', 'PATCH', (i) => `/api/v1/integrations/${i.integration}`, ADMIN_WRITE, {
    body: () => ({ name: 'renamed' }),
  }),
  R('list users', 'GET', (i) => `/api/v1/organizations/${i.orgA}/users`, READ),
  R(
    'upsert user',
    'POST',
    (i) => `/api/v1/organizations/${i.orgA}/users`,
    { other: 404, viewer: 403, ingest: 201, operator: 200 },
    {
      body: () => ({ externalId: 'shared-user' }),
    },
  ),
  R('get user', 'GET', (i) => `/api/v1/users/${i.user}`, READ),
  R('update user', 'PATCH', (i) => `/api/v1/users/${i.user}`, ADMIN_WRITE, { body: () => ({ name: 'n' }) }),
  R('user runs', 'GET', (i) => `/api/v1/users/${i.user}/runs`, READ),
  R('user issues', 'GET', (i) => `/api/v1/users/${i.user}/issues`, READ),
  R('user timeline', 'GET', (i) => `/api/v1/users/${i.user}/timeline`, READ),
  R('organization runs', 'GET', (i) => `/api/v1/organizations/${i.orgA}/runs`, READ),
  R('list runs', 'GET', () => '/api/v1/runs', LIST, { list: true }),
  R('list runs of A by filter', 'GET', (i) => `/api/v1/runs?organizationId=${i.orgA}`, LIST, { list: true }),
  R('get run', 'GET', (i) => `/api/v1/runs/${i.run}`, READ),
  R('start run', 'POST', () => '/api/v1/runs', INGEST_WRITE, {
    body: (i) => ({ integrationId: i.integration, trigger: 'LEANIX_CHANGES' }),
  }),
  R(
    'patch run',
    'PATCH',
    (i) => `/api/v1/runs/${i.run}`,
    { other: 404, viewer: 403, ingest: 200, operator: 200 },
    {
      body: () => ({ counters: { objects: 1 } }),
    },
  ),
  R('append actions', 'POST', (i) => `/api/v1/runs/${i.run}/actions`, INGEST_WRITE, { body: () => [action] }),
  R('list actions', 'GET', (i) => `/api/v1/runs/${i.run}/actions`, READ),
  R('heartbeat', 'POST', (i) => `/api/v1/runs/${i.run}/heartbeat`, {
    other: 404,
    viewer: 403,
    ingest: 200,
    operator: 200,
  }),
  R('list artifacts', 'GET', (i) => `/api/v1/runs/${i.run}/artifacts`, READ),
  R('download artifact', 'GET', (i) => `/api/v1/runs/${i.run}/artifacts/${i.artifact}`, {
    other: 404,
    viewer: 403,
    ingest: 403,
    operator: 200,
  }),
  R(
    'upload artifact',
    'POST',
    (i) => `/api/v1/runs/${i.run}/artifacts?name=more.txt&kind=OTHER`,
    INGEST_WRITE,
    { body: () => 'log line\n' },
  ),
  R('trigger sync', 'POST', (i) => `/api/v1/integrations/${i.integration}/sync`, {
    other: 404,
    viewer: 403,
    ingest: 403,
    operator: 201,
  }),
  R(
    'notify changes',
    'POST',
    (i) => `/api/v1/integrations/${i.integration}/changes`,
    { other: 404, viewer: 403, ingest: 201, operator: 200 },
    {
      body: () => ({ origin: 'SERVICENOW' }),
    },
  ),
  R('lease', 'POST', (i) => `/api/v1/integrations/${i.integration}/lease`, {
    other: 404,
    viewer: 403,
    ingest: 200,
    operator: 200,
  }),
  R('cancel', 'POST', (i) => `/api/v1/runs/${i.finishedRun}/cancel`, {
    other: 404,
    viewer: 403,
    ingest: 403,
    operator: 409,
  }),
  R('list calls', 'GET', () => '/api/v1/calls', LIST, { list: true }),
  R('search actions across runs', 'GET', () => '/api/v1/actions?q=a', LIST),
  R('get call', 'GET', (i) => `/api/v1/calls/${i.call}`, READ),
  R(
    'append calls',
    'POST',
    () => '/api/v1/calls',
    { other: 404, viewer: 403, ingest: 201, operator: 201 },
    {
      body: (i) => [
        {
          organizationId: i.orgA,
          direction: 'OUTGOING',
          appFrom: 'A',
          appTo: 'B',
          method: 'GET',
          url: 'https://x.test/',
        },
      ],
    },
  ),
  R('list api keys', 'GET', (i) => `/api/v1/organizations/${i.orgA}/api-keys`, {
    other: 404,
    viewer: 403,
    ingest: 403,
    operator: 200,
  }),
  R(
    'create api key',
    'POST',
    (i) => `/api/v1/organizations/${i.orgA}/api-keys`,
    { other: 404, viewer: 403, ingest: 403, operator: 201 },
    {
      body: () => ({ name: 'k', scopes: ['read'] }),
    },
  ),
  R('list members', 'GET', (i) => `/api/v1/organizations/${i.orgA}/members`, {
    other: 404,
    viewer: 403,
    ingest: 403,
    operator: 200,
  }),
  R(
    'add member',
    'POST',
    (i) => `/api/v1/organizations/${i.orgA}/members`,
    { other: 404, viewer: 403, ingest: 403, operator: 201 },
    {
      body: () => ({ email: `m${Math.random().toString(36).slice(2)}@a.test`, role: 'VIEWER' }),
    },
  ),
  R('revoke api key', 'DELETE', (i) => `/api/v1/api-keys/${i.apiKey}`, {
    other: 404,
    viewer: 403,
    ingest: 403,
    operator: 200,
  }),
  R('remove member', 'DELETE', (i) => `/api/v1/members/${i.member}`, {
    other: 404,
    viewer: 403,
    ingest: 403,
    operator: 200,
  }),
  R('list masking rules', 'GET', (i) => `/api/v1/organizations/${i.orgA}/masking-rules`, {
    other: 404,
    viewer: 403,
    ingest: 403,
    operator: 200,
  }),
  R(
    'add masking rule',
    'POST',
    (i) => `/api/v1/organizations/${i.orgA}/masking-rules`,
    { other: 404, viewer: 403, ingest: 403, operator: 201 },
    {
      body: () => ({ name: 'tenant header', kind: 'field', match: 'x-acme-*' }),
    },
  ),
  R(
    'try a masking rule',
    'POST',
    (i) => `/api/v1/organizations/${i.orgA}/masking-rules/test`,
    { other: 404, viewer: 403, ingest: 403, operator: 200 },
    { body: () => ({ kind: 'pattern', match: 'ACME-[0-9]+', sample: 'ACME-1' }) },
  ),
  // A's rule addressed through B's path: B's own admin key finds nothing to delete.
  R(
    "remove A's masking rule through B",
    'DELETE',
    (i) => `/api/v1/organizations/${i.orgB}/masking-rules/${i.maskingRule}`,
    {
      other: 404,
      viewer: 404,
      ingest: 404,
      operator: 404,
    },
  ),
  R(
    'remove masking rule',
    'DELETE',
    (i) => `/api/v1/organizations/${i.orgA}/masking-rules/${i.maskingRule}`,
    {
      other: 404,
      viewer: 403,
      ingest: 403,
      operator: 200,
    },
  ),
  R(
    'list audit events',
    'GET',
    () => '/api/v1/audit',
    { other: 200, viewer: 403, ingest: 403, operator: 200 },
    { list: true },
  ),
  R('verify the audit log', 'GET', () => '/api/v1/audit/verify', {
    other: 403,
    viewer: 403,
    ingest: 403,
    operator: 200,
  }),
  R(
    'list audit events of A by filter',
    'GET',
    (i) => `/api/v1/audit?organizationId=${i.orgA}`,
    { other: 200, viewer: 403, ingest: 403, operator: 200 },
    {
      list: true,
    },
  ),
];

for (const kind of ENGINES) {
  describe(`tenant isolation matrix [${kind}]`, () => {
    let t: TestContext;
    let ids: Ids;
    let orgAName: string;
    const headers: Record<Caller, (method: string) => Record<string, string>> = {} as never;

    beforeAll(async () => {
      t = await startTestApp(kind, { rateLimitPerMinute: 100_000, refusedCredentialsPerMinute: 100_000 });
      const a = await seedBasics(t.api, { cancellable: true, partialSync: true });
      const b = await seedBasics(t.api);
      orgAName = a.org.name;
      const run = (
        await t.api('POST', '/api/v1/runs', {
          integrationId: a.integration.id,
          userId: a.user.id,
          trigger: 'EXCHANGE_CHANGES',
        })
      ).json();
      const finished = (
        await t.api('POST', '/api/v1/runs', { integrationId: a.integration.id, progress: 'FINISHED' })
      ).json();
      await t.api('POST', `/api/v1/runs/${run.id}/actions`, [{ ...action, status: 'ERROR' }]);
      const artifact = (
        await t.api('POST', `/api/v1/runs/${run.id}/artifacts?name=job.txt&kind=JOB_LIST`, 'job 1\n', {
          'content-type': 'text/plain',
        })
      ).json();
      const calls = (
        await t.api('POST', '/api/v1/calls', [
          {
            organizationId: a.org.id,
            direction: 'INCOMING',
            appFrom: 'Google',
            appTo: 'Portal',
            method: 'POST',
            url: 'https://p.test/sso',
            request: { body: 'secret-ish' },
          },
        ])
      ).json();
      const key = async (org: string, scopes: string[]) =>
        (
          await t.api('POST', `/api/v1/organizations/${org}/api-keys`, { name: scopes.join(), scopes })
        ).json();
      const revocable = await key(a.org.id, ['read']);
      const member = (
        await t.api('POST', `/api/v1/organizations/${a.org.id}/members`, {
          email: 'gone@a.test',
          role: 'VIEWER',
        })
      ).json();
      await t.api('POST', `/api/v1/organizations/${a.org.id}/members`, {
        email: 'viewer@a.test',
        role: 'VIEWER',
        password: TEST_PASSWORD,
      });
      const signIn = await t.api(
        'POST',
        '/api/v1/session',
        { email: 'viewer@a.test', password: TEST_PASSWORD },
        { authorization: '' },
      );
      const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
      const csrf = signIn.json().csrfToken as string;
      const rule = (
        await t.api('POST', `/api/v1/organizations/${a.org.id}/masking-rules`, {
          name: 'crm session',
          kind: 'field',
          match: 'x-crm-session',
        })
      ).json();
      const other = (await key(b.org.id, ['ingest', 'read', 'admin'])).token;
      const ingest = (await key(a.org.id, ['ingest'])).token;
      ids = {
        orgA: a.org.id,
        orgB: b.org.id,
        integration: a.integration.id,
        user: a.user.id,
        run: run.id,
        finishedRun: finished.id,
        artifact: artifact.id,
        call: calls.ids?.[0],
        apiKey: revocable.key.id,
        member: member.id,
        maskingRule: rule.id,
      };
      headers.none = () => ({ authorization: '' });
      headers.other = () => ({ authorization: `Bearer ${other}` });
      headers.ingest = () => ({ authorization: `Bearer ${ingest}` });
      headers.operator = () => ({});
      headers.viewer = (method) => ({
        authorization: '',
        cookie,
        ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }),
      });
      // B has data of its own, which A's callers must never see either.
      await t.api('POST', '/api/v1/runs', { integrationId: b.integration.id });
    });
    afterAll(() => t?.close());

    for (const row of ROWS) {
      it(`${row.method} ${row.name}`, async () => {
        const seen: Record<string, number> = {};
        for (const caller of CALLERS) {
          const body = row.body?.(ids);
          const extra = typeof body === 'string' ? { 'content-type': 'text/plain' } : {};
          const res = await t.api(row.method, row.url(ids), body, {
            ...extra,
            ...headers[caller](row.method),
          });
          seen[caller] = res.statusCode;
          if (res.statusCode < 300 && row.list) {
            const orgs = new Set(
              res.json().items.map((i: { organizationId?: string; id: string }) => i.organizationId ?? i.id),
            );
            if (caller === 'other') expect([...orgs], `${caller} sees A`).not.toContain(ids.orgA);
            if (caller === 'viewer' || caller === 'ingest')
              expect(
                [...orgs].every((o) => o === ids.orgA),
                `${caller} sees others`,
              ).toBe(true);
          }
          // A refusal may name what the caller sent, but nothing of A's it could not know.
          if (res.statusCode >= 400) expect(res.body).not.toContain(orgAName);
        }
        expect(seen).toEqual({ none: 401, ...row.expect });
      });
    }

    it('hides payload bodies from viewers', async () => {
      const res = await t.api('GET', `/api/v1/calls/${ids.call}`, undefined, headers.viewer('GET'));
      expect(res.statusCode).toBe(200);
      expect(res.json().request.body).toBeNull();
      const full = await t.api('GET', `/api/v1/calls/${ids.call}`);
      expect(full.json().request.body).toBe('secret-ish');
    });
  });
}
