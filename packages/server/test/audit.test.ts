import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '@synctrail/types';
import { auditHash } from '../src/audit/audit-hash.js';
import { toJsonOrNull } from '../src/storage/row-values.js';
import {
  addMembers,
  cookieOf,
  dropAuditGuards as dropGuards,
  ENGINES,
  OPERATOR_TOKEN,
  readAllPages,
  seedBasics,
  startTestApp,
  TEST_PASSWORD,
  type TestContext,
} from './harness.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** A few administrative acts, each of which leaves an audit event. */
async function someActs(t: TestContext) {
  const basics = await seedBasics(t.api, { cancellable: true });
  const triggered = (await t.api('POST', `/api/v1/integrations/${basics.integration.id}/sync`, {})).json();
  await t.api('POST', `/api/v1/runs/${triggered.id}/cancel`);
  const key = (
    await t.api('POST', `/api/v1/organizations/${basics.org.id}/api-keys`, { name: 'ci', scopes: ['read'] })
  ).json();
  await t.api('DELETE', `/api/v1/api-keys/${key.key.id}`);
  return basics;
}

const verify = (t: TestContext) => t.app.services.audit.verify();

for (const kind of ENGINES) {
  describe(`audit log [${kind}]`, () => {
    describe('what is recorded', () => {
      let t: TestContext;
      let acme: Awaited<ReturnType<typeof seedBasics>>;
      let globex: Awaited<ReturnType<typeof seedBasics>>;
      beforeAll(async () => {
        t = await startTestApp(kind);
        acme = await seedBasics(t.api, { cancellable: true });
        globex = await seedBasics(t.api, { cancellable: true });
        await addMembers(t.api, acme.org.id, [
          ['admin@acme.test', 'ADMIN'],
          ['viewer@acme.test', 'VIEWER'],
        ]);
      });
      afterAll(() => t?.close());

      const events = async (query: string, as?: Record<string, string>) => {
        const res = await t.api('GET', `/api/v1/audit?limit=500&${query}`, undefined, as);
        expect(res.statusCode, res.body).toBe(200);
        return res.json().items as AuditEvent[];
      };
      const signIn = async (email: string, password = TEST_PASSWORD) =>
        t.api(
          'POST',
          '/api/v1/session',
          { email, password },
          { authorization: '', 'x-forwarded-for': '203.0.113.9' },
        );

      it('records sign-in success and failure with the address they came from', async () => {
        expect((await signIn('admin@acme.test', 'wrong password!!')).statusCode).toBe(401);
        const ok = await signIn('Admin@Acme.test');
        expect(ok.statusCode).toBe(200);
        const accountId = ok.json().account.id as string;
        const failed = await events('action=session.sign_in_failed');
        expect(failed[0]).toMatchObject({
          actor: 'email:admin@acme.test',
          details: { reason: 'unauthenticated' },
        });
        expect(failed[0]!.sourceIp).toBeTruthy();
        expect(JSON.stringify(failed)).not.toContain('wrong password');
        const succeeded = await events(`action=session.sign_in&actor=account:${accountId}`);
        expect(succeeded).toHaveLength(1);
        expect(succeeded[0]).toMatchObject({ target: `account:${accountId}`, organizationId: null });
      });

      it('records trigger and cancel by the account that asked, in its organization', async () => {
        const login = await signIn('admin@acme.test');
        const cookie = cookieOf(login);
        const csrf = login.json().csrfToken as string;
        const accountId = login.json().account.id as string;
        const as = { authorization: '', cookie, 'x-csrf-token': csrf };
        const run = (await t.api('POST', `/api/v1/integrations/${acme.integration.id}/sync`, {}, as)).json();
        expect((await t.api('POST', `/api/v1/runs/${run.id}/cancel`, undefined, as)).statusCode).toBe(200);
        const mine = await events(`actor=account:${accountId}&target=run:${run.id}&sort=asc`);
        expect(mine.map((e) => e.action)).toEqual(['run.trigger', 'run.cancel']);
        expect(mine[0]).toMatchObject({
          organizationId: acme.org.id,
          details: { trigger: 'FULL_SYNC_MANUAL' },
        });
        expect(mine[1]).toMatchObject({ details: { progress: 'ABORTED' } });
      });

      it('records nothing for an act that failed', async () => {
        const before = await events(`organizationId=${globex.org.id}`);
        const refused = await t.api('PATCH', `/api/v1/integrations/${globex.integration.id}`, {
          status: 'NOT_A_STATUS',
        });
        expect(refused.statusCode).toBe(400);
        const missing = await t.api('POST', '/api/v1/runs/01890000-0000-7000-8000-000000000000/cancel');
        expect(missing.statusCode).toBe(404);
        expect(await events(`organizationId=${globex.org.id}`)).toEqual(before);
      });

      it('records key, member and settings changes without secret values', async () => {
        const key = (
          await t.api('POST', `/api/v1/organizations/${globex.org.id}/api-keys`, {
            name: 'nightly',
            scopes: ['ingest'],
          })
        ).json();
        await t.api('DELETE', `/api/v1/api-keys/${key.key.id}`);
        const member = (
          await t.api('POST', `/api/v1/organizations/${globex.org.id}/members`, {
            email: 'new@globex.test',
            role: 'VIEWER',
          })
        ).json();
        await t.api('DELETE', `/api/v1/members/${member.id}`);
        await t.api('PATCH', `/api/v1/organizations/${globex.org.id}`, { syncEnabled: false });
        await t.api('PATCH', `/api/v1/integrations/${globex.integration.id}`, {
          configuration: { password: 'hunter2-secret' },
        });
        const list = await events(`organizationId=${globex.org.id}&sort=asc&actor=operator:bootstrap`);
        expect(list.map((e) => e.action)).toEqual(
          expect.arrayContaining([
            'api_key.create',
            'api_key.revoke',
            'member.add',
            'member.remove',
            'organization.update',
            'integration.update',
          ]),
        );
        expect(list.find((e) => e.action === 'api_key.create')).toMatchObject({
          target: `api_key:${key.key.id}`,
          details: { scopes: ['ingest'] },
        });
        expect(list.find((e) => e.action === 'organization.update')?.details).toEqual({ syncEnabled: false });
        expect(list.find((e) => e.action === 'integration.update')?.details).toEqual({
          fields: ['configuration'],
        });
        const text = JSON.stringify(list);
        expect(text).not.toContain(key.token);
        expect(text).not.toContain('hunter2');
      });

      it('records payload views and artifact downloads, not header-only reads', async () => {
        const run = (await t.api('POST', '/api/v1/runs', { integrationId: acme.integration.id })).json();
        const call = await t.api('POST', '/api/v1/calls', [
          {
            organizationId: acme.org.id,
            at: new Date().toISOString(),
            direction: 'OUTGOING',
            appFrom: 'Connector',
            appTo: 'NetSuite',
            action: 'NA',
            requestType: 'NETSUITE_REST',
            method: 'GET',
            url: 'https://netsuite.example.com/record/1',
            statusCode: 200,
            durationMs: 12,
            request: { headers: {}, body: '{"q":1}' },
            response: { headers: {}, body: '{"id":1}' },
          },
        ]);
        expect(call.statusCode, call.body).toBe(201);
        const callId = call.json().ids[0] as string;
        const upload = await t.api(
          'POST',
          `/api/v1/runs/${run.id}/artifacts?name=job.txt&kind=JOB_LIST`,
          'job log',
          {
            'content-type': 'application/octet-stream',
          },
        );
        expect(upload.statusCode, upload.body).toBe(201);
        const artifactId = upload.json().id as string;

        const viewer = await signIn('viewer@acme.test');
        const viewerCookie = { authorization: '', cookie: cookieOf(viewer) };
        expect(
          (await t.api('GET', `/api/v1/calls/${callId}`, undefined, viewerCookie)).json().request.body,
        ).toBeNull();
        expect(await events(`target=call:${callId}`)).toEqual([]);

        expect((await t.api('GET', `/api/v1/calls/${callId}`)).json().request.body).toBe('{"q":1}');
        expect((await t.api('HEAD', `/api/v1/runs/${run.id}/artifacts/${artifactId}`)).statusCode).toBe(200);
        expect(await events(`target=artifact:${artifactId}`)).toEqual([]);
        expect((await t.api('GET', `/api/v1/runs/${run.id}/artifacts/${artifactId}`)).body).toBe('job log');

        expect(await events(`target=call:${callId}`)).toMatchObject([
          { action: 'call.payload_view', organizationId: acme.org.id },
        ]);
        expect(await events(`target=artifact:${artifactId}`)).toMatchObject([
          {
            action: 'artifact.download',
            organizationId: acme.org.id,
            details: { runId: run.id, name: 'job.txt' },
          },
        ]);
      });

      it("shows an organization admin its organization's events only, and refuses viewers and keys", async () => {
        const admin = await signIn('admin@acme.test');
        const mine = await events('', { authorization: '', cookie: cookieOf(admin) });
        expect(mine.length).toBeGreaterThan(0);
        expect(new Set(mine.map((e) => e.organizationId))).toEqual(new Set([acme.org.id]));
        const asking = await t.api('GET', `/api/v1/audit?organizationId=${globex.org.id}`, undefined, {
          authorization: '',
          cookie: cookieOf(admin),
        });
        expect(asking.json().items).toEqual([]);

        const viewer = await signIn('viewer@acme.test');
        const refused = await t.api('GET', '/api/v1/audit', undefined, {
          authorization: '',
          cookie: cookieOf(viewer),
        });
        expect(refused.statusCode).toBe(403);
        const readKey = (
          await t.api('POST', `/api/v1/organizations/${acme.org.id}/api-keys`, {
            name: 'r',
            scopes: ['read'],
          })
        ).json();
        expect(
          (await t.api('GET', '/api/v1/audit', undefined, { authorization: `Bearer ${readKey.token}` }))
            .statusCode,
        ).toBe(403);
        expect((await t.api('GET', '/api/v1/audit', undefined, { authorization: '' })).statusCode).toBe(401);
      });

      it('filters by action (refusing unknown ones), actor and time, and pages without losing an event', async () => {
        const unknown = await t.api('GET', '/api/v1/audit?action=run.explode');
        expect(unknown.statusCode).toBe(400);
        expect(unknown.json().error.code).toBe('invalid_filter');
        expect(unknown.json().error.message).toMatch(/run\.cancel/);

        const all = (await readAllPages<AuditEvent>(t.api, '/api/v1/audit?limit=1000')).items;
        const paged = await readAllPages<AuditEvent>(t.api, '/api/v1/audit?limit=3');
        expect(paged.pages).toBeGreaterThan(3);
        expect(paged.items.map((e) => e.seq)).toEqual(all.map((e) => e.seq));
        expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => b - a));

        const asc = (await readAllPages<AuditEvent>(t.api, '/api/v1/audit?limit=4&sort=asc')).items;
        expect(asc.map((e) => e.seq)).toEqual(all.map((e) => e.seq).reverse());

        const future = new Date(Date.now() + 60_000).toISOString();
        expect(await events(`from=${future}`)).toEqual([]);
        expect((await events(`to=${future}`)).length).toBe(all.length);

        const cancels = await events('action=run.cancel,api_key.revoke');
        expect(new Set(cancels.map((e) => e.action))).toEqual(new Set(['run.cancel', 'api_key.revoke']));
      });

      it('keeps an intact chain over everything recorded', async () => {
        const result = await verify(t);
        expect(result).toMatchObject({ ok: true });
        const all = (await readAllPages<AuditEvent>(t.api, '/api/v1/audit?limit=1000&sort=asc')).items;
        expect(result.ok && result.count).toBe(all.length);
        expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
      });
    });

    describe('tamper evidence', () => {
      let t: TestContext;
      beforeAll(async () => {
        t = await startTestApp(kind);
        await someActs(t);
      });
      afterAll(() => t?.close());

      it('is refused by the database: events cannot be updated or deleted', async () => {
        await expect(
          sql`update audit_events set actor = 'someone else' where seq = 1`.execute(t.engine.db),
        ).rejects.toThrow(/append-only/);
        await expect(sql`delete from audit_events where seq = 1`.execute(t.engine.db)).rejects.toThrow(
          /append-only/,
        );
        expect(await verify(t)).toMatchObject({ ok: true });
      });
    });

    describe('verification', () => {
      let t: TestContext;
      let total: number;
      beforeAll(async () => {
        t = await startTestApp(kind);
        await someActs(t);
        await someActs(t);
        const result = await verify(t);
        if (!result.ok) throw new Error(result.message);
        total = result.count;
        expect(total).toBeGreaterThanOrEqual(10);
        await dropGuards(t);
      });
      afterAll(() => t?.close());

      const row = async (seq: number) =>
        (await t.app.services.audit.repository.scan(seq - 1, seq).next()).value as AuditEvent;

      it('names the first edited event, and passes again once it is put back', async () => {
        const original = await row(4);
        await sql`update audit_events set actor = 'account:someone-else' where seq = 4`.execute(t.engine.db);
        expect(await verify(t)).toMatchObject({ ok: false, seq: 4, problem: 'edited' });
        await sql`update audit_events set actor = ${original.actor} where seq = 4`.execute(t.engine.db);
        expect(await verify(t)).toMatchObject({ ok: true, count: total });
      });

      it('catches an edit whose hash was recomputed, through the next event', async () => {
        const original = await row(5);
        const forged = { ...original, target: 'run:somewhere-else' };
        await sql`update audit_events set target = ${forged.target}, hash = ${auditHash(forged)} where seq = 5`.execute(
          t.engine.db,
        );
        expect(await verify(t)).toMatchObject({ ok: false, seq: 5, problem: 'edited' });
        await sql`update audit_events set target = ${original.target}, hash = ${original.hash} where seq = 5`.execute(
          t.engine.db,
        );
        expect(await verify(t)).toMatchObject({ ok: true });
      });

      it('names a deleted event', async () => {
        const original = await row(3);
        await sql`delete from audit_events where seq = 3`.execute(t.engine.db);
        expect(await verify(t)).toMatchObject({ ok: false, seq: 3, problem: 'deleted' });
        await t.engine.db
          .insertInto('audit_events')
          .values({
            seq: original.seq,
            id: original.id,
            at: new Date(original.at),
            actor: original.actor,
            organization_id: original.organizationId,
            action: original.action,
            target: original.target,
            source_ip: original.sourceIp,
            details: toJsonOrNull(original.details),
            prev_hash: original.prevHash,
            hash: original.hash,
          })
          .execute();
        expect(await verify(t)).toMatchObject({ ok: true });
      });

      it('names an event inserted in the middle with a well-formed hash, and one appended past the head', async () => {
        // The forger makes room at seq 6 and writes an event that links correctly to event 5.
        const before = await row(5);
        await sql`update audit_events set seq = -seq where seq >= 6`.execute(t.engine.db);
        await sql`update audit_events set seq = 1 - seq where seq < 0`.execute(t.engine.db);
        const forged = { ...before, seq: 6, id: uuidv7(), actor: 'account:forger', prevHash: before.hash };
        const insert = (e: AuditEvent) =>
          t.engine.db
            .insertInto('audit_events')
            .values({
              seq: e.seq,
              id: e.id,
              at: new Date(e.at),
              actor: e.actor,
              organization_id: e.organizationId,
              action: e.action,
              target: e.target,
              source_ip: e.sourceIp,
              details: toJsonOrNull(e.details),
              prev_hash: e.prevHash,
              hash: e.hash,
            })
            .execute();
        await insert({ ...forged, hash: auditHash(forged) });
        await sql`update audit_head set seq = seq + 1`.execute(t.engine.db);
        const inserted = await verify(t);
        expect(inserted).toMatchObject({ ok: false, seq: 6, problem: 'inserted' });
        expect(!inserted.ok && inserted.event?.actor).toBe('account:forger');

        // Undo, then append past the head instead.
        await sql`delete from audit_events where seq = 6`.execute(t.engine.db);
        await sql`update audit_events set seq = -seq where seq >= 7`.execute(t.engine.db);
        await sql`update audit_events set seq = -1 - seq where seq < 0`.execute(t.engine.db);
        await sql`update audit_head set seq = seq - 1`.execute(t.engine.db);
        expect(await verify(t)).toMatchObject({ ok: true, count: total });
        const last = await row(total);
        const tail = { ...last, seq: total + 1, id: uuidv7(), prevHash: last.hash };
        await insert({ ...tail, hash: auditHash(tail) });
        expect(await verify(t)).toMatchObject({ ok: false, seq: total + 1, problem: 'inserted' });
      });

      it('`synctrail audit verify` exits 1 and names the event', () => {
        const env = {
          ...process.env,
          LOG_LEVEL: 'silent',
          SYNCTRAIL_BOOTSTRAP_TOKEN: OPERATOR_TOKEN,
          ...(t.config.databaseUrl
            ? { DATABASE_URL: t.config.databaseUrl }
            : { SYNCTRAIL_DATA_DIR: t.config.dataDir }),
        };
        const cli = spawnSync(
          process.execPath,
          ['--conditions=development', '--import', 'tsx', MAIN, 'audit', 'verify'],
          {
            env,
            encoding: 'utf8',
            timeout: 60_000,
          },
        );
        expect(cli.status, cli.stderr).toBe(1);
        expect(cli.stdout).toContain(`audit chain broken at event ${total + 1} (inserted)`);
      });
    });
  });
}
