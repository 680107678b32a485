import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  configHome,
  createTestDatabase,
  ENGINES,
  must,
  OPERATOR_TOKEN,
  operatorEnv,
  startServerProcess,
  storageEnv,
  type ServerProcess,
  type TestDatabase,
  unbuiltBin,
} from './helpers.js';
import { seed, type Seeded } from './seed.js';

// An ANSI escape sequence (colours, cursor moves).
const ANSI = new RegExp(String.fromCharCode(27) + '\\[');
const MISSING = '0190a000-0000-7000-8000-000000000000';

describe('synctrail without a server', () => {
  it('prints its commands and exit codes with --help, through the bin of a checkout that is not built', async () => {
    const res = await cli(['--help'], { bin: unbuiltBin() });
    expect(res.code).toBe(0);
    for (const command of [
      'login',
      'runs',
      'calls',
      'export',
      'bundle',
      'keys',
      'members',
      'serve',
      'audit',
    ]) {
      expect(res.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(res.stdout).toContain('3  not found');
  });

  it('exits 2 on an unknown command or flag, or a bad value, and says what is wrong', async () => {
    const env = { XDG_CONFIG_HOME: configHome(), SYNCTRAIL_URL: 'http://127.0.0.1:9', SYNCTRAIL_TOKEN: 'x' };
    const [command, flag, value] = await Promise.all([
      cli(['runz', 'list'], { env }),
      cli(['runs', 'list', '--colour'], { env }),
      cli(['runs', 'list', '--limit', 'many'], { env }),
    ]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'runz'");
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--colour'");
    expect(value.code).toBe(2);
    expect(value.stderr).toContain('--limit takes a whole number from 1 to 1000');
  });

  it('exits 2 with the command to run when nobody is logged in, and 1 when the server cannot be reached', async () => {
    const home = configHome();
    const none = await cli(['runs', 'list'], {
      env: { XDG_CONFIG_HOME: home, SYNCTRAIL_URL: undefined, SYNCTRAIL_TOKEN: undefined },
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('synctrail login --url URL --token TOKEN');
    const down = await cli(['runs', 'list'], {
      env: { XDG_CONFIG_HOME: home, SYNCTRAIL_URL: 'http://127.0.0.1:9', SYNCTRAIL_TOKEN: 'x' },
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Cannot reach Synctrail at http://127.0.0.1:9');
  });
});

for (const kind of ENGINES) {
  describe(`synctrail against a server process [${kind}]`, () => {
    let database: TestDatabase;
    let server: ServerProcess;
    let seeded: Seeded;
    let env: Record<string, string | undefined>;

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      server = await startServerProcess(storageEnv(database));
      seeded = await seed(server, 'Contoso');
      env = operatorEnv(server.url);
    }, 90_000);
    afterAll(async () => {
      await server?.stop();
      await database?.drop();
    });

    describe('profiles', () => {
      it('logs in with a token into a 0600 file in a 0700 directory, answers whoami, and logs out', async () => {
        const home = configHome();
        const plain = { XDG_CONFIG_HOME: home, SYNCTRAIL_URL: undefined, SYNCTRAIL_TOKEN: undefined };
        const login = await cli(
          ['login', '--url', server.url, '--token', OPERATOR_TOKEN, '--profile', 'ops'],
          {
            env: plain,
          },
        );
        expect(login.code, login.stderr).toBe(0);
        const file = join(home, 'synctrail', 'config.json');
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(statSync(join(home, 'synctrail')).mode & 0o777).toBe(0o700);
        expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
          current: 'ops',
          profiles: { ops: { url: server.url, token: OPERATOR_TOKEN } },
        });
        // The profile just saved is the one used when none is named.
        const whoami = await cli(['whoami', '--json'], { env: plain });
        expect(whoami.code, whoami.stderr).toBe(0);
        expect(whoami.json).toMatchObject({ profile: 'ops', url: server.url, kind: 'operatorToken' });
        const runs = await cli(['runs', 'list', '--json'], { env: plain });
        expect(runs.json.items.map((r: { id: string }) => r.id)).toContain(seeded.runId);

        // A second login without --profile makes `default`, and leaves `ops` alone.
        await cli(['login', '--url', server.url, '--token', OPERATOR_TOKEN], { env: plain });
        const both = JSON.parse(readFileSync(file, 'utf8'));
        expect(both.current).toBe('default');
        expect(Object.keys(both.profiles).sort()).toEqual(['default', 'ops']);

        const logout = await cli(['logout', '--profile', 'ops'], { env: plain });
        expect(logout.code, logout.stderr).toBe(0);
        expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).profiles)).toEqual(['default']);
        expect((await cli(['logout'], { env: plain })).code).toBe(0);
        expect(JSON.parse(readFileSync(file, 'utf8')).profiles).toEqual({});
        expect((await cli(['whoami'], { env: plain })).code).toBe(2);
      });

      it('refuses a wrong token at login and stores nothing', async () => {
        const home = configHome();
        const res = await cli(['login', '--url', server.url, '--token', 'not-a-token'], {
          env: { XDG_CONFIG_HOME: home, SYNCTRAIL_URL: undefined, SYNCTRAIL_TOKEN: undefined },
        });
        expect(res.code).toBe(1);
        expect(res.stderr).toMatch(/synctrail: .+/);
        expect(() => statSync(join(home, 'synctrail', 'config.json'))).toThrow();
      });

      it('signs in with an email and a password, works with the session, and ends it at logout', async () => {
        const email = `support-${kind}@example.com`;
        const password = 'a long enough password';
        await must(server, 'POST', `/api/v1/organizations/${seeded.org.id}/members`, {
          email,
          role: 'ADMIN',
          password,
        });
        const home = configHome();
        const plain = { XDG_CONFIG_HOME: home, SYNCTRAIL_URL: undefined, SYNCTRAIL_TOKEN: undefined };
        const login = await cli(['login', '--url', server.url, '--email', email], {
          env: plain,
          input: `${password}\n`,
        });
        expect(login.code, login.stderr).toBe(0);
        expect(login.stdout).toContain(`as ${email}`);
        const stored = JSON.parse(readFileSync(join(home, 'synctrail', 'config.json'), 'utf8'));
        expect(stored.profiles.default.session).toMatchObject({ email, cookieName: 'synctrail_session' });
        expect(stored.profiles.default).not.toHaveProperty('token');

        const whoami = await cli(['whoami', '--json'], { env: plain });
        expect(whoami.json).toMatchObject({ kind: 'account', account: { email } });
        // A write needs the session's CSRF token too: a manual trigger goes through.
        const trigger = await cli(['runs', 'trigger', seeded.integration.id, '--json'], { env: plain });
        expect(trigger.code, trigger.stderr).toBe(0);
        await cli(['runs', 'cancel', trigger.json.id], { env: plain });

        const cookie = `${stored.profiles.default.session.cookieName}=${stored.profiles.default.session.cookie}`;
        expect((await cli(['logout'], { env: plain })).code).toBe(0);
        const after = await fetch(`${server.url}/api/v1/session`, { headers: { cookie } });
        expect(after.status).toBe(401);
      });

      it('refuses a wrong password with exit 1', async () => {
        const res = await cli(['login', '--url', server.url, '--email', `support-${kind}@example.com`], {
          env: { XDG_CONFIG_HOME: configHome(), SYNCTRAIL_URL: undefined, SYNCTRAIL_TOKEN: undefined },
          input: 'wrong password\n',
        });
        expect(res.code).toBe(1);
      });

      it('lets SYNCTRAIL_URL and SYNCTRAIL_TOKEN override the profile, and names a missing --profile', async () => {
        const home = configHome();
        await cli(['login', '--url', 'http://127.0.0.1:9', '--token', OPERATOR_TOKEN], {
          env: { XDG_CONFIG_HOME: home, SYNCTRAIL_URL: undefined, SYNCTRAIL_TOKEN: undefined },
        }).then((r) => expect(r.code).toBe(1)); // nothing listens there: not saved
        const res = await cli(['whoami', '--json'], { env: { ...env, XDG_CONFIG_HOME: home } });
        expect(res.json).toMatchObject({ profile: null, url: server.url, kind: 'operatorToken' });
        const missing = await cli(['runs', 'list', '--profile', 'nope'], {
          env: { XDG_CONFIG_HOME: home, SYNCTRAIL_URL: undefined, SYNCTRAIL_TOKEN: undefined },
        });
        expect(missing.code).toBe(2);
        expect(missing.stderr).toContain('There is no profile "nope"');
      });
    });

    describe('runs', () => {
      it('lists runs as JSON, NDJSON, and as a table without ANSI codes when piped', async () => {
        const [json, ndjson, table] = await Promise.all([
          cli(['runs', 'list', '--json', '--organization-id', seeded.org.id], { env }),
          cli(['runs', 'list', '--ndjson', '--status', 'error'], { env }),
          cli(['runs', 'list'], { env: { ...env, FORCE_COLOR: '1' } }),
        ]);
        expect(json.code, json.stderr).toBe(0);
        const listed = await must(server, 'GET', `/api/v1/runs?organizationId=${seeded.org.id}`);
        expect(json.json).toEqual(listed);
        const lines = ndjson.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        expect(lines.map((r) => r.status)).toEqual(lines.map(() => 'ERROR'));
        expect(lines.map((r) => r.id)).toContain(seeded.runId);
        expect(table.code).toBe(0);
        expect(table.stdout).toMatch(/^ID\s+REQUESTED\s+TRIGGER\s+NAME\s+PROGRESS\s+STATUS/);
        expect(table.stdout).toContain(seeded.runId);
        expect(table.stdout).toContain('Mailbox ada');
        expect(table.stdout).not.toMatch(ANSI);
      });

      it('shows a run, exits 3 for one that does not exist and 2 for a filter the server refuses', async () => {
        const [show, json, missing, refused] = await Promise.all([
          cli(['runs', 'show', seeded.runId], { env }),
          cli(['runs', 'show', seeded.runId, '--json'], { env }),
          cli(['runs', 'show', MISSING], { env }),
          cli(['runs', 'list', '--progress', 'sleeping'], { env }),
        ]);
        expect(show.stdout).toMatch(/status\s+ERROR/);
        expect(show.stdout).toMatch(
          /counters\s+processed 5, creates 0, updates 5, deletes 0, warnings 0, errors 1/,
        );
        expect(json.json).toEqual(await must(server, 'GET', `/api/v1/runs/${seeded.runId}`));
        expect(missing.code).toBe(3);
        expect(missing.stderr).toContain('does not exist');
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain('sleeping');
      });

      it("lists a run's actions filtered by status and text, and pages with --limit and --all", async () => {
        const [errors, search, paged, all] = await Promise.all([
          cli(['runs', 'actions', seeded.runId, '--status', 'ERROR', '--json'], { env }),
          cli(['runs', 'actions', seeded.runId, '--search', 'contact 3', '--json'], { env }),
          cli(['runs', 'actions', seeded.runId, '--limit', '2', '--json'], { env }),
          cli(['runs', 'actions', seeded.runId, '--limit', '2', '--all', '--ndjson'], { env }),
        ]);
        expect(errors.json.items.map((a: { message: string }) => a.message)).toEqual([
          'Locked by another user',
        ]);
        expect(search.json.items.map((a: { source: { id: string } }) => a.source.id)).toEqual(['mail-3']);
        expect(paged.json.items).toHaveLength(2);
        expect(paged.json.nextCursor).toEqual(expect.any(String));
        const ids = all.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).source.id);
        expect(ids).toEqual(['mail-0', 'mail-1', 'mail-2', 'mail-3', 'mail-4']);
      });

      it('triggers a manual sync for a sync user and cancels it', async () => {
        const trigger = await cli(
          ['runs', 'trigger', seeded.integration.id, '--user', seeded.user.id, '--json'],
          {
            env,
          },
        );
        expect(trigger.code, trigger.stderr).toBe(0);
        expect(trigger.json).toMatchObject({
          progress: 'PENDING',
          trigger: 'FULL_SYNC_MANUAL',
          userId: seeded.user.id,
        });
        const cancel = await cli(['runs', 'cancel', trigger.json.id], { env });
        expect(cancel.code, cancel.stderr).toBe(0);
        expect(cancel.stdout).toContain('ABORTED');
        expect((await must(server, 'GET', `/api/v1/runs/${trigger.json.id}`)).progress).toBe('ABORTED');
        const again = await cli(['runs', 'cancel', trigger.json.id], { env });
        expect(again.code).toBe(1);
        expect(again.stderr).toMatch(/synctrail: .+/);
      });
    });
  });
}
