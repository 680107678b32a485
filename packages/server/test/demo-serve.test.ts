import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from './harness.js';
import { must, startServerProcess, storageEnv, waitFor, type ServerProcess } from './server-process.js';

const PASSWORD = 'demo-password-0123456789';

/** The accounts block `serve` printed, as [role, email, password, membership] rows. */
async function printedAccounts(server: ServerProcess): Promise<{ url: string; rows: string[][] }> {
  const block = /Synctrail console: (\S+)\nSign in as \(demo data only\):\n((?: {2}.*\n){3})/;
  const match = await waitFor('the accounts block', () => block.exec(server.output()) ?? undefined, 10_000);
  const rows = match[2]!
    .trimEnd()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
  return { url: match[1]!, rows };
}

async function signIn(server: ServerProcess, email: string, password: string) {
  const res = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
  return { status: res.status, cookie, info: (await res.json()) as Record<string, any> };
}

describe.each(ENGINES)('synctrail serve --demo-if-empty (%s)', (kind) => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await server?.stop('SIGKILL');
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (demo: boolean, env: Record<string, string> = {}) =>
    startServerProcess(
      {
        ...storageEnv(database!),
        SYNCTRAIL_DATA_DIR: database!.config.databaseUrl ? dataDir! : database!.config.dataDir,
        SYNCTRAIL_CONSOLE_DIR: join(tmpdir(), 'synctrail-no-console'),
        ...env,
      },
      { serveArgs: demo ? ['--demo-if-empty'] : [], startTimeoutMs: 180_000 },
    );

  it('prints the console and the demo accounts, which sign in with their roles, at every start', async () => {
    database = await createTestDatabase(kind);
    dataDir = mkdtempSync(join(tmpdir(), 'synctrail-demo-'));
    server = await start(true, { SYNCTRAIL_DEMO_PASSWORD: PASSWORD });
    const first = await printedAccounts(server);
    expect(first.url).toBe(`${server.url}/`);
    expect(first.rows).toEqual([
      ['operator', 'operator@demo.synctrail.dev', PASSWORD],
      ['admin', 'admin@demo.synctrail.dev', PASSWORD, '(ADMIN of Northwind Traders)'],
      ['viewer', 'viewer@demo.synctrail.dev', PASSWORD, '(VIEWER of Northwind Traders)'],
    ]);
    const operator = await signIn(server, 'operator@demo.synctrail.dev', PASSWORD);
    expect(operator).toMatchObject({ status: 200, info: { account: { operator: true } } });
    const admin = await signIn(server, 'admin@demo.synctrail.dev', PASSWORD);
    const viewer = await signIn(server, 'viewer@demo.synctrail.dev', PASSWORD);
    expect(admin.info.memberships).toMatchObject([{ role: 'ADMIN' }]);
    expect(viewer.info.memberships).toMatchObject([{ role: 'VIEWER' }]);
    const runs = await fetch(`${server.url}/api/v1/runs?progress=RUNNING&integrationType=exchange`, {
      headers: { cookie: viewer.cookie },
    });
    expect(((await runs.json()) as { items: unknown[] }).items).toMatchObject([
      { cancellable: true, leaseOwner: 'demo-connector' },
    ]);
    const file = join(database.config.databaseUrl ? dataDir : database.config.dataDir, 'demo-accounts.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Started again on the same database: the same block, the passwords checked against it.
    await server.stop();
    server = await start(true);
    expect((await printedAccounts(server)).rows).toEqual(first.rows);
  }, 300_000);

  it('prints no accounts for a database that does not hold the demo', async () => {
    database = await createTestDatabase(kind);
    dataDir = mkdtempSync(join(tmpdir(), 'synctrail-demo-'));
    server = await start(false);
    await must(server, 'POST', '/api/v1/organizations', { name: 'Real Customer' });
    await server.stop();
    server = await start(true, { SYNCTRAIL_DEMO_PASSWORD: PASSWORD });
    await waitFor('the console line', () => server!.output().includes('Synctrail console: '), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.output()).not.toContain('Sign in as');
    expect(server.output()).not.toContain(PASSWORD);
  }, 120_000);
});
