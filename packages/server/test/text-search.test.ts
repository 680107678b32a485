import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, readAllPages, seedBasics, startTestApp, type Api, type TestContext } from './harness.js';

interface ActionItem {
  runId: string;
  seq: number;
  at: string;
  message: string | null;
  source: { name: string | null; id: string | null };
  target: { name: string | null; id: string | null };
}
interface CallItem {
  id: string;
  organizationId: string;
  url: string;
  login: string | null;
}

const action = (at: string, fields: { message?: string; sourceName?: string; targetId?: string }) => ({
  at,
  source: { system: 'LeanIX', id: 'fs-1', name: fields.sourceName ?? 'Plain object' },
  target: { system: 'ServiceNow', id: fields.targetId ?? 'sn-1', name: 'cmdb item' },
  objectType: 'Application',
  action: 'UPDATE',
  status: 'WARNING',
  message: fields.message ?? null,
});

const call = (organizationId: string, at: string, url: string, login: string | null) => ({
  organizationId,
  at,
  direction: 'INCOMING',
  appFrom: 'Google',
  appTo: 'Portal',
  action: 'SSO_FAILED',
  method: 'POST',
  url,
  login,
});

const day = (d: number, h = 0) => new Date(Date.UTC(2026, 10, d, h)).toISOString();

for (const kind of ENGINES) {
  describe(`text search [${kind}]`, () => {
    let t: TestContext;
    let viewerA: Api;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      t = await startTestApp(kind);
      const a = await seedBasics(t.api);
      const b = await seedBasics(t.api);
      Object.assign(ids, { orgA: a.org.id, orgB: b.org.id });
      const run = async (integrationId: string) =>
        (await t.api('POST', '/api/v1/runs', { integrationId })).json().id as string;
      ids.runA1 = await run(a.integration.id);
      ids.runA2 = await run(a.integration.id);
      ids.runB = await run(b.integration.id);
      const post = async (runId: string, actions: unknown[]) => {
        const res = await t.api('POST', `/api/v1/runs/${runId}/actions`, actions);
        expect(res.statusCode, res.body).toBe(201);
      };
      await post(ids.runA1!, [
        action(day(1, 1), { message: 'Field lifecycle.active could not be mapped' }),
        action(day(1, 2), { sourceName: 'Finance Ledger (EU)' }),
        action(day(1, 3), { message: 'Discount 50% applied' }),
        action(day(1, 4), { message: 'nothing to see' }),
      ]);
      await post(ids.runA2!, [
        action(day(2, 1), { sourceName: 'finance ledger (US)' }),
        action(day(2, 2), { targetId: 'SN-LEDGER-42' }),
        action(day(2, 3), { message: 'Says "EU" in quotes' }),
      ]);
      await post(ids.runB!, [action(day(3, 1), { sourceName: 'Finance Ledger of B' })]);

      const res = await t.api('POST', '/api/v1/calls', [
        call(
          a.org.id,
          day(1, 1),
          'https://idp.example.com/saml/ACS?RelayState=1',
          'Ada.Lovelace@Example.com',
        ),
        call(a.org.id, day(1, 2), 'https://api.example.com/v2/users', 'grace@example.com'),
        call(a.org.id, day(1, 3), 'https://api.example.com/v2/groups', null),
        call(b.org.id, day(1, 4), 'https://idp.example.com/saml/acs', 'ada.lovelace@example.com'),
      ]);
      expect(res.statusCode, res.body).toBe(201);

      const key = await t.api('POST', `/api/v1/organizations/${a.org.id}/api-keys`, {
        name: 'reader',
        scopes: ['read'],
      });
      const token = key.json().token as string;
      viewerA = (method, url, body, headers = {}) =>
        t.api(method, url, body, { authorization: `Bearer ${token}`, ...headers });
    });

    afterAll(async () => {
      await t?.close();
    });

    const actions = async (api: Api, query: string) =>
      (await readAllPages<ActionItem>(api, `/api/v1/actions?${query}&limit=2`)).items;
    const where = (items: ActionItem[]) => items.map((i) => `${i.runId === ids.runB ? 'B' : 'A'}:${i.at}`);

    // Actions' text is indexed in the background (actions/action-text-index.ts): a search must find
    // the same whether the indexer has run or not, and once it has, from the index.
    for (const state of ['not indexed yet', 'indexed'] as const) {
      describe(`actions ${state}`, () => {
        beforeAll(async () => {
          if (state === 'indexed') {
            expect(await t.app.services.actionTextIndexer.drain()).toBe(8);
            expect(await t.app.services.actionTextIndexer.backlog()).toEqual({ ranges: 0, actions: 0 });
          } else {
            expect(await t.app.services.actionTextIndexer.backlog()).toEqual({ ranges: 3, actions: 8 });
          }
        });

        describe('GET /api/v1/runs/:id/actions?q=', () => {
          it('finds by a substring in any case, within the run', async () => {
            const res = await t.api('GET', `/api/v1/runs/${ids.runA1}/actions?q=LIFECYCLE.ACT`);
            expect(res.json().items.map((i: ActionItem) => i.message)).toEqual([
              'Field lifecycle.active could not be mapped',
            ]);
            const names = await t.api('GET', `/api/v1/runs/${ids.runA2}/actions?q=ledger`);
            // The source name of one action, the target id of another.
            expect(names.json().items.map((i: ActionItem) => i.seq)).toEqual([1, 2]);
          });

          it('takes LIKE wildcards and quotes as text', async () => {
            const percent = await t.api(
              'GET',
              `/api/v1/runs/${ids.runA1}/actions?q=${encodeURIComponent('50%')}`,
            );
            expect(percent.json().items.map((i: ActionItem) => i.seq)).toEqual([3]);
            const quoted = await t.api(
              'GET',
              `/api/v1/runs/${ids.runA2}/actions?q=${encodeURIComponent('"EU"')}`,
            );
            expect(quoted.json().items.map((i: ActionItem) => i.seq)).toEqual([3]);
          });

          it('finds text shorter than three characters too', async () => {
            const res = await t.api('GET', `/api/v1/runs/${ids.runA1}/actions?q=eU`);
            expect(res.json().items.map((i: ActionItem) => i.seq)).toEqual([2]);
          });
        });

        describe('GET /api/v1/actions', () => {
          it('finds an object across runs and organizations for an operator, newest first', async () => {
            expect(where(await actions(t.api, 'q=FINANCE%20LEDGER'))).toEqual([
              `B:${day(3, 1)}`,
              `A:${day(2, 1)}`,
              `A:${day(1, 2)}`,
            ]);
            expect(where(await actions(t.api, 'q=finance%20ledger&sort=asc'))).toEqual([
              `A:${day(1, 2)}`,
              `A:${day(2, 1)}`,
              `B:${day(3, 1)}`,
            ]);
          });

          it("shows an organization's key only its own organization's actions", async () => {
            expect(where(await actions(viewerA, 'q=finance%20ledger'))).toEqual([
              `A:${day(2, 1)}`,
              `A:${day(1, 2)}`,
            ]);
            // Naming another organization shows nothing of it.
            const other = await viewerA('GET', `/api/v1/actions?q=finance&organizationId=${ids.orgB}`);
            expect(other.statusCode === 200 ? other.json().items : []).toEqual([]);
          });

          it('narrows by organization and time window', async () => {
            expect(where(await actions(t.api, `q=ledger&organizationId=${ids.orgA}`))).toEqual([
              `A:${day(2, 2)}`,
              `A:${day(2, 1)}`,
              `A:${day(1, 2)}`,
            ]);
            expect(where(await actions(t.api, `q=ledger&from=${day(2)}&to=${day(3)}`))).toEqual([
              `A:${day(2, 2)}`,
              `A:${day(2, 1)}`,
            ]);
          });

          it('pages every action of a window without q, once each, in order', async () => {
            const items = await actions(t.api, `from=${day(1)}&to=${day(4)}`);
            expect(items).toHaveLength(8);
            const keys = items.map((i) => `${i.at}|${i.runId}|${i.seq}`);
            expect(new Set(keys).size).toBe(8);
            expect([...keys].sort().reverse()).toEqual(keys);
          });

          it('finds short text across runs', async () => {
            expect(where(await actions(t.api, `q=EU&organizationId=${ids.orgA}`))).toEqual([
              `A:${day(2, 3)}`,
              `A:${day(1, 2)}`,
            ]);
          });

          it('refuses a forged cursor and an inverted range with a 400', async () => {
            const cursor = Buffer.from(JSON.stringify([Date.now(), 'not-a-run/1'])).toString('base64url');
            const forged = await t.api('GET', `/api/v1/actions?cursor=${cursor}`);
            expect(forged.statusCode).toBe(400);
            expect(forged.json().error.code).toBe('invalid_cursor');
            const inverted = await t.api('GET', `/api/v1/actions?from=${day(3)}&to=${day(1)}`);
            expect(inverted.statusCode).toBe(400);
            expect(inverted.json().error.code).toBe('invalid_filter');
          });
        });
      });
    }

    describe('GET /api/v1/calls?q= and login=', () => {
      const calls = async (api: Api, query: string) =>
        (await readAllPages<CallItem>(api, `/api/v1/calls?${query}`)).items;

      it('finds calls by a substring of the URL or the login, in any case', async () => {
        const byUrl = await calls(t.api, 'q=SAML/acs');
        expect(byUrl.map((c) => c.url)).toEqual([
          'https://idp.example.com/saml/acs',
          'https://idp.example.com/saml/ACS?RelayState=1',
        ]);
        const byLogin = await calls(t.api, `q=GRACE@&organizationId=${ids.orgA}`);
        expect(byLogin.map((c) => c.login)).toEqual(['grace@example.com']);
      });

      it('matches login= anywhere in the login, in any case, and nowhere else', async () => {
        const res = await calls(t.api, 'login=LOVELACE@');
        expect(res.map((c) => c.login)).toEqual(['ada.lovelace@example.com', 'Ada.Lovelace@Example.com']);
        // "api.example" is in URLs, not in any login.
        expect(await calls(t.api, 'login=api.example')).toEqual([]);
        expect((await calls(t.api, 'login=ad')).length).toBe(2);
      });

      it("shows an organization's key only its own calls", async () => {
        const res = await calls(viewerA, 'q=lovelace');
        expect(res.map((c) => c.organizationId)).toEqual([ids.orgA]);
      });
    });
  });
}
