import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the benchmarks use (`BENCH_PG_URL`). */
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Bench databases are named `<BENCH_DB_PREFIX><random>` (default `synctrail_bench_`). */
const PREFIX = /^[a-z_][a-z0-9_]{0,40}$/.test(process.env.BENCH_DB_PREFIX ?? '')
  ? process.env.BENCH_DB_PREFIX!
  : 'synctrail_bench_';

/** A fresh database of its own on PG_URL, dropped (even with open connections) by `drop`. */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${PREFIX}${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
