/**
 * Loading the demo data set takes 15-30 s a suite on this machine. The suites of one test run share
 * one loaded copy per engine (the template), made by the first suite that needs it, and each suite
 * still gets a database of its own: a copy of the SQLite file, or `CREATE DATABASE … TEMPLATE` on
 * PostgreSQL. Templates are keyed by the test run (vitest's process id) and the server's sources, so
 * a code change or a new run loads the demo afresh; those of finished runs are removed.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { EngineKind } from '../../../server/src/storage/engine.js';
import { DB_PREFIX, PG_ADMIN_URL } from '../../../server/test/harness.js';
import { startServerProcess } from '../../../server/test/server-process.js';

const SOURCES = [
  fileURLToPath(new URL('../../../server/src/', import.meta.url)),
  fileURLToPath(new URL('../../../types/src/', import.meta.url)),
];
const ROOT = join(tmpdir(), 'synctrail-e2e-templates');

/** A database of a suite's own: how the server finds it, and how to remove it. */
export interface SuiteDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

function sourceHash(extra: string): string {
  const hash = createHash('sha256').update(extra);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(path).update(readFileSync(path));
    }
  };
  for (const dir of SOURCES) walk(dir);
  return hash.digest('hex').slice(0, 10);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function pgUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Removes the templates of test runs that have ended (their vitest process is gone). */
async function removeStale(kind: EngineKind): Promise<void> {
  const stale = (name: string) => {
    const pid = Number(/(?:^|_|-)(\d+)[_-][0-9a-f]{10}/.exec(name)?.[1]);
    return Number.isInteger(pid) && pid > 0 && !alive(pid);
  };
  for (const entry of readdirSync(ROOT)) {
    if (entry.startsWith(`${kind}-`) && stale(entry))
      rmSync(join(ROOT, entry), { recursive: true, force: true });
  }
  if (kind !== 'postgres') return;
  await withAdmin(async (client) => {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database');
    for (const { datname } of rows) {
      if (datname.startsWith(`${DB_PREFIX}tpl_`) && stale(datname)) {
        await client.query(`drop database if exists ${datname} with (force)`);
      }
    }
  });
}

/** Loads the demo into a new template: a directory holding the SQLite file, or a PostgreSQL database. */
async function buildTemplate(kind: EngineKind, key: string, env: Record<string, string>): Promise<string> {
  let storage: Record<string, string>;
  let name: string;
  if (kind === 'sqlite') {
    name = join(ROOT, `sqlite-${key}`);
    rmSync(name, { recursive: true, force: true });
    mkdirSync(name);
    storage = { SYNCTRAIL_DATA_DIR: name };
  } else {
    name = `${DB_PREFIX}tpl_${key.replace('-', '_')}`;
    await withAdmin(async (client) => {
      await client.query(`drop database if exists ${name} with (force)`);
      await client.query(`create database ${name}`);
    });
    // The server keeps the demo accounts' file in its data directory, whatever the engine.
    storage = {
      DATABASE_URL: pgUrl(name),
      SYNCTRAIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'synctrail-e2e-')),
    };
  }
  try {
    const server = await startServerProcess(
      { ...env, ...storage, SYNCTRAIL_BACKGROUND_JOBS: 'off' },
      { serveArgs: ['--demo-if-empty'], startTimeoutMs: 240_000 },
    );
    // SIGTERM: the server closes its engine (SQLite checkpoints its WAL; PostgreSQL connections end).
    await server.stop();
  } finally {
    if (kind === 'postgres') rmSync(storage.SYNCTRAIL_DATA_DIR!, { recursive: true, force: true });
  }
  return name;
}

/**
 * The template of this test run for the engine, built by whichever suite asks first; the others
 * wait for it (a lock directory; a lock left by a dead process is taken over).
 */
async function template(kind: EngineKind, env: Record<string, string>): Promise<string> {
  mkdirSync(ROOT, { recursive: true });
  const key = `${process.ppid}-${sourceHash(JSON.stringify(env))}`;
  const ready = join(ROOT, `${kind}-${key}.json`);
  const lock = join(ROOT, `${kind}-${key}.lock`);
  for (const deadline = Date.now() + 300_000; Date.now() < deadline;) {
    if (existsSync(ready)) return (JSON.parse(readFileSync(ready, 'utf8')) as { name: string }).name;
    try {
      mkdirSync(lock);
    } catch {
      const holder = Number(existsSync(join(lock, 'pid')) ? readFileSync(join(lock, 'pid'), 'utf8') : NaN);
      if (Number.isInteger(holder) && !alive(holder)) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      await removeStale(kind);
      const name = await buildTemplate(kind, key, env);
      writeFileSync(ready, JSON.stringify({ name }));
      return name;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  throw new Error(`timed out waiting for the ${kind} demo template (${lock})`);
}

/** A new database of the suite's own holding the demo data set (loaded with `env`, e.g. its password). */
export async function demoDatabase(kind: EngineKind, env: Record<string, string>): Promise<SuiteDatabase> {
  const source = await template(kind, env);
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'synctrail-test-'));
    for (const file of readdirSync(source)) copyFileSync(join(source, file), join(dir, file));
    return {
      env: { SYNCTRAIL_DATA_DIR: dir },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `${DB_PREFIX}${randomBytes(6).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'synctrail-test-'));
  await withAdmin(async (client) => {
    // Copying a template needs it to itself for a moment: another suite copying it at once is refused.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`create database ${name} template ${source}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 40) throw error;
        await sleep(100 + Math.random() * 200);
      }
    }
  });
  return {
    env: { DATABASE_URL: pgUrl(name), SYNCTRAIL_DATA_DIR: dataDir },
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await withAdmin((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}
