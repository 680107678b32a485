import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaskingRuleService } from '../src/masking/masking-rule.service.js';
import { ENGINES, OPERATOR_TOKEN, seedBasics, startTestApp, type TestContext } from './harness.js';

const PASSWORD = 'correct horse battery staple';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZGFAZXhhbXBsZS5jb20iLCJleHAiOjE3Njk5MzI4MDB9.Qm9vbXNoYWthbGFrYQ';

for (const kind of ENGINES) {
  describe(`masking at ingest [${kind}]`, () => {
    let t: TestContext;
    let acme: Awaited<ReturnType<typeof seedBasics>>;
    let globex: Awaited<ReturnType<typeof seedBasics>>;

    /** A caller signed in to the console as a member of acme with that role. */
    const member = async (role: 'ADMIN' | 'VIEWER') => {
      const email = `${role.toLowerCase()}-${randomBytes(3).toString('hex')}@acme.test`;
      const added = await t.api('POST', `/api/v1/organizations/${acme.org.id}/members`, {
        email,
        role,
        password: PASSWORD,
      });
      expect(added.statusCode, added.body).toBe(201);
      const session = await t.api(
        'POST',
        '/api/v1/session',
        { email, password: PASSWORD },
        { authorization: '' },
      );
      const cookie = String(session.headers['set-cookie']).split(';')[0] ?? '';
      const csrf = session.json().csrfToken as string;
      return (method: Parameters<typeof t.api>[0], url: string, body?: unknown) =>
        t.api(method, url, body, {
          authorization: '',
          cookie,
          ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }),
        });
    };
    const keyOf = async (org: string, scopes: string[]) => {
      const res = await t.api('POST', `/api/v1/organizations/${org}/api-keys`, {
        name: scopes.join('+'),
        scopes,
      });
      const token = res.json().token as string;
      return (method: Parameters<typeof t.api>[0], url: string, body?: unknown) =>
        t.api(method, url, body, { authorization: `Bearer ${token}` });
    };
    const newRun = async (integrationId = acme.integration.id) => {
      const res = await t.api('POST', '/api/v1/runs', { integrationId });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const actionsOf = async (runId: string) =>
      (await t.api('GET', `/api/v1/runs/${runId}/actions`)).json().items as any[];
    const rulesUrl = (org: string) => `/api/v1/organizations/${org}/masking-rules`;
    const auditOf = async (target: string) =>
      (await t.api('GET', `/api/v1/audit?target=${encodeURIComponent(target)}&sort=asc`)).json()
        .items as any[];
    /** Uploads a file in the given pieces, as a piped upload arrives (no Content-Length). */
    const uploadPieces = (
      runId: string,
      query: string,
      pieces: Buffer[],
      contentType = 'application/octet-stream',
    ) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/runs/${runId}/artifacts?${query}`,
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': contentType },
        payload: Readable.from(pieces),
      });

    beforeAll(async () => {
      t = await startTestApp(kind);
      acme = await seedBasics(t.api);
      globex = await seedBasics(t.api);
    });
    afterAll(() => t?.close());

    describe('POST /api/v1/calls', () => {
      it('stores secrets in headers, URL and bodies masked, and ordinary data as sent', async () => {
        const res = await t.api('POST', '/api/v1/calls', [
          {
            organizationId: acme.org.id,
            direction: 'OUTGOING',
            appFrom: 'Synctrail Portal',
            appTo: 'Exchange',
            method: 'POST',
            url: `https://ews.example.com/EWS/Exchange.asmx?access_token=EwBwA8l6BAAU7p9QDpi&mailbox=ada%40example.com#id_token=${JWT}`,
            statusCode: 500,
            request: {
              headers: {
                Authorization: 'Bearer 00Dxx0000001gPL!AQ4AQFo',
                Cookie: 'sid=Hq9kLw2x',
                'X-Api-Key': 'sk_live_51HxQ2eKz8',
                'Content-Type': 'text/xml; charset=utf-8',
                'X-Request-Id': '6f1c2a9e-7b3d-4e5f-9a0b-1c2d3e4f5a6b',
              },
              body: '<soap:Envelope><soap:Header><t:Credentials><t:Password>Xy!9kLm#2</t:Password></t:Credentials></soap:Header><soap:Body><m:GetItem Id="AAMkAD"/></soap:Body></soap:Envelope>',
            },
            response: {
              headers: {
                'Set-Cookie': ['ASP.NET_SessionId=q8w7e6r5t4; path=/'],
                'content-type': 'application/json',
              },
              body: '{"error":"invalid_grant","refresh_token":"1//0gLrT9xQ","card":"4111 1111 1111 1111","user":"ada@example.com"}',
            },
          },
        ]);
        expect(res.statusCode, res.body).toBe(201);
        const stored = (await t.api('GET', `/api/v1/calls/${res.json().ids[0]}`)).json();
        expect(stored.url).toBe(
          'https://ews.example.com/EWS/Exchange.asmx?access_token=***&mailbox=ada%40example.com#id_token=***',
        );
        expect(stored.request.headers).toEqual({
          Authorization: '***',
          Cookie: '***',
          'X-Api-Key': '***',
          'Content-Type': 'text/xml; charset=utf-8',
          'X-Request-Id': '6f1c2a9e-7b3d-4e5f-9a0b-1c2d3e4f5a6b',
        });
        expect(stored.request.body).toBe(
          '<soap:Envelope><soap:Header><t:Credentials>***</t:Credentials></soap:Header><soap:Body><m:GetItem Id="AAMkAD"/></soap:Body></soap:Envelope>',
        );
        expect(stored.response.headers['Set-Cookie']).toEqual(['***']);
        expect(JSON.parse(stored.response.body)).toEqual({
          error: 'invalid_grant',
          refresh_token: '***',
          card: '***',
          user: 'ada@example.com',
        });
        const raw = await t.engine.db
          .selectFrom('calls')
          .select(['url', 'request', 'response'])
          .where('id', '=', stored.id)
          .executeTakeFirstOrThrow();
        expect(JSON.stringify(raw)).not.toMatch(
          /EwBwA8l6|00Dxx0000001gPL|Hq9kLw2x|sk_live|Xy!9kLm|q8w7e6r5t4|1\/\/0gLrT9xQ|4111 1111|eyJhbGci/,
        );
      });
    });

    describe('POST /api/v1/runs/:id/actions', () => {
      it('masks details at any depth and messages holding structured data, and keeps prose', async () => {
        const runId = await newRun();
        const res = await t.api('POST', `/api/v1/runs/${runId}/actions`, [
          {
            source: { system: 'CRM', id: 'c-1', name: 'Ada Lovelace' },
            target: { system: 'Exchange' },
            action: 'UPDATE',
            status: 'ERROR',
            message: '{"error":"unauthorized","access_token":"ya29.c.b0AXv0zTOa"}',
            details: {
              changes: [
                { field: 'Password', old: 'Spring2025!', new: 'Summer2026!' },
                { field: 'Title', old: 'Dr.', new: 'Prof.' },
              ],
              request: {
                headers: [{ name: 'Authorization', value: `Bearer ${JWT}` }],
                url: 'https://crm.example.com/api?apikey=b1946ac92492d2347c62&page=3',
              },
            },
          },
          {
            source: { system: 'CRM' },
            target: { system: 'Exchange' },
            action: 'NONE',
            status: 'WARNING',
            message: 'The access token expired; retried with Authorization: Bearer 9f8e7d6c5b4a3f2e1d',
          },
          {
            source: { system: 'CRM' },
            target: { system: 'Exchange' },
            action: 'NONE',
            status: 'INFO',
            message: 'Token refreshed for ada@example.com',
          },
        ]);
        expect(res.statusCode, res.body).toBe(201);
        const [first, second, third] = await actionsOf(runId);
        expect(JSON.parse(first.message)).toEqual({ error: 'unauthorized', access_token: '***' });
        expect(first.details).toEqual({
          changes: [
            { field: 'Password', old: '***', new: '***' },
            { field: 'Title', old: 'Dr.', new: 'Prof.' },
          ],
          request: {
            headers: [{ name: 'Authorization', value: '***' }],
            url: 'https://crm.example.com/api?apikey=***&page=3',
          },
        });
        expect(second.message).toBe('The access token expired; retried with Authorization: Bearer ***');
        expect(third.message).toBe('Token refreshed for ada@example.com');
      });
    });

    describe('POST /api/v1/runs/:id/artifacts', () => {
      it('stores a text trace masked, even with a token cut between two pieces, and a binary file byte for byte', async () => {
        const runId = await newRun();
        const trace = [
          '2026-02-01T08:00:00.137Z --> POST https://crm.example.com/oauth2/token',
          '    Content-Type: application/x-www-form-urlencoded',
          '    grant_type=refresh_token&client_id=exchange-connector&refresh_token=5Aep861TSESvWeHt',
          '2026-02-01T08:00:00.274Z <-- 200 OK (184 ms) {"token_type":"Bearer","expires_in":3600,"access_token":"00D5g000004Ce!ARwAQ"}',
          '2026-02-01T08:00:00.411Z --> GET https://crm.example.com/services/data/v59.0/sobjects/Contact?owner=u-8812',
          '    Authorization: Bearer 00D5g000004Ce!ARwAQ.second-half-of-token',
          '2026-02-01T08:00:00.530Z <-- 200 OK (119 ms) {"totalSize":12}',
          '',
        ].join('\n');
        const input = Buffer.from(trace);
        const cut = trace.indexOf('second-half');
        const text = await uploadPieces(runId, 'name=c4c-trace.txt&kind=HTTP_TRACE', [
          input.subarray(0, cut),
          input.subarray(cut),
        ]);
        expect(text.statusCode, text.body).toBe(201);
        const expected = trace
          .replace('refresh_token=5Aep861TSESvWeHt', 'refresh_token=***')
          .replace('"access_token":"00D5g000004Ce!ARwAQ"', '"access_token":"***"')
          .replace('Bearer 00D5g000004Ce!ARwAQ.second-half-of-token', 'Bearer ***');
        const download = await t.api('GET', `/api/v1/runs/${runId}/artifacts/${text.json().id}`);
        expect(download.body).toBe(expected);
        expect(text.json()).toMatchObject({
          sizeBytes: Buffer.byteLength(expected),
          sha256: sha256(Buffer.from(expected)),
        });

        const config =
          '<Configuration>\n  <Exchange url="https://ews.example.com" authentication="OAuth2" password="Hunter2-Acme"/>\n  <ClientSecret>\n    vL8~q2\n  </ClientSecret>\n</Configuration>\n';
        const xml = await uploadPieces(runId, 'name=configuration.xml&kind=CONFIGURATION', [
          Buffer.from(config.slice(0, 70)),
          Buffer.from(config.slice(70)),
        ]);
        expect((await t.api('GET', `/api/v1/runs/${runId}/artifacts/${xml.json().id}`)).body).toBe(
          '<Configuration>\n  <Exchange url="https://ews.example.com" authentication="OAuth2" password="***"/>\n  <ClientSecret>***</ClientSecret>\n</Configuration>\n',
        );

        const binary = Buffer.concat([
          randomBytes(5000),
          Buffer.from('Authorization: Bearer 00D5g000004Ce!ARwAQ\npassword=hunter2\n'),
          randomBytes(5000),
        ]);
        const zip = await uploadPieces(
          runId,
          'name=sync-logs.zip',
          [binary.subarray(0, 4000), binary.subarray(4000)],
          'application/zip',
        );
        const zipped = await t.app.inject({
          method: 'GET',
          url: `/api/v1/runs/${runId}/artifacts/${zip.json().id}`,
          headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
        });
        expect(zipped.rawPayload.equals(binary)).toBe(true);
        expect(zip.json()).toMatchObject({ sizeBytes: binary.length, sha256: sha256(binary) });
      });
    });

    describe('integration configuration', () => {
      it('keeps the snapshot with its secrets masked, on create and on change', async () => {
        const created = await t.api('POST', `/api/v1/organizations/${acme.org.id}/integrations`, {
          type: 'servicenow',
          name: 'ServiceNow',
          configuration: {
            instance: 'acme.service-now.com',
            oauth: {
              clientId: 'sync',
              clientSecret: 'Zx8-Qw7-Er6',
              tokenUrl: 'https://acme.service-now.com/oauth_token.do',
            },
            proxy: 'http://proxy-user:Pr0xyPass@proxy.acme.test:8080',
            headers: { 'X-Api-Key': 'k-88c1f2' },
          },
        });
        expect(created.statusCode, created.body).toBe(201);
        const integration = (await t.api('GET', `/api/v1/integrations/${created.json().id}`)).json();
        expect(integration.configuration).toEqual({
          instance: 'acme.service-now.com',
          oauth: {
            clientId: 'sync',
            clientSecret: '***',
            tokenUrl: 'https://acme.service-now.com/oauth_token.do',
          },
          proxy: 'http://proxy-user:***@proxy.acme.test:8080',
          headers: { 'X-Api-Key': '***' },
        });
        const patched = await t.api('PATCH', `/api/v1/integrations/${integration.id}`, {
          configuration: { xml: '<auth><password>pw-2026</password></auth>' },
        });
        expect(patched.json().configuration).toEqual({ xml: '<auth><password>***</password></auth>' });
      });
    });

    describe('/api/v1/organizations/:id/masking-rules', () => {
      it('lets an admin add, list and remove rules, and records each change in the audit log', async () => {
        const admin = await member('ADMIN');
        const created = await admin('POST', rulesUrl(acme.org.id), {
          name: 'Tenant ids',
          kind: 'pattern',
          match: 'TEN-[0-9]{5}',
        });
        expect(created.statusCode, created.body).toBe(201);
        const rule = created.json();
        expect(rule).toMatchObject({
          organizationId: acme.org.id,
          name: 'Tenant ids',
          kind: 'pattern',
          match: 'TEN-[0-9]{5}',
        });
        expect(rule.createdBy).toMatch(/^account:/);
        const field = await admin('POST', rulesUrl(acme.org.id), {
          name: 'Acme headers',
          kind: 'field',
          match: 'x-acme-*',
        });
        expect(field.statusCode, field.body).toBe(201);
        const listed = await admin('GET', rulesUrl(acme.org.id));
        expect(listed.json()).toEqual({ items: [rule, field.json()], nextCursor: null });

        const removed = await admin('DELETE', `${rulesUrl(acme.org.id)}/${rule.id}`);
        expect(removed.statusCode, removed.body).toBe(200);
        expect(removed.json()).toEqual(rule);
        expect((await admin('GET', rulesUrl(acme.org.id))).json().items).toEqual([field.json()]);
        const again = await admin('DELETE', `${rulesUrl(acme.org.id)}/${rule.id}`);
        expect(again.statusCode).toBe(404);
        expect(again.json().error.code).toBe('masking_rule_not_found');

        expect(await auditOf(`masking_rule:${rule.id}`)).toMatchObject([
          {
            action: 'masking_rule.create',
            organizationId: acme.org.id,
            details: { name: 'Tenant ids', kind: 'pattern' },
          },
          {
            action: 'masking_rule.delete',
            organizationId: acme.org.id,
            details: { name: 'Tenant ids', kind: 'pattern' },
          },
        ]);
        await admin('DELETE', `${rulesUrl(acme.org.id)}/${field.json().id}`);
      });

      it('refuses viewers and read keys (403) and hides other organizations (404)', async () => {
        const viewer = await member('VIEWER');
        const body = { name: 'x', kind: 'field', match: 'acme_ref' };
        expect((await viewer('GET', rulesUrl(acme.org.id))).statusCode).toBe(403);
        expect((await viewer('POST', rulesUrl(acme.org.id), body)).statusCode).toBe(403);
        const read = await keyOf(acme.org.id, ['read']);
        expect((await read('POST', rulesUrl(acme.org.id), body)).json().error.code).toBe('forbidden');

        const otherAdmin = await keyOf(globex.org.id, ['admin']);
        for (const res of [
          await otherAdmin('GET', rulesUrl(acme.org.id)),
          await otherAdmin('POST', rulesUrl(acme.org.id), body),
          await otherAdmin('DELETE', `${rulesUrl(acme.org.id)}/01890000-0000-7000-8000-000000000000`),
        ]) {
          expect(res.statusCode).toBe(404);
          expect(res.json().error.code).toBe('organization_not_found');
        }
        const acmeAdmin = await keyOf(acme.org.id, ['admin']);
        const own = await acmeAdmin('POST', rulesUrl(acme.org.id), body);
        expect(own.statusCode, own.body).toBe(201);
        // A rule is reached through its own organization only.
        const viaOther = await t.api('DELETE', `${rulesUrl(globex.org.id)}/${own.json().id}`);
        expect(viaOther.json().error.code).toBe('masking_rule_not_found');
        expect((await acmeAdmin('DELETE', `${rulesUrl(acme.org.id)}/${own.json().id}`)).statusCode).toBe(200);
      });

      it.each([
        ['a back-reference', { name: 'bad', kind: 'pattern', match: '(a)\\1' }, /linear-time engine/],
        ['a lookahead', { name: 'bad', kind: 'pattern', match: 'a(?!b)' }, /no lookahead/],
        ['a regex that does not compile', { name: 'bad', kind: 'pattern', match: '([a-z' }, /cannot be used/],
        [
          'a pattern that matches nothing at all',
          { name: 'bad', kind: 'pattern', match: '.*' },
          /empty text/,
        ],
        ['a glob of every field', { name: 'bad', kind: 'field', match: '**' }, /every field/],
        ['an unknown kind', { name: 'bad', kind: 'regex', match: 'x' }, /kind/],
      ])('answers 400 for %s and stores nothing', async (_label, body, message) => {
        const before = (await t.api('GET', '/api/v1/audit?action=masking_rule.create&limit=1000')).json()
          .items.length;
        const res = await t.api('POST', rulesUrl(globex.org.id), body);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
        expect(JSON.stringify(res.json().error)).toMatch(message);
        expect((await t.api('GET', rulesUrl(globex.org.id))).json().items).toEqual([]);
        expect(
          (await t.api('GET', '/api/v1/audit?action=masking_rule.create&limit=1000')).json().items,
        ).toHaveLength(before);
      });

      it("runs an organization's catastrophic-backtracking pattern in linear time, so ingest never stalls", async () => {
        const tenant = await seedBasics(t.api);
        const created = await t.api('POST', rulesUrl(tenant.org.id), {
          name: 'evil',
          kind: 'pattern',
          match: '(a|aa)+$',
        });
        expect(created.statusCode, created.body).toBe(201);
        const run = await newRun(tenant.integration.id);
        // A backtracking engine took 40 s on 45 characters of this and never finished 30,000.
        const message = `${'a'.repeat(30_000)}!`;
        const res = await t.api('POST', `/api/v1/runs/${run}/actions`, [
          { source: { system: 'A' }, target: { system: 'B' }, action: 'NONE', status: 'INFO', message },
          {
            source: { system: 'A' },
            target: { system: 'B' },
            action: 'NONE',
            status: 'INFO',
            message: 'id aaaa',
          },
        ]);
        expect(res.statusCode, res.body).toBe(201);
        const stored = await actionsOf(run);
        expect(stored.map((a) => a.message)).toEqual(expect.arrayContaining([message, 'id ***']));
        expect((await t.api('GET', '/healthz', undefined, { authorization: '' })).statusCode).toBe(200);
      });

      it('masks data ingested after a rule is added, in this process at once and in others within the TTL', async () => {
        const org = globex.org.id;
        let clock = Date.now();
        const otherProcess = new MaskingRuleService(t.engine, t.app.services.organizations, {
          ttlMs: 10_000,
          now: () => clock,
        });
        expect((await otherProcess.maskerFor(org)).text('tenant TEN-00042')).toBe('tenant TEN-00042');
        const action = (message: string, details: Record<string, unknown> = {}) => ({
          source: { system: 'CRM' },
          target: { system: 'Exchange' },
          action: 'NONE',
          status: 'INFO',
          message,
          details,
        });
        const before = await newRun(globex.integration.id);
        await t.api('POST', `/api/v1/runs/${before}/actions`, [
          action('tenant TEN-00042 synced', { EmployeeSSN: '078-05-1120' }),
        ]);

        expect(
          (await t.api('POST', rulesUrl(org), { name: 'Tenant ids', kind: 'pattern', match: 'TEN-[0-9]{5}' }))
            .statusCode,
        ).toBe(201);
        expect(
          (await t.api('POST', rulesUrl(org), { name: 'SSN', kind: 'field', match: 'employeessn' }))
            .statusCode,
        ).toBe(201);

        const after = await newRun(globex.integration.id);
        await t.api('POST', `/api/v1/runs/${after}/actions`, [
          action('tenant TEN-00042 synced', { EmployeeSSN: '078-05-1120' }),
        ]);
        expect((await actionsOf(after))[0]).toMatchObject({
          message: 'tenant *** synced',
          details: { EmployeeSSN: '***' },
        });
        // What was stored before the rule stays as it was.
        expect((await actionsOf(before))[0]).toMatchObject({
          message: 'tenant TEN-00042 synced',
          details: { EmployeeSSN: '078-05-1120' },
        });
        // Another organization is not affected.
        const acmeRun = await newRun();
        await t.api('POST', `/api/v1/runs/${acmeRun}/actions`, [action('tenant TEN-00042 synced')]);
        expect((await actionsOf(acmeRun))[0].message).toBe('tenant TEN-00042 synced');

        const upload = await t.api(
          'POST',
          `/api/v1/runs/${after}/artifacts?name=job.txt&kind=JOB_LIST`,
          'job 1 for TEN-00042 done\n',
          { 'content-type': 'text/plain' },
        );
        expect((await t.api('GET', `/api/v1/runs/${after}/artifacts/${upload.json().id}`)).body).toBe(
          'job 1 for *** done\n',
        );
        const integration = await t.api('PATCH', `/api/v1/integrations/${globex.integration.id}`, {
          configuration: { tenant: 'TEN-00042', employeeSsn: 'x' },
        });
        expect(integration.json().configuration).toEqual({ tenant: '***', employeeSsn: '***' });
        const calls = await t.api('POST', '/api/v1/calls', [
          {
            organizationId: org,
            direction: 'OUTGOING',
            appFrom: 'Connector',
            appTo: 'NetSuite',
            method: 'POST',
            url: 'https://netsuite.example.com/tenants/TEN-00042?page=1',
            statusCode: 200,
            request: {
              headers: { EmployeeSSN: '078-05-1120' },
              body: '{"EmployeeSSN":"078-05-1120","note":"for TEN-00042"}',
            },
            response: { headers: {}, body: 'ok' },
          },
        ]);
        expect(calls.statusCode, calls.body).toBe(201);
        const stored = (await t.api('GET', `/api/v1/calls/${calls.json().ids[0]}`)).json();
        expect(stored.url).toBe('https://netsuite.example.com/tenants/***?page=1');
        expect(stored.request.headers.EmployeeSSN).toBe('***');
        expect(JSON.parse(stored.request.body)).toEqual({ EmployeeSSN: '***', note: 'for ***' });

        // Another server process keeps its copy until the TTL has passed, then picks the rules up.
        expect((await otherProcess.maskerFor(org)).text('tenant TEN-00042')).toBe('tenant TEN-00042');
        clock += 9_999;
        expect((await otherProcess.maskerFor(org)).text('tenant TEN-00042')).toBe('tenant TEN-00042');
        clock += 2;
        expect((await otherProcess.maskerFor(org)).text('tenant TEN-00042')).toBe('tenant ***');
      });
    });
  });
}
