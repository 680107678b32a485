import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configHome,
  createTestDatabase,
  ENGINES,
  operatorEnv,
  startServerProcess,
  storageEnv,
  type ServerProcess,
  type TestDatabase,
} from './helpers.js';
import { seed, type Seeded } from './seed.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `npx synctrail ARGS` in the project, whatever its exit code. */
async function npx(project: string, args: string[], env: Record<string, string | undefined>) {
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', 'synctrail', ...args], {
      cwd: project,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the CLI packed and installed in a project of its own', () => {
  let project: string;
  let tarball: string;
  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'synctrail-cli-packed-'));
    // The CLI bundles the SDK and the types from their sources: their own builds are not needed (nor
    // raced with the SDK's packed-install suite, which rebuilds them).
    await run('npm', ['run', 'build', '-w', '@synctrail/cli'], { cwd: ROOT });
    await run('npm', ['pack', '-w', '@synctrail/cli', '--pack-destination', project], { cwd: ROOT });
    tarball = readdirSync(project).find((f) => f.endsWith('.tgz'))!;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'support-scripts', private: true }));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball}`], {
      cwd: project,
    });
  }, 300_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('ships the bin and one bundled file, without the workspace packages or tests', async () => {
    const { stdout } = await run('tar', ['-tzf', join(project, tarball)]);
    expect(stdout).toContain('package/bin/synctrail.js');
    expect(stdout).toContain('package/dist/main.js');
    expect(stdout).not.toContain('test/');
    // The SDK and the types are inside dist/main.js: the only @synctrail package installed is the CLI.
    expect(readdirSync(join(project, 'node_modules', '@synctrail'))).toEqual(['cli']);
  });

  it('says to install the server for a server command, with exit 2', async () => {
    const res = await npx(project, ['serve'], { XDG_CONFIG_HOME: configHome() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('npm install @synctrail/server');
  });

  for (const kind of ENGINES) {
    describe(`against a real server [${kind}]`, () => {
      let database: TestDatabase;
      let server: ServerProcess;
      let seeded: Seeded;
      beforeAll(async () => {
        database = await createTestDatabase(kind);
        server = await startServerProcess(storageEnv(database));
        seeded = await seed(server, 'Packed');
      }, 90_000);
      afterAll(async () => {
        await server?.stop();
        await database?.drop();
      });

      it('lists runs as JSON with npx synctrail runs list --json', async () => {
        const res = await npx(project, ['runs', 'list', '--json'], operatorEnv(server.url));
        expect(res.code, res.stderr).toBe(0);
        const page = JSON.parse(res.stdout) as { items: { id: string; name: string }[] };
        expect(page.items).toContainEqual(expect.objectContaining({ id: seeded.runId, name: 'Mailbox ada' }));
      });
    });
  }
});
