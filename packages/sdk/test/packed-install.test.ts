import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../server/test/harness.js';
import { startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { serverEnv } from './helpers.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
/** An app that knows nothing of Synctrail (register.test.ts runs it from the sources). */
const ZERO_CODE_APP = fileURLToPath(new URL('./fixtures/zero-code-app.mjs', import.meta.url));

/** A connector as a new user writes it from the README, in a project of its own. */
const CONNECTOR = `import { Synctrail, SynctrailError, type ActionDraft, type CallInput } from '@synctrail/sdk';

const client = new Synctrail({ url: process.env.SYNCTRAIL_URL ?? '', token: process.env.SYNCTRAIL_TOKEN ?? '' });
const run = await client.startRun({ integrationId: process.env.INTEGRATION_ID ?? '', name: process.env.RUN_NAME ?? 'packed' });
const action: ActionDraft = {
  source: { system: 'EXCHANGE', id: 'AAMk-1', name: 'Ada' },
  target: { system: 'CRM', id: 'c-1' },
  action: 'CREATE',
  status: 'OK',
  message: 'created from a packed install',
};
await run.action(action);
const call: CallInput = {
  direction: 'OUTGOING', appFrom: 'packed-connector', appTo: 'crm', action: 'NA',
  method: 'GET', url: 'https://crm.example.com/contacts', statusCode: 200,
};
await client.reportCalls([{ ...call, runId: run.id }]);
await run.finish({ counters: { objects: 1, changes: 1 } });
try {
  await client.getRun('not-a-run');
} catch (error) {
  if (!(error instanceof SynctrailError)) throw error;
}
console.log(JSON.stringify({ runId: run.id }));
`;

/** tsc's defaults (lib with DOM, strict), once as Node ESM and once as a bundler would resolve. */
const TSCONFIGS = {
  'tsconfig.json': {
    compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, outDir: 'out' },
    include: ['connector.ts'],
  },
  'tsconfig.bundler.json': {
    compilerOptions: {
      target: 'es2022',
      module: 'esnext',
      moduleResolution: 'bundler',
      strict: true,
      noEmit: true,
    },
    include: ['connector.ts'],
  },
};

describe('the SDK packed and installed outside the workspace', () => {
  let project: string;
  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'synctrail-packed-'));
    await run('npm', ['run', 'build', '-w', '@synctrail/types', '-w', '@synctrail/sdk'], { cwd: ROOT });
    await run(
      'npm',
      ['pack', '-w', '@synctrail/types', '-w', '@synctrail/sdk', '--pack-destination', project],
      {
        cwd: ROOT,
      },
    );
    const tarballs = readdirSync(project).filter((f) => f.endsWith('.tgz'));
    expect(tarballs).toHaveLength(2);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'packed-connector', private: true, type: 'module' }),
    );
    writeFileSync(join(project, 'connector.ts'), CONNECTOR);
    copyFileSync(ZERO_CODE_APP, join(project, 'app.mjs'));
    for (const [name, config] of Object.entries(TSCONFIGS)) {
      writeFileSync(join(project, name), JSON.stringify(config));
    }
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        ...tarballs.map((t) => `./${t}`),
        '@types/node@20',
      ],
      { cwd: project },
    );
  }, 300_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('ships built JavaScript and declarations, no tests', async () => {
    const { stdout } = await run('tar', [
      '-tzf',
      join(
        project,
        readdirSync(project).find((f) => f.startsWith('synctrail-sdk'))!,
      ),
    ]);
    expect(stdout).toContain('package/dist/index.js');
    expect(stdout).toContain('package/dist/index.d.ts');
    expect(stdout).toContain('package/dist/register.js');
    expect(stdout).toContain('package/dist/register.d.ts');
    expect(stdout).not.toContain('.test.ts');
  });

  it('type-checks a connector with tsc defaults (DOM lib, strict), as Node ESM and for a bundler', async () => {
    for (const config of Object.keys(TSCONFIGS)) {
      const result = await run(process.execPath, [TSC, '-p', config], { cwd: project }).catch(
        (error: { stdout: string }) => ({ stdout: error.stdout, failed: true }),
      );
      expect(result.stdout, config).toBe('');
    }
  }, 120_000);

  for (const kind of ENGINES) {
    describe(`against a real server [${kind}]`, () => {
      let database: TestDatabase;
      let server: ServerProcess;
      let env: Record<string, string>;
      beforeAll(async () => {
        database = await createTestDatabase(kind);
        server = await startServerProcess(serverEnv(database));
        const org = (await server.call('POST', '/api/v1/organizations', { name: 'Packed' })).json;
        const integration = (
          await server.call('POST', `/api/v1/organizations/${org.id}/integrations`, {
            type: 'crm',
            name: 'CRM',
          })
        ).json;
        const key = (
          await server.call('POST', `/api/v1/organizations/${org.id}/api-keys`, {
            name: 'c',
            scopes: ['ingest'],
          })
        ).json;
        env = {
          ...process.env,
          SYNCTRAIL_URL: server.url,
          SYNCTRAIL_TOKEN: key.token,
          INTEGRATION_ID: integration.id,
        };
      }, 90_000);
      afterAll(async () => {
        await server?.stop();
        await database?.drop();
      });

      const expectArrived = async (runId: string) => {
        const stored = (await server.call('GET', `/api/v1/runs/${runId}`)).json;
        expect(stored).toMatchObject({ progress: 'FINISHED', status: 'OK' });
        const actions = (await server.call('GET', `/api/v1/runs/${runId}/actions`)).json.items;
        expect(actions).toMatchObject([{ message: 'created from a packed install' }]);
        const calls = (await server.call('GET', `/api/v1/calls?appFrom=packed-connector`)).json.items;
        expect(calls.some((c: { runId?: string }) => c.runId === runId)).toBe(true);
      };

      it('captures an unchanged app run with node --import @synctrail/sdk/register', async () => {
        const partner = http.createServer((req, res) => res.end('{"partner":true}'));
        await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
        try {
          const partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;
          const app = `packed-zero-code-${kind}`;
          const { stdout, stderr } = await run(
            process.execPath,
            ['--import', '@synctrail/sdk/register', 'app.mjs'],
            {
              cwd: project,
              env: { ...env, SYNCTRAIL_APP: app, MODE: 'oneshot', PARTNER_URL: partnerUrl },
            },
          );
          expect(stdout).toContain('{"oneshot":200}');
          expect(stderr).not.toContain('synctrail:');
          const calls = (await server.call('GET', `/api/v1/calls?app=${app}`)).json.items;
          expect(calls).toMatchObject([
            {
              direction: 'OUTGOING',
              appFrom: app,
              method: 'GET',
              url: `${partnerUrl}/oneshot?api_key=***`,
              statusCode: 200,
            },
          ]);
        } finally {
          partner.close();
        }
      }, 60_000);

      it('runs the connector compiled by tsc, and the run arrives', async () => {
        await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project });
        const { stdout } = await run(process.execPath, ['out/connector.js'], {
          cwd: project,
          env: { ...env, RUN_NAME: 'tsc' },
        });
        await expectArrived((JSON.parse(stdout) as { runId: string }).runId);
      }, 60_000);
    });
  }
});
