import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { EngineKind } from '../../../server/src/storage/engine.js';
import { createTestDatabase } from '../../../server/test/harness.js';
import { startServerProcess, storageEnv, type ServerProcess } from '../../../server/test/server-process.js';
import { demoDatabase, type SuiteDatabase } from './demo-template.js';

/** The built console the server serves at `/`; the suites test what `npm run build` produced. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** The password `serve --demo-if-empty` gives the demo accounts in these suites. */
export const DEMO_PASSWORD = 'e2e-demo-password-0123';

/** The demo accounts (`SYNCTRAIL_DEMO_PASSWORD`): an operator and two members of the demo organization. */
export const DEMO_ACCOUNTS = {
  operator: 'operator@demo.synctrail.dev',
  admin: 'admin@demo.synctrail.dev',
  viewer: 'viewer@demo.synctrail.dev',
} as const;

export type DemoAccount = keyof typeof DEMO_ACCOUNTS;

export interface ConsoleServer {
  kind: EngineKind;
  /** The server's base URL, e.g. `http://127.0.0.1:3512`. */
  url: string;
  process: ServerProcess;
  stop(): Promise<void>;
}

export interface ConsoleServerOptions {
  /** Load the demo data set and the demo accounts (default true). */
  demo?: boolean;
  /** More environment for the server process. */
  env?: Record<string, string>;
}

/** Fails at once, saying what to do, when the console has not been built. */
export function assertConsoleBuilt(): void {
  if (!existsSync(`${CONSOLE_DIST}index.html`)) {
    throw new Error(
      `The console is not built: ${CONSOLE_DIST}index.html is missing. ` +
        'Run `npm run build -w @synctrail/web` (or `npm run build`) before the browser suites.',
    );
  }
}

/**
 * A port for a server: `SYNCTRAIL_TEST_PORTS=3500-3599` picks a free one in that range (for a machine
 * whose engineers share out port ranges); without it the system picks one.
 */
export async function testPort(): Promise<number> {
  const range = process.env.SYNCTRAIL_TEST_PORTS;
  if (!range) return 0;
  const match = /^(\d+)-(\d+)$/.exec(range);
  if (!match) throw new Error(`SYNCTRAIL_TEST_PORTS must look like 3500-3599, not ${range}`);
  const low = Number(match[1]);
  const high = Number(match[2]);
  const span = high - low + 1;
  const first = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = low + ((first + i) % span);
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port in SYNCTRAIL_TEST_PORTS=${range}`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A fresh database for a suite: a copy of the demo data set (and accounts), or an empty one. */
async function suiteDatabase(kind: EngineKind, demo: boolean): Promise<SuiteDatabase> {
  if (demo) return demoDatabase(kind, { SYNCTRAIL_DEMO_PASSWORD: DEMO_PASSWORD });
  const database = await createTestDatabase(kind);
  return { env: storageEnv(database), drop: () => database.drop() };
}

/**
 * Starts the real `synctrail serve` process on a fresh database of the engine (a new SQLite file, or
 * a new PostgreSQL database), with the demo data set and accounts (`serve --demo-if-empty` with
 * SYNCTRAIL_DEMO_PASSWORD, loaded once per test run: see demo-template.ts), serving the built console.
 * Background jobs are off so that no scheduled run appears while a suite looks at a list.
 */
export async function startConsoleServer(
  kind: EngineKind,
  options: ConsoleServerOptions = {},
): Promise<ConsoleServer> {
  assertConsoleBuilt();
  const demo = options.demo ?? true;
  const database = await suiteDatabase(kind, demo);
  let server: ServerProcess;
  try {
    server = await startServerProcess(
      {
        ...database.env,
        SYNCTRAIL_CONSOLE_DIR: CONSOLE_DIST,
        PORT: String(await testPort()),
        SYNCTRAIL_BACKGROUND_JOBS: 'off',
        // Every test signs in; the production limits are for people, not for a suite.
        SYNCTRAIL_SIGN_IN_RATE_LIMIT_PER_MINUTE: '10000',
        SYNCTRAIL_REFUSED_CREDENTIALS_PER_MINUTE: '10000',
        ...options.env,
      },
      // On a demo database it only reads the accounts (and, with background jobs, runs the demo connector).
      { serveArgs: demo ? ['--demo-if-empty'] : [], startTimeoutMs: 60_000 },
    );
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    kind,
    url: server.url,
    process: server,
    stop: async () => {
      await server.stop();
      await database.drop();
    },
  };
}
