import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call, CallSummary } from '@synctrail/types';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../server/test/harness.js';
import { startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { serverEnv, waitFor } from './helpers.js';

const REGISTER = pathToFileURL(fileURLToPath(new URL('../src/register.ts', import.meta.url))).href;
const APP = fileURLToPath(new URL('./fixtures/zero-code-app.mjs', import.meta.url));

/** A child process started as `node --import @synctrail/sdk/register zero-code-app.mjs` (from the sources). */
interface AppProcess {
  child: ChildProcess;
  /** Where the app's own server listens (server mode). */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves at exit: the code (null when a signal ended it), the signal, and when (performance.now()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** The environment without anything Synctrail-related this test process may have. */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => !entry[0].startsWith('SYNCTRAIL_') && entry[1] !== undefined,
    ),
  );
}

async function startApp(env: Record<string, string>): Promise<AppProcess> {
  // tsx loads the TypeScript sources; the packed-install suite runs the built package the same way.
  const child = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', '--import', REGISTER, APP],
    { env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  let url = '';
  if (env.MODE !== 'oneshot') {
    url = await waitFor(`the app to listen (${stderr})`, () => /"url":"([^"]+)"/.exec(stdout)?.[1], 30_000);
  }
  return { child, url, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Sends a signal and waits for the exit; how long it took, from the signal. */
async function signal(app: AppProcess, name: NodeJS.Signals) {
  const sentAt = performance.now();
  app.child.kill(name);
  const exit = await app.exited;
  return { ...exit, tookMs: exit.at - sentAt };
}

/** The partner system the app calls. */
async function startPartner() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ partner: new URL(req.url ?? '/', 'http://x').pathname })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.json();
}

describe('node --import @synctrail/sdk/register', () => {
  let partner: Awaited<ReturnType<typeof startPartner>>;
  beforeAll(async () => {
    partner = await startPartner();
  });
  afterAll(() => {
    partner?.server.closeAllConnections();
    partner?.server.close();
  });

  for (const kind of ENGINES) {
    describe(`against a real server [${kind}]`, () => {
      let database: TestDatabase;
      let server: ServerProcess;
      let token: string;
      beforeAll(async () => {
        database = await createTestDatabase(kind);
        server = await startServerProcess(serverEnv(database));
        const org = (await server.call('POST', '/api/v1/organizations', { name: 'Zero code' })).json;
        const key = (
          await server.call('POST', `/api/v1/organizations/${org.id}/api-keys`, {
            name: 'portal',
            scopes: ['ingest'],
          })
        ).json;
        token = key.token;
      }, 90_000);
      afterAll(async () => {
        await server?.stop();
        await database?.drop();
      });

      const callsOf = async (app: string) =>
        (await server.call('GET', `/api/v1/calls?app=${app}&limit=100`)).json.items as CallSummary[];
      const detail = async (id: string) => (await server.call('GET', `/api/v1/calls/${id}`)).json as Call;
      const shape = (calls: CallSummary[]) =>
        calls
          .map(
            (c) =>
              `${c.direction} ${c.method} ${new URL(c.url).pathname} ${c.statusCode} ${c.appFrom}→${c.appTo}`,
          )
          .sort();

      it('records outgoing and incoming calls and delivers them on SIGTERM, then exits with 143', async () => {
        const app = `portal-${kind}`;
        const child = await startApp({
          SYNCTRAIL_URL: server.url,
          SYNCTRAIL_TOKEN: token,
          SYNCTRAIL_APP: app,
          // Nothing is sent before the signal: what arrives was delivered by the shutdown.
          SYNCTRAIL_FLUSH_INTERVAL_MS: '600000',
          PARTNER_URL: partner.url,
        });
        expect(await getJson(`${child.url}/hello`)).toEqual({
          viaFetch: { partner: '/data' },
          viaHttp: { partner: '/items' },
        });
        const signedIn = await fetch(`${child.url}/callback`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'SAMLResponse=PHNhbWw%2B&RelayState=r-1',
        });
        expect(signedIn.status).toBe(302);
        await signedIn.text();
        expect(await callsOf(app)).toEqual([]);

        const exit = await signal(child, 'SIGTERM');
        expect(exit).toMatchObject({ code: 143, signal: null });
        expect(exit.tookMs).toBeLessThan(2_000 + 4_000); // the default flush timeout, and slack for a busy machine

        const calls = await callsOf(app);
        expect(shape(calls)).toEqual([
          `INCOMING GET /hello 200 127.0.0.1→${app}`,
          `INCOMING POST /callback 302 127.0.0.1→${app}`,
          `OUTGOING GET /data 200 ${app}→127.0.0.1`,
          `OUTGOING POST /items 200 ${app}→127.0.0.1`,
        ]);
        const byPath = new Map(calls.map((c) => [new URL(c.url).pathname, c]));
        const data = await detail(byPath.get('/data')!.id);
        expect(data.url).toBe(`${partner.url}/data?token=***`);
        const items = await detail(byPath.get('/items')!.id);
        expect(JSON.parse(items.request.body!)).toEqual({ item: 7, password: '***' });
        const callback = await detail(byPath.get('/callback')!.id);
        expect(callback.url).toBe(`${child.url}/callback`);
        expect(callback.request.body).toBe('SAMLResponse=***&RelayState=r-1');
        expect(callback.response.headers).toMatchObject({ location: '/home', 'set-cookie': '***' });
        expect(callback.response.body).toBe('ok 38'); // the app read the whole body;
        const hello = await detail(byPath.get('/hello')!.id);
        expect(JSON.parse(hello.response.body!)).toEqual({
          viaFetch: { partner: '/data' },
          viaHttp: { partner: '/items' },
        });
        expect(child.stderr()).not.toContain('synctrail:');
      }, 60_000);

      it("lets an app's own SIGTERM handler shut it down, after delivering its calls", async () => {
        const app = `own-handler-${kind}`;
        const child = await startApp({
          SYNCTRAIL_URL: server.url,
          SYNCTRAIL_TOKEN: token,
          SYNCTRAIL_APP: app,
          SYNCTRAIL_FLUSH_INTERVAL_MS: '600000',
          SYNCTRAIL_CAPTURE_EXCLUDE: '/items',
          OWN_SIGTERM: '1',
          PARTNER_URL: partner.url,
        });
        await getJson(`${child.url}/hello`);
        const exit = await signal(child, 'SIGTERM');
        // The app closed its server and node ended normally: not 143, and the app's handler ran.
        expect(exit).toMatchObject({ code: 0, signal: null });
        expect(child.stdout()).toContain('app: closed');
        expect(shape(await callsOf(app))).toEqual([
          `INCOMING GET /hello 200 127.0.0.1→${app}`,
          `OUTGOING GET /data 200 ${app}→127.0.0.1`,
        ]);
      }, 60_000);

      it('delivers on SIGINT too, then exits with 130', async () => {
        const app = `interrupted-${kind}`;
        const child = await startApp({
          SYNCTRAIL_URL: server.url,
          SYNCTRAIL_TOKEN: token,
          SYNCTRAIL_APP: app,
          SYNCTRAIL_FLUSH_INTERVAL_MS: '600000',
          SYNCTRAIL_CAPTURE_INCOMING: 'false',
          PARTNER_URL: partner.url,
        });
        await getJson(`${child.url}/hello`);
        expect(await signal(child, 'SIGINT')).toMatchObject({ code: 130, signal: null });
        expect(shape(await callsOf(app))).toEqual([
          `OUTGOING GET /data 200 ${app}→127.0.0.1`,
          `OUTGOING POST /items 200 ${app}→127.0.0.1`,
        ]);
      }, 60_000);

      it('delivers the calls of a script that simply ends (beforeExit)', async () => {
        const app = `oneshot-${kind}`;
        const child = await startApp({
          SYNCTRAIL_URL: server.url,
          SYNCTRAIL_TOKEN: token,
          SYNCTRAIL_APP: app,
          SYNCTRAIL_FLUSH_INTERVAL_MS: '600000',
          MODE: 'oneshot',
          PARTNER_URL: partner.url,
        });
        expect(await child.exited).toMatchObject({ code: 0 });
        expect(child.stdout()).toContain('{"oneshot":200}');
        const calls = await callsOf(app);
        expect(shape(calls)).toEqual([`OUTGOING GET /oneshot 200 ${app}→127.0.0.1`]);
        expect(calls[0]!.url).toBe(`${partner.url}/oneshot?api_key=***`);
      }, 60_000);
    });
  }

  it('with a Synctrail that never answers: the app works, and SIGTERM exits within the flush timeout, counting the loss', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const child = await startApp({
        SYNCTRAIL_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        SYNCTRAIL_TOKEN: 'st_any',
        SYNCTRAIL_APP: 'portal-offline',
        SYNCTRAIL_FLUSH_TIMEOUT_MS: '1000',
        SYNCTRAIL_FLUSH_INTERVAL_MS: '0',
        SYNCTRAIL_CAPTURE_BUFFER: '2',
        PARTNER_URL: partner.url,
      });
      for (let i = 0; i < 3; i++) {
        expect(await getJson(`${child.url}/hello`)).toMatchObject({ viaFetch: { partner: '/data' } });
      }
      const exit = await signal(child, 'SIGTERM');
      expect(exit.code).toBe(143);
      // Without the bound, the request in flight would wait for its 60 s timeout and then be retried.
      expect(exit.tookMs).toBeLessThan(1_000 + 4_000);
      const loss =
        /synctrail: (\d+) captured call\(s\) were not delivered: (\d+) dropped because the buffer \(SYNCTRAIL_CAPTURE_BUFFER=2\) was full, (\d+) undeliverable\./.exec(
          child.stderr(),
        );
      expect(loss, child.stderr()).not.toBeNull();
      // 3 × (GET /hello in, GET /data and POST /items out), none delivered; the buffer held at most 2.
      expect(Number(loss![1])).toBe(9);
      expect(Number(loss![2])).toBeGreaterThanOrEqual(6);
      expect(child.stderr().trim().split('\n')).toHaveLength(1); // the report only: no warning per failure
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  }, 60_000);

  it('without SYNCTRAIL_URL and SYNCTRAIL_TOKEN: one warning, the app runs, and SIGTERM ends it as node would', async () => {
    const child = await startApp({ PARTNER_URL: partner.url, SYNCTRAIL_FLUSH_TIMEOUT_MS: 'soon' });
    expect(await getJson(`${child.url}/hello`)).toMatchObject({ viaHttp: { partner: '/items' } });
    const exit = await signal(child, 'SIGTERM');
    expect(exit).toMatchObject({ code: null, signal: 'SIGTERM' });
    const lines = child.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^synctrail: call capture is off: SYNCTRAIL_URL is not set .*; SYNCTRAIL_TOKEN is not set .*; SYNCTRAIL_FLUSH_TIMEOUT_MS must be a whole number from 0 to 60000 \(got "soon"\)\.$/,
    );
  }, 60_000);
});
