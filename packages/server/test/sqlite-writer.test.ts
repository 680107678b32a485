import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, type Generated, type Kysely } from 'kysely';
import type { BulkTable } from '../src/storage/engine.js';
import { SqliteEngine } from '../src/storage/sqlite.engine.js';
import { ENGINES } from './harness.js';

/*
 * The SQLite engine's writer thread (sqlite-writer.ts, sqlite-writer.worker.mjs): a file database's
 * writes run on a worker that owns the write connection; the request thread reads on a read-only one.
 */

interface Scratch {
  items: { id: Generated<number>; name: string; data: Buffer | null };
  counter: { id: number; value: number };
}

/** The scratch tables, as any caller would create them: through the engine. */
async function createTables(engine: SqliteEngine) {
  const db = engine.db as unknown as Kysely<Scratch>;
  await sql`create table items (id integer primary key, name text not null unique, data blob)`.execute(db);
  await sql`create table counter (id integer primary key, value integer not null)`.execute(db);
  await db.insertInto('counter').values({ id: 1, value: 0 }).execute();
}

function scratch(engine: SqliteEngine): Kysely<Scratch> {
  return engine.db as unknown as Kysely<Scratch>;
}

async function names(engine: SqliteEngine): Promise<string[]> {
  const rows = await scratch(engine).selectFrom('items').select('name').orderBy('id').execute();
  return rows.map((r) => r.name);
}

/** Settles within `ms`, or fails the test instead of hanging it. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms),
    ),
  ]);
}

describe.runIf(ENGINES.includes('sqlite'))('SQLite writer thread', () => {
  let dir: string;
  let engine: SqliteEngine;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'synctrail-writer-'));
    engine = new SqliteEngine({ file: join(dir, 'synctrail.db') });
    await createTables(engine);
  });

  afterEach(async () => {
    await engine.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the request thread connection read-only, so writes can only happen on the worker', async () => {
    expect(await engine.ping()).toBe(true);
    expect(engine.raw.readonly).toBe(true);
    expect(engine.writerThreadId).toBeGreaterThan(0);
    expect(() => engine.raw.prepare('insert into items (name) values (?)').run('direct')).toThrow(/readonly/);
    // The same statement through the engine runs on the writer.
    await scratch(engine).insertInto('items').values({ name: 'through the engine' }).execute();
    expect(await names(engine)).toEqual(['through the engine']);
  });

  it('makes a write outside a transaction visible to the next read', async () => {
    for (let i = 0; i < 20; i++) {
      const result = await scratch(engine)
        .insertInto('items')
        .values({ name: `n${i}` })
        .executeTakeFirst();
      expect(result.numInsertedOrUpdatedRows).toBe(1n);
      expect(result.insertId).toBe(BigInt(i + 1));
      expect(await names(engine)).toHaveLength(i + 1);
    }
    const updated = await scratch(engine).updateTable('counter').set({ value: 7 }).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);
    // insert … returning writes, so it runs on the worker and answers its rows from there.
    const returned = await scratch(engine)
      .insertInto('items')
      .values({ name: 'returning', data: Buffer.from('blob') })
      .returning(['id', 'data'])
      .executeTakeFirstOrThrow();
    expect(returned.id).toBe(21);
    expect(Buffer.isBuffer(returned.data)).toBe(true);
    expect(returned.data!.toString()).toBe('blob');
  });

  it('runs a transaction on the worker: it reads its own writes and commits them together', async () => {
    const seen = await engine.transaction(async (tx) => {
      const db = tx as unknown as Kysely<Scratch>;
      await db
        .insertInto('items')
        .values({ name: 'a', data: Buffer.from([1, 2, 3]) })
        .execute();
      await engine.bulkInsert(
        'items' as BulkTable,
        ['name', 'data'],
        [
          ['b', null],
          ['c', Buffer.from([4])],
        ],
      );
      // Not committed yet: the request thread's read connection does not see it…
      expect(engine.raw.prepare('select count(*) as n from items').get()).toEqual({ n: 0 });
      // …the transaction does, on the worker, with its blobs as Buffers.
      return db.selectFrom('items').selectAll().orderBy('id').execute();
    });
    expect(seen.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(Buffer.isBuffer(seen[0]!.data)).toBe(true);
    expect([...seen[0]!.data!]).toEqual([1, 2, 3]);
    expect(await names(engine)).toEqual(['a', 'b', 'c']);
  });

  it('answers a statement that outlasts the blocking wait once it is done', async () => {
    const count = await engine.transaction(async (tx) => {
      // Far longer than the few ms the request thread blocks for a statement inside a transaction.
      const { rows } = await sql<{ n: number }>`with recursive c(n) as (select 1 union all
        select n + 1 from c where n < 2000000) select count(*) as n from c`.execute(tx);
      await (tx as unknown as Kysely<Scratch>)
        .insertInto('items')
        .values({ name: 'after the long one' })
        .execute();
      return rows[0]!.n;
    });
    expect(count).toBe(2_000_000);
    expect(await names(engine)).toEqual(['after the long one']);
  });

  it('rolls back everything a failed transaction did on the worker, bulk loads included', async () => {
    const committed: string[] = [];
    await expect(
      engine.transaction(async (tx) => {
        const db = tx as unknown as Kysely<Scratch>;
        await db.insertInto('items').values({ name: 'x' }).execute();
        await engine.bulkInsert('items' as BulkTable, ['name'], [['y'], ['z']]);
        await db.updateTable('counter').set({ value: 99 }).execute();
        engine.afterCommit(() => committed.push('x'));
        throw new Error('the service gave up');
      }),
    ).rejects.toThrow('the service gave up');
    // A failing statement rolls back too, and its SQLite error keeps its code.
    const failure = await engine
      .transaction(async (tx) => {
        const db = tx as unknown as Kysely<Scratch>;
        await db.insertInto('items').values({ name: 'p' }).execute();
        await engine.bulkInsert('items' as BulkTable, ['name'], [['q'], ['p']]);
      })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    // The bulk insert is not waited for: its failure fails the transaction's next statement instead.
    const later = await engine
      .transaction(async (tx) => {
        const db = tx as unknown as Kysely<Scratch>;
        await engine.bulkInsert('items' as BulkTable, ['name'], [['r'], ['r']]);
        await db.updateTable('counter').set({ value: 5 }).execute();
        throw new Error('not reached');
      })
      .catch((error: unknown) => error);
    expect(later).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(await names(engine)).toEqual([]);
    expect(
      (await scratch(engine).selectFrom('counter').select('value').executeTakeFirstOrThrow()).value,
    ).toBe(0);
    expect(committed).toEqual([]);
    // The worker is free again.
    await engine.transaction((tx) =>
      (tx as unknown as Kysely<Scratch>).insertInto('items').values({ name: 'after' }).execute(),
    );
    expect(await names(engine)).toEqual(['after']);
  });

  it('runs concurrent transactions one after the other, never interleaved', async () => {
    const log: string[] = [];
    const increment = (i: number) =>
      engine.transaction(async (tx) => {
        const db = tx as unknown as Kysely<Scratch>;
        log.push(`begin ${i}`);
        const { value } = await db.selectFrom('counter').select('value').executeTakeFirstOrThrow();
        // Other requests run meanwhile (as a request thread parses the next body).
        await new Promise((resolve) => setTimeout(resolve, 1));
        await db
          .updateTable('counter')
          .set({ value: value + 1 })
          .execute();
        await engine.bulkInsert('items' as BulkTable, ['name'], [[`t${i}`]]);
        log.push(`end ${i}`);
      });
    // Writes and reads outside transactions go on meanwhile.
    const outside = Array.from({ length: 10 }, (_, i) =>
      scratch(engine)
        .insertInto('items')
        .values({ name: `o${i}` })
        .execute(),
    );
    await Promise.all([...Array.from({ length: 10 }, (_, i) => increment(i)), ...outside]);
    const { value } = await scratch(engine).selectFrom('counter').select('value').executeTakeFirstOrThrow();
    expect(value).toBe(10);
    for (let k = 0; k < log.length; k += 2) {
      expect(log[k]).toMatch(/^begin /);
      expect(log[k + 1]).toBe(log[k]!.replace('begin', 'end'));
    }
    expect(await names(engine)).toHaveLength(20);
  });

  it('finishes or rejects the work in flight when closed, and does not hang', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // A transaction that has written and waits on the request thread…
    const open = engine.transaction(async (tx) => {
      await (tx as unknown as Kysely<Scratch>).insertInto('items').values({ name: 'open' }).execute();
      await held;
      await (tx as unknown as Kysely<Scratch>).insertInto('items').values({ name: 'later' }).execute();
    });
    // …and writes queued behind it.
    const queued = Array.from({ length: 5 }, (_, i) =>
      scratch(engine)
        .insertInto('items')
        .values({ name: `q${i}` })
        .execute(),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const settling = Promise.allSettled([open, ...queued]);
    const closing = engine.close();
    release();
    await within(closing, 5000, 'close()');
    const settled = await within(settling, 5000, 'work in flight');
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason.message).toMatch(/closed/);
    }
    // Nothing of the open transaction was committed.
    const check = new SqliteEngine({ file: join(dir, 'synctrail.db') });
    try {
      expect(await names(check)).toEqual([]);
    } finally {
      await check.close();
    }
  });

  it('fails the pending statements with a clear error when the worker dies', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const open = engine.transaction(async (tx) => {
      await (tx as unknown as Kysely<Scratch>).insertInto('items').values({ name: 'doomed' }).execute();
      await held;
      await (tx as unknown as Kysely<Scratch>).insertInto('items').values({ name: 'never' }).execute();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const queued = scratch(engine).insertInto('items').values({ name: 'queued' }).execute();
    const settling = Promise.allSettled([open, queued]);
    await engine.killWriter();
    release();
    for (const s of await within(settling, 5000, 'work in flight')) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason.message).toMatch(/SQLite writer thread stopped/);
    }
    // Readiness says so; reads still work on the request thread; writes fail at once.
    expect(await engine.ping()).toBe(false);
    expect(await names(engine)).toEqual([]);
    await expect(scratch(engine).insertInto('items').values({ name: 'late' }).execute()).rejects.toThrow(
      /SQLite writer thread stopped/,
    );
  });

  it('keeps :memory: databases on the one thread', async () => {
    const memory = new SqliteEngine({ file: ':memory:' });
    try {
      expect(memory.writerThreadId).toBeUndefined();
      expect(memory.raw.readonly).toBe(false);
      await createTables(memory);
      await memory.transaction(() => memory.bulkInsert('items' as BulkTable, ['name'], [['m']]));
      expect(await names(memory)).toEqual(['m']);
    } finally {
      await memory.close();
    }
  });
});
