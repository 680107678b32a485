import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  cliOnTerminal,
  createTestDatabase,
  ENGINES,
  must,
  operatorEnv,
  spawnCli,
  startServerProcess,
  storageEnv,
  waitFor,
  type ServerProcess,
  type TestDatabase,
} from './helpers.js';
import { seed, type Seeded } from './seed.js';

const MISSING = '0190a000-0000-7000-8000-000000000000';

/** The names of the files a zip holds. */
function zipEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: false }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => names.push(entry.fileName));
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
    }),
  );
}

/** A child's output as it arrives, and its exit. */
function follow(args: string[], env: Record<string, string | undefined>) {
  const child = spawnCli(args, { env });
  const seen = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => (seen.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (seen.stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, seen, exited };
}

for (const kind of ENGINES) {
  describe(`synctrail against a server process [${kind}]`, () => {
    let database: TestDatabase;
    let server: ServerProcess;
    let seeded: Seeded;
    let env: Record<string, string | undefined>;
    let dir: string;

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      server = await startServerProcess(storageEnv(database));
      seeded = await seed(server, 'Fabrikam');
      env = operatorEnv(server.url);
      dir = mkdtempSync(join(tmpdir(), 'synctrail-cli-files-'));
    }, 90_000);
    afterAll(async () => {
      await server?.stop();
      await database?.drop();
    });

    describe('live', () => {
      it('watches a run until it ends: a line per change, exit 4 when it ends with ERROR', async () => {
        const run = await must(server, 'POST', '/api/v1/runs', { integrationId: seeded.integration.id });
        const watch = follow(['runs', 'watch', run.id, '--ndjson'], env);
        await waitFor('the first state', () => watch.seen.stdout.includes('\n'));
        await must(server, 'POST', `/api/v1/runs/${run.id}/actions`, [
          { source: { system: 'A', id: '1' }, target: { system: 'B' }, action: 'CREATE', status: 'OK' },
          { source: { system: 'A', id: '2' }, target: { system: 'B' }, action: 'CREATE', status: 'ERROR' },
        ]);
        await waitFor('the counters', () => watch.seen.stdout.includes('"processed":2'));
        await must(server, 'PATCH', `/api/v1/runs/${run.id}`, { progress: 'FINISHED' });
        expect(await watch.exited).toBe(4);
        const states = watch.seen.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { progress: string; counters: { processed: number } });
        expect(states[0]).toMatchObject({ progress: 'RUNNING', counters: { processed: 0 } });
        expect(states.at(-1)).toMatchObject({
          progress: 'FINISHED',
          status: 'ERROR',
          counters: { processed: 2 },
        });
      }, 30_000);

      it('exits 0 for a run that ends OK, and at once for one that has already ended', async () => {
        const run = await must(server, 'POST', '/api/v1/runs', { integrationId: seeded.integration.id });
        const watch = follow(['runs', 'watch', run.id], env);
        await waitFor('the first state', () => watch.seen.stdout.includes('RUNNING'));
        await must(server, 'PATCH', `/api/v1/runs/${run.id}`, { progress: 'FINISHED' });
        expect(await watch.exited).toBe(0);
        expect(watch.seen.stdout).toMatch(/progress\s+FINISHED/);
        const ended = await cli(['runs', 'watch', seeded.runId, '--json'], { env });
        expect(ended.code).toBe(4);
        expect(ended.json).toMatchObject({ id: seeded.runId, status: 'ERROR' });
      }, 30_000);

      it('tails new runs as they are created, and no run that was already going', async () => {
        const going = await must(server, 'POST', '/api/v1/runs', { integrationId: seeded.integration.id });
        const tail = follow(['runs', 'tail', '--max', '1', '--ndjson'], env);
        await waitFor('the stream', () => tail.seen.stderr.includes('waiting for new runs'));
        await must(server, 'PATCH', `/api/v1/runs/${going.id}`, { progress: 'FINISHED' });
        const created = await must(server, 'POST', '/api/v1/runs', {
          integrationId: seeded.integration.id,
          name: 'tailed',
        });
        expect(await tail.exited).toBe(0);
        expect(JSON.parse(tail.seen.stdout.trim())).toMatchObject({ id: created.id, name: 'tailed' });
      }, 30_000);
    });

    describe('lists', () => {
      it('lists and shows calls, with payloads pretty-printed', async () => {
        const [list, show, json] = await Promise.all([
          cli(['calls', 'list', '--action', 'SSO Failed', '--json'], { env }),
          cli(['calls', 'show', seeded.callId], { env }),
          cli(['calls', 'show', seeded.callId, '--json'], { env }),
        ]);
        expect(list.json.items.map((c: { id: string }) => c.id)).toEqual([seeded.callId]);
        expect(show.stdout).toContain('POST https://portal.example.com/sso/acs');
        expect(show.stdout).toContain('    "user": "ada",\n    "attempt": 1');
        expect(json.json).toMatchObject({
          id: seeded.callId,
          request: { body: '{"user":"ada","attempt":1}' },
        });
      });

      it('lists issues, organizations and an organization’s users; exit 3 for an unknown organization', async () => {
        const [issues, orgs, users, missing] = await Promise.all([
          cli(['issues', 'list', '--state', 'open', '--json'], { env }),
          cli(['orgs', 'list', '--search', 'fabri', '--json'], { env }),
          cli(['users', 'list', seeded.org.id], { env }),
          cli(['users', 'list', MISSING], { env }),
        ]);
        expect(issues.json.items).toMatchObject([
          { objectName: 'Quarterly review', errorCode: 1, state: 'OPEN' },
        ]);
        expect(orgs.json.items.map((o: { id: string }) => o.id)).toEqual([seeded.org.id]);
        expect(users.stdout).toMatch(/ada\s+ada@example\.com\s+Ada Lovelace\s+enabled/);
        expect(missing.code).toBe(3);
      });
    });

    describe('exports and bundles', () => {
      it('exports a filtered list as CSV, checked against the trailers, and calls as PDF', async () => {
        const out = join(dir, `runs-${kind}.csv`);
        const res = await cli(
          [
            'export',
            'runs',
            '--status',
            'ERROR',
            '--columns',
            'id,status,counters.errors',
            '--out',
            out,
            '--json',
          ],
          {
            env,
          },
        );
        expect(res.code, res.stderr).toBe(0);
        const rows = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
        const errored = (await must(server, 'GET', '/api/v1/runs?status=ERROR&limit=1000')).items;
        expect(rows.map((r) => r.id).sort()).toEqual(errored.map((r: { id: string }) => r.id).sort());
        expect(Object.keys(rows[0]!)).toEqual(['id', 'status', 'counters.errors']);
        expect(res.json).toMatchObject({ rows: errored.length });
        expect(existsSync(`${out}.part`)).toBe(false);
        // Piped: no progress bar on stderr.
        expect(res.stderr).not.toContain('B/s');

        const pdf = join(dir, `calls-${kind}.pdf`);
        const printed = await cli(['export', 'calls', '--format', 'pdf', '--out', pdf], { env });
        expect(printed.code, printed.stderr).toBe(0);
        expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      });

      it('writes no file for an export the server refuses (exit 2)', async () => {
        const out = join(dir, `bad-${kind}.csv`);
        const res = await cli(['export', 'runs', '--columns', 'nonsense', '--out', out], { env });
        expect(res.code).toBe(2);
        expect(res.stderr).toContain('nonsense');
        expect(readdirSync(dir).filter((f) => f.startsWith(`bad-${kind}`))).toEqual([]);
      });

      it("downloads a run's bundle, a user's and an organization's, each verified against its manifest", async () => {
        const runZip = join(dir, `run-${kind}.zip`);
        const userZip = join(dir, `user-${kind}.zip`);
        const orgZip = join(dir, `org-${kind}.zip`);
        const [run, user, org] = await Promise.all([
          cli(['bundle', seeded.runId, '--out', runZip, '--json'], { env }),
          cli(['bundle', '--user', seeded.user.id, '--out', userZip, '--json'], { env }),
          cli(
            [
              'bundle',
              '--org',
              seeded.org.id,
              '--status',
              'ERROR',
              '--from',
              '2020-01-01T00:00:00Z',
              '--out',
              orgZip,
            ],
            {
              env,
            },
          ),
        ]);
        expect(run.code, run.stderr).toBe(0);
        expect(run.json).toMatchObject({ files: 4, runs: 1 });
        expect((await zipEntries(runZip)).sort()).toEqual([
          'actions.csv',
          'calls.csv',
          'manifest.json',
          'run.json',
          'trace.txt',
        ]);
        expect(user.code, user.stderr).toBe(0);
        expect(user.json.runs).toBeGreaterThanOrEqual(1);
        expect(org.code, org.stderr).toBe(0);
        expect(org.stdout).toContain('(verified)');
        expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
      });

      it('exits 2 for a bundle of nothing, and 3 for a run that does not exist, leaving no file', async () => {
        const out = join(dir, `missing-${kind}.zip`);
        const [nothing, missing] = await Promise.all([
          cli(['bundle', '--out', out], { env }),
          cli(['bundle', MISSING, '--out', out], { env }),
        ]);
        expect(nothing.code).toBe(2);
        expect(nothing.stderr).toContain('Give one of RUN_ID, --user ID or --org ID');
        expect(missing.code).toBe(3);
        expect(readdirSync(dir).filter((f) => f.startsWith(`missing-${kind}`))).toEqual([]);
      });
    });

    describe('on a terminal', () => {
      const ESC = String.fromCharCode(27);

      it('colours statuses and draws a progress bar, and NO_COLOR takes the colours away', async () => {
        const out = join(dir, `terminal-${kind}.csv`);
        const [listed, plain, exported] = await Promise.all([
          cliOnTerminal(['runs', 'list', '--status', 'ERROR'], env),
          cliOnTerminal(['runs', 'list', '--status', 'ERROR'], { ...env, NO_COLOR: '1' }),
          cliOnTerminal(['export', 'actions', seeded.runId, '--out', out], env),
        ]);
        expect(listed.code).toBe(0);
        expect(listed.stdout).toContain(`${ESC}[31mERROR${ESC}[39m`);
        expect(plain.stdout).toContain(seeded.runId);
        expect(plain.stdout).not.toContain(ESC);
        expect(exported.code).toBe(0);
        expect(exported.stdout).toMatch(/terminal-\w+\.csv {2}[\d.]+ k?B {2}[\d.]+ [kM]?B\/s {2}0:\d\d/);
        expect(exported.stdout).toContain('rows 5');
      });
    });

    describe('keys and members', () => {
      it('creates an API key whose token works, lists it, and revokes it', async () => {
        const created = await cli(
          ['keys', 'create', seeded.org.id, '--name', 'support', '--scopes', 'read', '--json'],
          {
            env,
          },
        );
        expect(created.code, created.stderr).toBe(0);
        const asKey = { ...env, SYNCTRAIL_TOKEN: created.json.token as string };
        const seen = await cli(['orgs', 'list', '--json'], { env: asKey });
        expect(seen.json.items.map((o: { id: string }) => o.id)).toEqual([seeded.org.id]);
        const listed = await cli(['keys', 'list', seeded.org.id, '--json'], { env });
        expect(listed.json.items).toContainEqual(
          expect.objectContaining({ id: created.json.key.id, scopes: ['read'] }),
        );
        expect((await cli(['keys', 'revoke', created.json.key.id], { env })).code).toBe(0);
        const refused = await cli(['orgs', 'list'], { env: asKey });
        expect(refused.code).toBe(1);
        const badScope = await cli(['keys', 'create', seeded.org.id, '--name', 'x', '--scopes', 'root'], {
          env,
        });
        expect(badScope.code).toBe(2);
      });

      it('adds, lists and removes a member', async () => {
        const added = await cli(
          [
            'members',
            'add',
            seeded.org.id,
            '--email',
            `viewer-${kind}@example.com`,
            '--role',
            'viewer',
            '--json',
          ],
          { env },
        );
        expect(added.code, added.stderr).toBe(0);
        expect(added.json).toMatchObject({ role: 'VIEWER', canSignIn: false });
        const listed = await cli(['members', 'list', seeded.org.id], { env });
        expect(listed.stdout).toMatch(new RegExp(`viewer-${kind}@example\\.com\\s+VIEWER\\s+no`));
        expect((await cli(['members', 'remove', added.json.id], { env })).code).toBe(0);
        const after = await must(server, 'GET', `/api/v1/organizations/${seeded.org.id}/members`);
        expect(after.items.map((m: { id: string }) => m.id)).not.toContain(added.json.id);
      });
    });
  });
}
