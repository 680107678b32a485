import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES, type TestDatabase } from './harness.js';
import { openEngine } from '../src/storage/open-engine.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const run = promisify(execFile);
/** Each case starts one to three node processes with tsx: seconds each on a busy machine. */
const SLOW = { timeout: 90_000 };

/** Runs the server's `synctrail` command from the sources; its output and exit code, never a throw. */
async function synctrail(args: string[], env: Record<string, string | undefined>) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', MAIN, ...args],
      { env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: undefined, PORT: undefined, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('server commands: bad input is refused in one line, naming what is wrong', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'synctrail-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a port that is not an integer, from --port (usage: exit 2) and from PORT', SLOW, async () => {
    const flag = await synctrail(['serve', '--port', '3.5'], { SYNCTRAIL_DATA_DIR: dir });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("option '-p, --port <port>' argument '3.5' is invalid");
    expect(flag.stderr).toContain('Expected an integer from 0 to 65535');

    const env = await synctrail(['serve'], { SYNCTRAIL_DATA_DIR: dir, PORT: '3.5' });
    expect(env.code).toBe(1);
    expect(env.stderr).toContain('PORT="3.5": expected an integer from 0 to 65535');
    expect(env.stdout).not.toContain('running at');
  });

  it(
    'names every bad variable with its value (secrets not shown) and the values it takes',
    SLOW,
    async () => {
      const { code, stderr } = await synctrail(['migrate'], {
        SYNCTRAIL_DATA_DIR: dir,
        LOG_LEVEL: 'loud',
        SYNCTRAIL_TRUST_PROXY: 'maybe',
        SYNCTRAIL_SESSION_TTL_HOURS: '0',
        SYNCTRAIL_BOOTSTRAP_TOKEN: 'short-secret',
        DATABASE_URL: 'mysql://root:hunter2@db/synctrail',
      });
      expect(code).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines[0]).toBe('invalid configuration:');
      expect(lines.slice(1).sort()).toEqual([
        '  DATABASE_URL (value not shown): expected a postgres:// or postgresql:// URL',
        '  LOG_LEVEL="loud": expected one of: fatal, error, warn, info, debug, trace, silent',
        '  SYNCTRAIL_BOOTSTRAP_TOKEN (value not shown): expected at least 16 characters',
        '  SYNCTRAIL_SESSION_TTL_HOURS="0": expected a number greater than 0, at most 720',
        '  SYNCTRAIL_TRUST_PROXY="maybe": expected true or false',
      ]);
      expect(stderr).not.toContain('hunter2');
      expect(stderr).not.toContain('short-secret');
      // Nothing was opened or created for a configuration that was refused.
      expect(readdirSync(dir)).toEqual([]);
    },
  );

  it('refuses an operator account whose email is not an address, and creates nothing', SLOW, async () => {
    const { code, stderr } = await synctrail(
      ['admin', 'create', '--email', 'ada', '--password', 'correct horse battery'],
      { SYNCTRAIL_DATA_DIR: dir },
    );
    expect(code).toBe(2);
    expect(stderr).toContain('"ada" is not an email address');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('answers an unknown command with exit 2 and help with exit 0', SLOW, async () => {
    const unknown = await synctrail(['bogus'], { SYNCTRAIL_DATA_DIR: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'bogus'");
    const help = await synctrail(['--help'], { SYNCTRAIL_DATA_DIR: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('serve');
  });

  it('says in one line that there is no database to verify, and creates none', SLOW, async () => {
    const missing = join(dir, 'nowhere');
    const { code, stdout, stderr } = await synctrail(['audit', 'verify'], { SYNCTRAIL_DATA_DIR: missing });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      `No Synctrail database at ${join(missing, 'synctrail.db')}: nothing to verify (set SYNCTRAIL_DATA_DIR or DATABASE_URL to the server's).`,
    ]);
    expect(existsSync(missing)).toBe(false);
  });
});

for (const kind of ENGINES) {
  describe(`synctrail audit verify on a database without an audit log [${kind}]`, () => {
    let db: TestDatabase;
    let env: Record<string, string | undefined>;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      env = db.config.databaseUrl
        ? { DATABASE_URL: db.config.databaseUrl }
        : { SYNCTRAIL_DATA_DIR: db.config.dataDir };
      if (kind === 'sqlite') {
        // An empty file where the database would be (what a failed first start can leave behind).
        const engine = openEngine(db.config);
        await engine.close();
      }
    });
    afterAll(() => db?.drop());

    const tables = async () => {
      const engine = openEngine(db.config);
      try {
        return (await engine.db.introspection.getTables()).map((t) => t.name);
      } finally {
        await engine.close();
      }
    };

    it('says it is empty or not migrated in one line, exits 1, and creates no table', SLOW, async () => {
      const { code, stdout, stderr } = await synctrail(['audit', 'verify'], env);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      const where =
        kind === 'sqlite'
          ? join(db.config.dataDir, 'synctrail.db')
          : 'the PostgreSQL database of DATABASE_URL';
      expect(stderr.trim().split('\n')).toEqual([
        `${where} holds no audit log yet (it is empty or not migrated: \`synctrail migrate\` creates it): nothing to verify.`,
      ]);
      expect(await tables()).toEqual([]);
    });

    it('verifies the chain once migrated', SLOW, async () => {
      expect((await synctrail(['migrate'], env)).code).toBe(0);
      const { code, stdout } = await synctrail(['audit', 'verify'], env);
      expect(code, stdout).toBe(0);
      expect(stdout).toMatch(/^audit chain intact: 0 events/);
    });
  });
}
