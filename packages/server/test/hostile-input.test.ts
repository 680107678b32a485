import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, seedBasics, signInMember, startTestApp, type TestContext } from './harness.js';

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `{"n":{"n":…{"leaf":true}…}}` as JSON text (JSON.stringify itself overflows the stack on it). */
const nestedText = (depth: number) => '{"n":'.repeat(depth) + '{"leaf":true}' + '}'.repeat(depth);
const nested = (depth: number): unknown => JSON.parse(nestedText(depth));

for (const kind of ENGINES) {
  describe(`hostile input [${kind}]`, () => {
    let t: TestContext;
    let basics: Awaited<ReturnType<typeof seedBasics>>;
    let runId: string;

    const expectCoded4xx = (res: { statusCode: number; json: () => any }, status: number, code: string) => {
      expect(res.statusCode).toBe(status);
      expect(res.json().error.code).toBe(code);
      expect(typeof res.json().error.message).toBe('string');
    };

    beforeAll(async () => {
      t = await startTestApp(kind);
      basics = await seedBasics(t.api);
      runId = (await t.api('POST', '/api/v1/runs', { integrationId: basics.integration.id })).json().id;
    });
    afterAll(() => t?.close());

    describe('authentication does not depend on how the path is spelled', () => {
      it('refuses percent-encoded API paths without credentials', async () => {
        for (const url of [
          '/%61pi/v1/runs',
          '/api/%761/runs',
          `/%61pi/v1/users/${basics.user.id}`,
          `/%61pi/v1/users/00000000-0000-4000-8000-000000000000`,
        ]) {
          const res = await t.api('GET', url, undefined, { authorization: '' });
          expect(res.statusCode, url).toBe(401);
          expect(res.json().error.code).toBe('unauthenticated');
        }
      });
    });

    describe('list limits', () => {
      it.each(['Infinity', '-Infinity', '0x10', '1e2', '16.0', 'NaN', '0', '1001'])(
        'refuses limit=%s with a 400',
        async (limit) => {
          for (const url of ['/api/v1/runs', '/api/v1/organizations', `/api/v1/runs/${runId}/actions`]) {
            expectCoded4xx(await t.api('GET', `${url}?limit=${limit}`), 400, 'validation_failed');
          }
        },
      );
      it('still reads a decimal limit', async () => {
        expect((await t.api('GET', '/api/v1/organizations?limit=16')).statusCode).toBe(200);
      });
    });

    describe('cursors', () => {
      it.each([
        ['organizations', '/api/v1/organizations', [0, 0]],
        ['runs', '/api/v1/runs', [0, -1]],
        ['runs', '/api/v1/runs', [1e300, '00000000-0000-4000-8000-000000000000']],
        ['actions', `/api/v1/runs/RUN/actions`, [2 ** 60, 1]],
        ['actions', `/api/v1/runs/RUN/actions`, ['1', 1]],
        ['calls', '/api/v1/calls', ['x', 'y']],
        ['audit', '/api/v1/audit', [-5, 1]],
      ])('refuses a forged %s cursor %j', async (_name, url, value) => {
        const res = await t.api('GET', `${url.replace('RUN', runId)}?cursor=${cursorOf(value)}`);
        expectCoded4xx(res, 400, 'invalid_cursor');
      });
      it('refuses cursors that are not base64 JSON', async () => {
        expectCoded4xx(await t.api('GET', '/api/v1/runs?cursor=WzAsMF0'), 400, 'invalid_cursor');
        expectCoded4xx(await t.api('GET', '/api/v1/runs?cursor=%7B%7D'), 400, 'invalid_cursor');
        const overLong = Buffer.from(`[${'9'.repeat(40)},1]`).toString('base64url');
        expectCoded4xx(
          await t.api('GET', `/api/v1/runs/${runId}/actions?cursor=${overLong}`),
          400,
          'invalid_cursor',
        );
      });
    });

    describe('text PostgreSQL cannot store is refused on both engines', () => {
      it('refuses NUL and lone surrogates in a body, naming the field, and stores nothing', async () => {
        for (const message of ['a\u0000b', 'x\ud800y', '\udc00']) {
          const res = await t.api('POST', `/api/v1/runs/${runId}/actions`, [
            { source: { system: 'A' }, target: { system: 'B' }, action: 'CREATE', status: 'OK', message },
          ]);
          expectCoded4xx(res, 400, 'validation_failed');
          expect(res.json().error.message).toContain('body/0/message');
        }
        const ndjson = await t.api(
          'POST',
          `/api/v1/runs/${runId}/actions`,
          '{"source":{"system":"A"},"target":{"system":"B\\u0000"},"action":"CREATE","status":"OK"}\n',
          { 'content-type': 'application/x-ndjson' },
        );
        expectCoded4xx(ndjson, 400, 'validation_failed');
        const stored = (await t.api('GET', `/api/v1/runs/${runId}/actions`)).json();
        expect(stored.items).toHaveLength(0);
      });

      it('refuses them in query filters and path parameters', async () => {
        for (const url of [
          '/api/v1/runs?name=%00',
          '/api/v1/runs?q=a%00b',
          `/api/v1/runs/${runId}/actions?q=%00`,
          '/api/v1/calls?login=%00',
          '/api/v1/runs/%00',
        ]) {
          expectCoded4xx(await t.api('GET', url), 400, 'validation_failed');
        }
      });

      it('refuses them in the unauthenticated sign-in', async () => {
        const res = await t.api(
          'POST',
          '/api/v1/session',
          { email: 'ada\u0000@example.com', password: 'x' },
          { authorization: '' },
        );
        expectCoded4xx(res, 400, 'validation_failed');
        const surrogate = await t.api(
          'POST',
          '/api/v1/session',
          { email: 'ada@example.com', password: '\ud800' },
          { authorization: '' },
        );
        expectCoded4xx(surrogate, 400, 'validation_failed');
      });

      it('keeps captured call payloads, replacing what cannot be stored', async () => {
        const res = await t.api('POST', '/api/v1/calls', [
          {
            organizationId: basics.org.id,
            direction: 'OUTGOING',
            appFrom: 'Portal',
            appTo: 'IdP',
            method: 'GET',
            url: 'https://idp.example.com/x',
            response: { body: 'bin\u0000ary \ud800' },
          },
        ]);
        expect(res.statusCode).toBe(201);
        const list = (await t.api('GET', `/api/v1/calls?organizationId=${basics.org.id}`)).json();
        const call = (await t.api('GET', `/api/v1/calls/${list.items[0].id}`)).json();
        expect(call.response.body).toBe('bin\uFFFDary \uFFFD');
      });
    });

    describe('deep JSON', () => {
      it('refuses bodies nested deeper than 64 levels with a 400, for every JSON field', async () => {
        const deep = nestedText(5000);
        const cases: [string, string, string][] = [
          ['PATCH', `/api/v1/runs/${runId}`, `{"objectReport":${deep}}`],
          [
            'POST',
            `/api/v1/runs/${runId}/actions`,
            `[{"source":{"system":"A"},"target":{"system":"B"},"action":"NONE","status":"OK","details":${deep}}]`,
          ],
          [
            'POST',
            `/api/v1/organizations/${basics.org.id}/integrations`,
            `{"type":"x","name":"deep","configuration":${deep}}`,
          ],
        ];
        for (const [method, url, body] of cases) {
          const res = await t.api(method as 'POST', url, body, { 'content-type': 'application/json' });
          expectCoded4xx(res, 400, 'validation_failed');
          expect(res.json().error.message).toMatch(/deeper than 64/);
        }
        // 100,000 levels in a 200 kB body: refused before any recursive parser sees it.
        const huge = '['.repeat(100_000) + ']'.repeat(100_000);
        expectCoded4xx(
          await t.api('POST', `/api/v1/runs/${runId}/actions`, huge, { 'content-type': 'application/json' }),
          400,
          'validation_failed',
        );
        const integrations = (
          await t.api('GET', `/api/v1/organizations/${basics.org.id}/integrations`)
        ).json();
        expect(integrations.items.map((i: { name: string }) => i.name)).not.toContain('deep');
      });

      it('accepts ordinary nesting', async () => {
        const res = await t.api('PATCH', `/api/v1/runs/${runId}`, { objectReport: nested(20) });
        expect(res.statusCode).toBe(200);
      });
    });

    describe('integers beyond the columns', () => {
      it('refuses counters and durations of 2^31 and more with a 400', async () => {
        expectCoded4xx(
          await t.api('PATCH', `/api/v1/runs/${runId}`, { counters: { objects: 2147483648 } }),
          400,
          'validation_failed',
        );
        const call = await t.api('POST', '/api/v1/calls', [
          {
            organizationId: basics.org.id,
            direction: 'OUTGOING',
            appFrom: 'A',
            appTo: 'B',
            method: 'GET',
            url: 'https://b.example.com/',
            durationMs: 2 ** 31,
          },
        ]);
        expectCoded4xx(call, 400, 'validation_failed');
        expect(
          (await t.api('PATCH', `/api/v1/runs/${runId}`, { counters: { objects: 2147483647 } })).statusCode,
        ).toBe(200);
      });
    });

    describe('content types and consistency', () => {
      it('refuses a JSON body declared in another charset', async () => {
        const res = await t.api('POST', '/api/v1/organizations', JSON.stringify({ name: 'UTF16 Org' }), {
          'content-type': 'application/json; charset=utf-16',
        });
        expectCoded4xx(res, 415, 'unsupported_media_type');
        const ok = await t.api('POST', '/api/v1/organizations', JSON.stringify({ name: 'UTF8 Org' }), {
          'content-type': 'application/json; charset=UTF-8',
        });
        expect(ok.statusCode).toBe(201);
      });

      it('answers 404 for the runs of an unknown organization, as for its integrations', async () => {
        const unknown = '00000000-0000-4000-8000-000000000000';
        expectCoded4xx(
          await t.api('GET', `/api/v1/organizations/${unknown}/runs`),
          404,
          'organization_not_found',
        );
        expectCoded4xx(
          await t.api('GET', `/api/v1/organizations/${unknown}/integrations`),
          404,
          'organization_not_found',
        );
      });

      it('answers 404 for an organization another member cannot see', async () => {
        const other = await seedBasics(t.api);
        const viewer = await signInMember(t.api, basics.org.id, `viewer-${kind}@example.com`, 'VIEWER');
        const res = await t.api('GET', `/api/v1/organizations/${other.org.id}/runs`, undefined, viewer);
        expectCoded4xx(res, 404, 'organization_not_found');
      });
    });

    describe('framework errors speak the wire format', () => {
      it('answers bad URL encoding with a coded 400', async () => {
        const res = await t.api('GET', '/api/v1/runs/%C3%28');
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({ error: { code: 'invalid_url', message: expect.any(String) } });
      });

      it('answers an over-long path parameter with a coded 414', async () => {
        const res = await t.api('GET', `/api/v1/runs/${'a'.repeat(200)}`);
        expect(res.statusCode).toBe(414);
        expect(res.json().error.code).toBe('uri_too_long');
      });

      it('answers oversized headers, over-long URLs and malformed HTTP in the wire format', async () => {
        await t.app.listen({ port: 0, host: '127.0.0.1' });
        const { port } = t.app.server.address() as AddressInfo;
        const send = (raw: string) =>
          new Promise<{ status: number; body: any }>((resolve, reject) => {
            const socket = connect(port, '127.0.0.1');
            const chunks: Buffer[] = [];
            socket.on('data', (d) => chunks.push(d));
            socket.on('error', reject);
            socket.on('close', () => {
              const [head = '', body = ''] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
              resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(body) });
            });
            socket.write(raw);
          });
        const bigHeader = await send(
          `GET /api/v1/runs HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        );
        expect(bigHeader).toEqual({
          status: 431,
          body: { error: { code: 'headers_too_large', message: expect.any(String) } },
        });
        const longUrl = await send(`GET /api/v1/runs?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
        expect(longUrl.status).toBe(431);
        const garbage = await send('GARBAGE\r\n\r\n');
        expect(garbage).toEqual({
          status: 400,
          body: { error: { code: 'bad_request', message: expect.any(String) } },
        });
      });
    });
  });
}
