import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, seedBasics, startTestApp, type TestContext } from './harness.js';

for (const kind of ENGINES) {
  describe(`HTTP basics [${kind}]`, () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await startTestApp(kind);
    });
    afterAll(() => t?.close());

    it('asks for credentials on every API route', async () => {
      for (const [method, url] of [
        ['GET', '/api/v1/runs'],
        ['POST', '/api/v1/runs'],
        ['GET', '/api/v1/organizations'],
        ['POST', '/api/v1/calls'],
      ] as const) {
        const res = await t.api(method, url, method === 'POST' ? [] : undefined, { authorization: '' });
        expect(res.statusCode, `${method} ${url}`).toBe(401);
        expect(res.json().error.code).toBe('unauthenticated');
      }
      const wrong = await t.api('GET', '/api/v1/runs', undefined, { authorization: 'Bearer not-the-token' });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.message).toMatch(/not valid/);
    });

    it('reports liveness and readiness without credentials', async () => {
      expect((await t.api('GET', '/healthz', undefined, { authorization: '' })).json()).toEqual({
        status: 'ok',
      });
      expect((await t.api('GET', '/readyz', undefined, { authorization: '' })).statusCode).toBe(200);
    });

    it('publishes an OpenAPI 3.1 document of the API and browsable docs', async () => {
      const doc = (await t.api('GET', '/api/v1/openapi.json', undefined, { authorization: '' })).json();
      expect(doc.openapi).toBe('3.1.0');
      for (const path of [
        '/api/v1/runs',
        '/api/v1/runs/{id}/actions',
        '/api/v1/organizations/{id}/users',
        '/api/v1/users/{id}/issues',
      ]) {
        expect(Object.keys(doc.paths)).toContain(path);
      }
      expect(doc.components.schemas.Run.properties.counters).toBeDefined();
      const docs = await t.api('GET', '/docs/', undefined, { authorization: '' });
      expect(docs.statusCode).toBe(200);
      expect(docs.headers['content-type']).toContain('text/html');
    });

    it('answers unknown routes, bad JSON and wrong media types with the error shape', async () => {
      const missing = await t.api('GET', '/api/v1/nothing-here');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('not_found');
      const badJson = await t.api('POST', '/api/v1/organizations', '{"name": ', {
        'content-type': 'application/json',
      });
      expect(badJson.statusCode).toBe(400);
      expect(badJson.json().error.code).toBe('invalid_body');
      const xml = await t.api('POST', '/api/v1/organizations', '<org/>', {
        'content-type': 'application/xml',
      });
      expect(xml.statusCode).toBe(415);
      expect(xml.json().error.code).toBe('unsupported_media_type');
    });

    it('takes an empty JSON body as no options, and still refuses poisoned JSON', async () => {
      const { integration } = await seedBasics(t.api);
      const sync = await t.api('POST', `/api/v1/integrations/${integration.id}/sync`, '', {
        'content-type': 'application/json',
      });
      expect(sync.statusCode, sync.body).toBe(201);
      const cancel = await t.api('POST', `/api/v1/runs/${sync.json().id}/cancel`, '', {
        'content-type': 'application/json',
      });
      expect(cancel.statusCode, cancel.body).toBe(200);
      const nameless = await t.api('POST', '/api/v1/organizations', '', {
        'content-type': 'application/json',
      });
      expect(nameless.statusCode).toBe(400);
      expect(nameless.json().error).toMatchObject({
        code: 'validation_failed',
        message: expect.stringMatching(/name/),
      });
      const poisoned = await t.api(
        'POST',
        '/api/v1/organizations',
        '{"name":"x","__proto__":{"admin":true}}',
        {
          'content-type': 'application/json',
        },
      );
      expect(poisoned.statusCode).toBe(400);
    });

    it('refuses bodies over the size limit with 413', async () => {
      const huge = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
      const res = await t.api('POST', '/api/v1/organizations', huge, { 'content-type': 'application/json' });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('payload_too_large');
    });
  });
}
