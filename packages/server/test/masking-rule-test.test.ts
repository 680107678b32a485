import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '@synctrail/types';
import {
  addMembers,
  ENGINES,
  readAllPages,
  seedBasics,
  sessionCaller,
  startTestApp,
  type Api,
  type TestContext,
} from './harness.js';

for (const kind of ENGINES) {
  describe(`POST /api/v1/organizations/{id}/masking-rules/test [${kind}]`, () => {
    let t: TestContext;
    let acme: Awaited<ReturnType<typeof seedBasics>>;
    let globex: Awaited<ReturnType<typeof seedBasics>>;
    let admin: Api;
    let viewer: Api;
    let stranger: Api;
    const url = () => `/api/v1/organizations/${acme.org.id}/masking-rules/test`;
    const tryRule = async (body: Record<string, unknown>, api: Api = t.api) => {
      const res = await api('POST', url(), body);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ masked: string; changed: boolean; byRule: number }>();
    };

    beforeAll(async () => {
      t = await startTestApp(kind);
      acme = await seedBasics(t.api);
      globex = await seedBasics(t.api);
      await addMembers(t.api, acme.org.id, [
        [`admin-${kind}@acme.test`, 'ADMIN'],
        [`viewer-${kind}@acme.test`, 'VIEWER'],
      ]);
      await addMembers(t.api, globex.org.id, [[`admin-${kind}@globex.test`, 'ADMIN']]);
      admin = await sessionCaller(t.api, `admin-${kind}@acme.test`);
      viewer = await sessionCaller(t.api, `viewer-${kind}@acme.test`);
      stranger = await sessionCaller(t.api, `admin-${kind}@globex.test`);
      // Acme's own rule, which applies to every test as it applies at ingest.
      const rule = await t.api('POST', `/api/v1/organizations/${acme.org.id}/masking-rules`, {
        name: 'CRM session',
        kind: 'field',
        match: 'x-crm-session',
      });
      expect(rule.statusCode, rule.body).toBe(201);
    });
    afterAll(() => t?.close());

    it('masks every match of a pattern in plain text, and counts them', async () => {
      const result = await tryRule(
        { kind: 'pattern', match: 'ACME-[0-9]{6}', sample: 'order ACME-123456 and ACME-654321 shipped' },
        admin,
      );
      expect(result).toEqual({ masked: 'order *** and *** shipped', changed: true, byRule: 2 });
    });

    it('masks the fields of a JSON sample field by field, keeping its layout', async () => {
      const sample = JSON.stringify({ 'x-acme-tenant': 't1', name: 'Ann', nested: { 'X-Acme-Key': 'k' } });
      const result = await tryRule({ kind: 'field', match: 'x-acme-*', sample });
      expect(JSON.parse(result.masked)).toEqual({
        'x-acme-tenant': '***',
        name: 'Ann',
        nested: { 'X-Acme-Key': '***' },
      });
      expect(result.masked).not.toContain('\n');
      expect(result).toMatchObject({ changed: true, byRule: 2 });
      const pretty = await tryRule({
        kind: 'field',
        match: 'x-acme-*',
        sample: JSON.stringify({ 'x-acme-tenant': 't1' }, null, 2),
      });
      expect(pretty.masked).toBe('{\n  "x-acme-tenant": "***"\n}');
    });

    it('masks a form or query string pair by pair', async () => {
      const result = await tryRule({ kind: 'field', match: 'x-acme-id', sample: 'a=1&x-acme-id=42&b=2' });
      expect(result).toEqual({ masked: 'a=1&x-acme-id=***&b=2', changed: true, byRule: 1 });
    });

    it('applies the built-in rules and the organization’s own, and counts only the candidate’s masks', async () => {
      const sample = JSON.stringify({
        password: 'hunter2',
        'x-crm-session': 's',
        'x-acme-t': 'v',
        keep: 'me',
      });
      const result = await tryRule({ kind: 'field', match: 'x-acme-*', sample });
      expect(JSON.parse(result.masked)).toEqual({
        password: '***',
        'x-crm-session': '***',
        'x-acme-t': '***',
        keep: 'me',
      });
      expect(result).toMatchObject({ changed: true, byRule: 1 });
    });

    it('says when the rule masks nothing: the sample as the other rules leave it', async () => {
      const plain = await tryRule({ kind: 'pattern', match: 'ACME-[0-9]{6}', sample: 'nothing to see here' });
      expect(plain).toEqual({ masked: 'nothing to see here', changed: false, byRule: 0 });
      const baseline = await tryRule({
        kind: 'field',
        match: 'x-acme-*',
        sample: '{"password":"hunter2","keep":"me"}',
      });
      expect(baseline).toEqual({ masked: '{"password":"***","keep":"me"}', changed: false, byRule: 0 });
    });

    it('refuses a rule that could not be added with the same 400 as adding it', async () => {
      for (const [rule, hint] of [
        [{ kind: 'pattern', match: '(a' }, /cannot be used/],
        [{ kind: 'pattern', match: '(a)\\1' }, /back-references/],
        [{ kind: 'pattern', match: 'x*' }, /empty text/],
        [{ kind: 'field', match: '*' }, /every field/],
      ] as const) {
        const tried = await t.api('POST', url(), { ...rule, sample: 'a' });
        expect(tried.statusCode, rule.match).toBe(400);
        const added = await t.api('POST', `/api/v1/organizations/${acme.org.id}/masking-rules`, {
          ...rule,
          name: 'bad',
        });
        expect(added.statusCode).toBe(400);
        expect(tried.json().error).toEqual(added.json().error);
        expect(tried.json().error.message).toMatch(hint);
      }
      expect((await t.api('POST', url(), { kind: 'regex', match: 'a', sample: 'a' })).statusCode).toBe(400);
    });

    it('stores and audits nothing', async () => {
      const rules = async () =>
        (await t.api('GET', `/api/v1/organizations/${acme.org.id}/masking-rules`)).json().items.length;
      const audit = async () =>
        (await readAllPages<AuditEvent>(t.api, '/api/v1/audit?limit=1000')).items.length;
      const [rulesBefore, auditBefore] = [await rules(), await audit()];
      await tryRule({ kind: 'pattern', match: 'secret-[a-z]+', sample: 'a secret-value' }, admin);
      await tryRule({ kind: 'field', match: 'token-id', sample: 'token-id=1' });
      expect(await rules()).toBe(rulesBefore);
      expect(await audit()).toBe(auditBefore);
    });

    it('is for ADMINs of the organization and operators: 403 for a VIEWER, 404 for another organization', async () => {
      const body = { kind: 'pattern', match: 'ACME-[0-9]{6}', sample: 'ACME-123456' };
      const refused = await viewer('POST', url(), body);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('forbidden');
      const hidden = await stranger('POST', url(), body);
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json().error.code).toBe('organization_not_found');
      expect((await tryRule(body)).masked).toBe('***');
    });
  });
}
