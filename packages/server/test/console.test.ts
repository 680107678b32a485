import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startTestApp, type TestContext } from './harness.js';

const INDEX =
  '<!doctype html><html><head><script type="module" crossorigin src="/assets/index-4f2a9c.js"></script></head><body><div id="root"></div></body></html>';

/** What Vite leaves in `dist/`: index.html, hashed assets, and files copied from `public/`. */
function fakeDist(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'synctrail-console-')), 'dist');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, '..', 'secret.txt'), 'next to the build, not in it');
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-4f2a9c.js'), 'console.log("synctrail")');
  writeFileSync(join(dir, 'assets', 'index-77b1e0.css'), 'body{margin:0}');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

for (const kind of ENGINES) {
  describe(`the web console at / [${kind}]`, () => {
    let t: TestContext;
    let dist: string;
    const get = (
      url: string,
      accept = 'text/html,application/xhtml+xml,*/*;q=0.8',
      method: 'GET' | 'HEAD' = 'GET',
    ) => t.app.inject({ method, url, headers: { accept } });

    beforeAll(async () => {
      dist = fakeDist();
      t = await startTestApp(kind, { consoleDir: dist });
    });
    afterAll(async () => {
      await t?.close();
      rmSync(join(dist, '..'), { recursive: true, force: true });
    });

    it('serves index.html at /, revalidated on every load, without credentials', async () => {
      for (const accept of ['text/html', '*/*']) {
        const res = await get('/', accept);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.body).toBe(INDEX);
      }
      expect((await get('/', 'text/html', 'HEAD')).statusCode).toBe(200);
      expect((await get('/index.html')).headers['cache-control']).toBe('no-cache');
    });

    it('lets a Vite-built React app run under its Content-Security-Policy, without eval', async () => {
      const csp = String((await get('/')).headers['content-security-policy']);
      const directive = (name: string) =>
        csp
          .split(';')
          .map((d) => d.trim())
          .find((d) => d.startsWith(`${name} `));
      expect(directive('script-src')).toBe("script-src 'self'");
      expect(directive('style-src')).toContain("'unsafe-inline'");
      expect(directive('connect-src')).toBe("connect-src 'self'");
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).not.toContain('upgrade-insecure-requests');
    });

    it('serves hashed assets for a year, immutable', async () => {
      const js = await get('/assets/index-4f2a9c.js', '*/*');
      expect(js.statusCode).toBe(200);
      expect(js.headers['content-type']).toMatch(/javascript/);
      expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await get('/assets/index-77b1e0.css', 'text/css')).headers['content-type']).toMatch(
        /^text\/css/,
      );
      expect((await get('/favicon.svg', 'image/*')).statusCode).toBe(200);
      expect((await get('/assets/index-000000.js', '*/*')).statusCode).toBe(404);
      for (const sneaky of [
        '/assets/..%2f..%2fsecret.txt',
        '/assets/%2e%2e/%2e%2e/secret.txt',
        '/..%2fsecret.txt',
        '/assets/../../package.json',
      ])
        expect((await get(sneaky, '*/*')).body, sneaky).not.toMatch(/next to the build|"name"/);
    });

    it('answers index.html for the pages of the app, so that a reload lands in the app', async () => {
      for (const url of [
        '/runs',
        '/runs/0190b7e2-0000-7000-8000-000000000000',
        '/calls?status=ERROR',
        '/integrations',
        '/login',
        '/organizations/x/users',
      ]) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).toBe(INDEX);
        expect(res.headers['cache-control'], url).toBe('no-cache');
      }
    });

    it('keeps the API, the docs and the health checks out of it: JSON 404s, and other requests', async () => {
      for (const url of ['/api/v1/nothing', '/api/v1/runs/x/y', '/api', '/healthz/x', '/readyz/x']) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.json().error.code, url).toBe('not_found');
      }
      const program = await get('/runs', 'application/json');
      expect(program.statusCode).toBe(404);
      expect(program.json().error.code).toBe('not_found');
      expect((await get('/docs')).statusCode).not.toBe(404);
      expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
      const api = await t.app.inject({
        method: 'GET',
        url: '/api/v1/runs',
        headers: { accept: 'text/html' },
      });
      expect(api.statusCode).toBe(401);
    });
  });
}

describe('the web console when it is not built', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestApp(ENGINES[0]!, { consoleDir: join(tmpdir(), 'synctrail-nowhere', 'dist') });
  });
  afterAll(() => t?.close());

  it('says so, and how to build it, in HTML for a browser and in the wire format otherwise', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('npm run build');
    const deep = await t.app.inject({ method: 'GET', url: '/runs', headers: { accept: 'text/html' } });
    expect(deep.body).toContain('SYNCTRAIL_CONSOLE_DIR');
    const json = await t.app.inject({ method: 'GET', url: '/', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    expect(json.json().error).toMatchObject({
      code: 'console_not_built',
      message: expect.stringMatching(/npm run build/),
    });
    expect((await t.app.inject({ method: 'GET', url: '/assets/index.js' })).statusCode).toBe(404);
  });
});
