import { spawn, type ChildProcess } from 'node:child_process';
import http, { type Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Action } from '@synctrail/types';
import { OPERATOR_TOKEN, type TestDatabase } from './harness.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const BUILT_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited: its exit code (null when a signal ended it) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Calls the server over HTTP as the operator. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerProcessOptions {
  /** Extra flags for node itself (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** How long it may take to listen; 30 s by default. */
  startTimeoutMs?: number;
  /** Extra flags for `synctrail serve` (e.g. `--demo-if-empty`). */
  serveArgs?: string[];
  /**
   * Run the build (`packages/server/dist`, what `npm start` runs) instead of the sources through tsx,
   * which holds about 50 MB more: benchmarks of memory measure what production runs.
   */
  built?: boolean;
}

/** Starts `synctrail serve` as a real process and waits until it listens. */
export async function startServerProcess(
  env: Record<string, string>,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  // Runs the TypeScript sources, with workspace packages resolved to their sources too (or the build).
  const entry = options.built ? [BUILT_MAIN] : ['--conditions=development', '--import', 'tsx', MAIN];
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), ...entry, 'serve', '--port', env.PORT ?? '0', ...(options.serveArgs ?? [])],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', SYNCTRAIL_BOOTSTRAP_TOKEN: OPERATOR_TOKEN, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${startTimeoutMs / 1000} s:\n${output}`)),
      startTimeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    exited,
    output: () => output,
    async call(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${OPERATOR_TOKEN}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    },
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: last });
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A port that was free a moment ago (to restart a server where its clients expect it). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface PostOptions {
  agent: Agent;
  /** POST by default. */
  method?: string;
  headers?: Record<string, string>;
  /** Called once the whole body is handed to the socket. */
  onSent?: () => void;
}

/**
 * Sends a prepared JSON body (POST unless told) as the operator with node:http on the given agent (keep-alive sockets
 * under the caller's control, no fetch machinery in the figures); rejects on a network error.
 */
export function postJson(
  url: URL,
  body: Buffer,
  options: PostOptions,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'POST',
        agent: options.agent,
        headers: {
          authorization: `Bearer ${OPERATOR_TOKEN}`,
          'content-type': 'application/json',
          'content-length': body.length,
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    if (options.onSent) req.on('finish', options.onSent);
    req.end(body);
  });
}

/** The environment that points a server process at a test database. */
export function storageEnv(database: TestDatabase): Record<string, string> {
  return database.config.databaseUrl
    ? { DATABASE_URL: database.config.databaseUrl }
    : { SYNCTRAIL_DATA_DIR: database.config.dataDir };
}

/** An operator call that must succeed; its JSON answer. */
export async function must(
  server: ServerProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<any> {
  const res = await server.call(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** An organization, an integration and `count` runs of it; the run ids. */
export async function createRuns(server: ServerProcess, count: number): Promise<string[]> {
  const org = await must(server, 'POST', '/api/v1/organizations', { name: 'Ingest' });
  const integration = await must(server, 'POST', `/api/v1/organizations/${org.id}/integrations`, {
    type: 'exchange',
    name: 'Exchange',
  });
  const runs: string[] = [];
  for (let i = 0; i < count; i++) {
    const run = await must(server, 'POST', '/api/v1/runs', {
      integrationId: integration.id,
      trigger: 'FULL_SYNC_JOB',
    });
    runs.push(run.id);
  }
  return runs;
}

/** A batch of `size` actions as a JSON body; source ids `<prefix>-<i>`, so each is traceable. */
export function actionBatch(prefix: string, size: number): { body: Buffer; ids: string[] } {
  const actions = Array.from({ length: size }, (_, i) => ({
    source: { system: 'EXCHANGE', id: `${prefix}-${i}`, name: `Contact ${i}` },
    target: { system: 'CRM', id: `crm-${prefix}-${i}` },
    objectType: 'Contact',
    action: 'UPDATE',
    status: 'OK',
    message: `${prefix}, action ${i}`,
    details: { changed: ['email'], after: { email: `c${i}@example.com` } },
  }));
  return { body: Buffer.from(JSON.stringify(actions)), ids: actions.map((a) => a.source.id) };
}

/** The source id of every action stored in a run, in order, page by page. */
export async function storedSourceIds(server: ServerProcess, runId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = (await must(
      server,
      'GET',
      `/api/v1/runs/${runId}/actions?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )) as { items: Action[]; nextCursor: string | null };
    ids.push(...page.items.map((a) => a.source.id ?? ''));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}
