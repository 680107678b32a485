import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMembers,
  cookieOf,
  ENGINES,
  OPERATOR_TOKEN,
  seedBasics,
  sessionCaller,
  startTestApp,
  TEST_PASSWORD,
  type TestContext,
} from './harness.js';

for (const kind of ENGINES) {
  describe(`sign-in, roles and API keys [${kind}]`, () => {
    let t: TestContext;
    let acme: Awaited<ReturnType<typeof seedBasics>>;
    let globex: Awaited<ReturnType<typeof seedBasics>>;
    beforeAll(async () => {
      t = await startTestApp(kind);
      acme = await seedBasics(t.api, { cancellable: true });
      globex = await seedBasics(t.api);
      await t.app.services.accounts.createOperator('ops@example.com', 'Ops', TEST_PASSWORD);
      await addMembers(t.api, acme.org.id, [
        ['admin@acme.test', 'ADMIN'],
        ['viewer@acme.test', 'VIEWER'],
      ]);
    });
    afterAll(() => t?.close());

    /** Signs in and returns a caller that sends the cookie (and the CSRF token on writes). */
    const signIn = (email: string) => sessionCaller(t.api, email);

    describe('console session', () => {
      it('sets an HttpOnly, SameSite cookie and says who is signed in', async () => {
        const res = await t.api(
          'POST',
          '/api/v1/session',
          { email: 'Admin@Acme.test', password: TEST_PASSWORD },
          { authorization: '' },
        );
        expect(res.statusCode).toBe(200);
        const header = String(res.headers['set-cookie']);
        expect(header).toMatch(/synctrail_session=/);
        expect(header).toMatch(/HttpOnly/i);
        expect(header).toMatch(/SameSite=Lax/i);
        const me = await t.api('GET', '/api/v1/session', undefined, {
          authorization: '',
          cookie: cookieOf(res),
        });
        expect(me.json()).toMatchObject({
          kind: 'account',
          account: { email: 'admin@acme.test', operator: false },
          memberships: [{ organizationId: acme.org.id, role: 'ADMIN' }],
        });
        expect(me.json().csrfToken).toBe(res.json().csrfToken);
      });

      it('refuses cookie-authenticated writes without the CSRF token', async () => {
        const admin = await signIn('admin@acme.test');
        const missing = await admin(
          'POST',
          `/api/v1/integrations/${acme.integration.id}/sync`,
          {},
          { 'x-csrf-token': '' },
        );
        expect(missing.statusCode).toBe(403);
        expect(missing.json().error.code).toBe('csrf_token_invalid');
        const forged = await admin(
          'POST',
          `/api/v1/integrations/${acme.integration.id}/sync`,
          {},
          { 'x-csrf-token': 'forged' },
        );
        expect(forged.statusCode).toBe(403);
        const ok = await admin('POST', `/api/v1/integrations/${acme.integration.id}/sync`, {});
        expect(ok.statusCode, ok.body).toBe(201);
        expect(ok.json().requestedBy).toMatch(/^account:/);
      });

      it('signs out: the cookie stops working', async () => {
        const viewer = await signIn('viewer@acme.test');
        expect((await viewer('GET', '/api/v1/session')).statusCode).toBe(200);
        expect((await viewer('DELETE', '/api/v1/session')).statusCode).toBe(204);
        const after = await viewer('GET', '/api/v1/session');
        expect(after.statusCode).toBe(401);
        expect(after.json().error.message).toMatch(/sign in again/);
      });

      it('expires sessions', async () => {
        const old = await t.app.services.accounts.signIn(
          'viewer@acme.test',
          TEST_PASSWORD,
          new Date(Date.now() - 13 * 3600_000),
        );
        const res = await t.api('GET', '/api/v1/session', undefined, {
          authorization: '',
          cookie: `synctrail_session=${old.token}`,
        });
        expect(res.statusCode).toBe(401);
      });

      it('answers a wrong password with 401 and locks the account after five in a row', async () => {
        await t.api('POST', `/api/v1/organizations/${acme.org.id}/members`, {
          email: 'lock@acme.test',
          role: 'VIEWER',
          password: TEST_PASSWORD,
        });
        for (let i = 0; i < 5; i++) {
          const res = await t.api(
            'POST',
            '/api/v1/session',
            { email: 'lock@acme.test', password: `wrong-${i}` },
            { authorization: '' },
          );
          expect(res.statusCode).toBe(401);
          expect(res.json().error.message).toBe('Wrong email or password.');
        }
        const locked = await t.api(
          'POST',
          '/api/v1/session',
          { email: 'lock@acme.test', password: TEST_PASSWORD },
          { authorization: '' },
        );
        expect(locked.statusCode).toBe(429);
        expect(locked.json().error.code).toBe('too_many_attempts');
        const unknown = await t.api(
          'POST',
          '/api/v1/session',
          { email: 'nobody@acme.test', password: TEST_PASSWORD },
          { authorization: '' },
        );
        expect(unknown.statusCode).toBe(401);
      });
    });

    describe('roles', () => {
      it('lets an organization viewer read but not act, and hides other organizations', async () => {
        const viewer = await signIn('viewer@acme.test');
        const runs = await viewer('GET', '/api/v1/runs');
        expect(runs.statusCode).toBe(200);
        expect(
          runs.json().items.every((r: { organizationId: string }) => r.organizationId === acme.org.id),
        ).toBe(true);
        expect(
          (await viewer('POST', `/api/v1/integrations/${acme.integration.id}/sync`, {})).statusCode,
        ).toBe(403);
        expect((await viewer('GET', `/api/v1/organizations/${acme.org.id}/api-keys`)).statusCode).toBe(403);
        expect((await viewer('GET', `/api/v1/organizations/${globex.org.id}`)).statusCode).toBe(404);
        expect((await viewer('GET', `/api/v1/runs?organizationId=${globex.org.id}`)).json().items).toEqual(
          [],
        );
        const orgs = (await viewer('GET', '/api/v1/organizations'))
          .json()
          .items.map((o: { id: string }) => o.id);
        expect(orgs).toEqual([acme.org.id]);
      });

      it('lets an organization admin trigger, cancel and manage members and keys of its own organization only', async () => {
        const admin = await signIn('admin@acme.test');
        const run = (await t.api('POST', '/api/v1/runs', { integrationId: acme.integration.id })).json();
        expect((await admin('POST', `/api/v1/runs/${run.id}/cancel`)).json().progress).toBe(
          'ABORTION_PENDING',
        );
        expect(
          (await admin('GET', `/api/v1/organizations/${acme.org.id}/members`)).json().items.length,
        ).toBeGreaterThanOrEqual(2);
        expect(
          (await admin('POST', `/api/v1/integrations/${globex.integration.id}/sync`, {})).statusCode,
        ).toBe(404);
        expect((await admin('POST', '/api/v1/organizations', { name: 'New' })).statusCode).toBe(403);
      });

      it('removes a member: their session loses access at once', async () => {
        const added = (
          await t.api('POST', `/api/v1/organizations/${acme.org.id}/members`, {
            email: 'temp@acme.test',
            role: 'VIEWER',
            password: TEST_PASSWORD,
          })
        ).json();
        const temp = await signIn('temp@acme.test');
        expect((await temp('GET', `/api/v1/organizations/${acme.org.id}`)).statusCode).toBe(200);
        // A role change takes effect at once, is audited, and refuses what is not a role.
        const promoted = await t.api('PATCH', `/api/v1/members/${added.id}`, { role: 'ADMIN' });
        expect(promoted.statusCode, promoted.body).toBe(200);
        expect(promoted.json().role).toBe('ADMIN');
        expect((await t.api('PATCH', `/api/v1/members/${added.id}`, { role: 'OWNER' })).statusCode).toBe(400);
        const audit = await t.api('GET', `/api/v1/audit?action=member.update&target=member:${added.id}`);
        expect(audit.json().items[0].details.role).toEqual({ from: added.role, to: 'ADMIN' });
        const removed = await t.api('DELETE', `/api/v1/members/${added.id}`);
        expect(removed.statusCode).toBe(200);
        expect((await temp('GET', `/api/v1/organizations/${acme.org.id}`)).statusCode).toBe(404);
        const again = await t.api('POST', `/api/v1/organizations/${acme.org.id}/members`, {
          email: 'admin@acme.test',
          role: 'VIEWER',
        });
        expect(again.statusCode).toBe(409);
      });

      it('lets an operator account see every organization', async () => {
        const ops = await signIn('ops@example.com');
        const orgs = (await ops('GET', '/api/v1/organizations?limit=1000'))
          .json()
          .items.map((o: { id: string }) => o.id);
        expect(orgs).toEqual(expect.arrayContaining([acme.org.id, globex.org.id]));
      });
    });

    describe('API keys', () => {
      const createKey = async (scopes: string[], org = acme.org.id) => {
        const res = await t.api('POST', `/api/v1/organizations/${org}/api-keys`, {
          name: scopes.join('+'),
          scopes,
        });
        expect(res.statusCode, res.body).toBe(201);
        return res.json() as { key: { id: string; prefix: string }; token: string };
      };
      const as = (token: string) => (method: Parameters<typeof t.api>[0], url: string, body?: unknown) =>
        t.api(method, url, body, { authorization: `Bearer ${token}` });

      it('shows the token once and stores only its hash', async () => {
        const { key, token } = await createKey(['read']);
        expect(token.startsWith(key.prefix)).toBe(true);
        const list = await t.api('GET', `/api/v1/organizations/${acme.org.id}/api-keys`);
        expect(list.body).not.toContain(token);
        const row = await t.engine.db
          .selectFrom('api_keys')
          .select('token_hash')
          .where('id', '=', key.id)
          .executeTakeFirstOrThrow();
        expect(row.token_hash).not.toContain(token);
      });

      it('an ingest key writes its organization and cannot read back', async () => {
        const ingest = as((await createKey(['ingest'])).token);
        const run = await ingest('POST', '/api/v1/runs', { integrationId: acme.integration.id });
        expect(run.statusCode).toBe(201);
        const batch = await ingest('POST', `/api/v1/runs/${run.json().id}/actions`, [
          { source: { system: 'A' }, target: { system: 'B' }, action: 'NONE', status: 'OK' },
        ]);
        expect(batch.statusCode).toBe(201);
        expect((await ingest('GET', '/api/v1/runs')).statusCode).toBe(403);
        expect((await ingest('GET', `/api/v1/runs/${run.json().id}`)).statusCode).toBe(403);
        expect(
          (await ingest('POST', '/api/v1/runs', { integrationId: globex.integration.id })).statusCode,
        ).toBe(404);
      });

      it('a read key reads and cannot write; an admin key manages', async () => {
        const read = as((await createKey(['read'])).token);
        expect((await read('GET', '/api/v1/runs')).statusCode).toBe(200);
        expect((await read('POST', '/api/v1/runs', { integrationId: acme.integration.id })).statusCode).toBe(
          403,
        );
        expect((await read('POST', `/api/v1/integrations/${acme.integration.id}/sync`)).statusCode).toBe(403);
        const admin = as((await createKey(['admin', 'read'])).token);
        expect(
          (await admin('PATCH', `/api/v1/integrations/${acme.integration.id}`, { name: 'Renamed' }))
            .statusCode,
        ).toBe(200);
      });

      it('stops working once revoked, and records when it was last used', async () => {
        const { key, token } = await createKey(['read']);
        expect((await as(token)('GET', '/api/v1/runs')).statusCode).toBe(200);
        const listed = (await t.api('GET', `/api/v1/organizations/${acme.org.id}/api-keys`))
          .json()
          .items.find((k: { id: string }) => k.id === key.id);
        expect(listed.lastUsedAt).not.toBeNull();
        expect((await t.api('DELETE', `/api/v1/api-keys/${key.id}`)).json().revokedAt).not.toBeNull();
        const after = await as(token)('GET', '/api/v1/runs');
        expect(after.statusCode).toBe(401);
      });

      it('rejects unknown scopes', async () => {
        const res = await t.api('POST', `/api/v1/organizations/${acme.org.id}/api-keys`, {
          name: 'x',
          scopes: ['root'],
        });
        expect(res.statusCode).toBe(400);
      });
    });

    describe('hardening', () => {
      it('sends security headers', async () => {
        const res = await t.api('GET', '/api/v1/runs');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
        expect(res.headers['x-frame-options']).toBeDefined();
      });

      it('never leaks internals in a 500', async () => {
        const res = await t.api('GET', '/api/v1/runs?cursor=WyJub3QtYS10aW1lIiwxXQ');
        expect(res.statusCode).toBeLessThan(500);
        expect(res.body).not.toMatch(/at \w+ \(|select |SQLITE|postgres/i);
      });
    });
  });

  describe(`rate limits [${kind}]`, () => {
    it('answers 429 rate_limited past the limit for one credential', async () => {
      const t = await startTestApp(kind, { rateLimitPerMinute: 5, signInRateLimitPerMinute: 2 });
      try {
        const codes = [];
        for (let i = 0; i < 7; i++) codes.push((await t.api('GET', '/api/v1/organizations')).statusCode);
        expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
        const limited = await t.api('GET', '/api/v1/organizations');
        expect(limited.statusCode).toBe(429);
        expect(limited.json().error.code).toBe('rate_limited');
        const signIns = [];
        for (let i = 0; i < 3; i++) {
          signIns.push(
            (
              await t.api(
                'POST',
                '/api/v1/session',
                { email: 'x@y.z', password: 'nope' },
                { authorization: '' },
              )
            ).statusCode,
          );
        }
        expect(signIns).toEqual([401, 401, 429]);
      } finally {
        await t.close();
      }
    });

    it('slows down guessing keys: an address that sent too many refused credentials gets 429, whatever it sends next', async () => {
      const t = await startTestApp(kind, { refusedCredentialsPerMinute: 3 });
      const from = (address: string, token: string) =>
        t.app.inject({
          method: 'GET',
          url: '/api/v1/organizations',
          remoteAddress: address,
          headers: { authorization: `Bearer ${token}` },
        });
      try {
        const guesses = [];
        // A new token on every try: the per-credential limit alone would never see a repeat.
        for (let i = 0; i < 4; i++) guesses.push((await from('203.0.113.7', `guess-${i}`)).statusCode);
        expect(guesses).toEqual([401, 401, 401, 429]);
        const blocked = await from('203.0.113.7', OPERATOR_TOKEN);
        expect(blocked.statusCode).toBe(429);
        expect(blocked.json().error.message).toMatch(/refused credentials from your address/);
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
        // Another address is not affected.
        expect((await from('198.51.100.4', OPERATOR_TOKEN)).statusCode).toBe(200);
      } finally {
        await t.close();
      }
    });

    it('limits one address whatever credentials it sends', async () => {
      const t = await startTestApp(kind, { addressRateLimitPerMinute: 4 });
      try {
        const codes = [];
        for (let i = 0; i < 5; i++) {
          const res = await t.app.inject({
            method: 'GET',
            url: i % 2 === 0 ? '/api/v1/organizations' : '/healthz',
            remoteAddress: '203.0.113.8',
            headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
          });
          codes.push(res.statusCode);
          if (i === 4) expect(res.json().error.message).toMatch(/from your address: at most 4 a minute/);
        }
        expect(codes).toEqual([200, 200, 200, 200, 429]);
      } finally {
        await t.close();
      }
    });
  });
}
