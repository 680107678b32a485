import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  SqliteDialect,
  sql,
  type Compilable,
  type Expression,
  type RawBuilder,
  type SqlBool,
  type SelectQueryBuilder,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import type { Database } from './database.js';
import {
  runAfterCommit,
  type BulkTable,
  type ColumnTypes,
  type CsvChunk,
  type Engine,
  type PartitionReport,
  type SearchField,
  type ActionRange,
} from './engine.js';
import { readCsvOnWorker } from './sqlite-csv-reader.js';
import { WriterDialect, WriterDriver, WriterThread } from './sqlite-writer.js';
import { ftsMatch, indexActionTexts, indexedActionMatch } from './sqlite.search.js';

/** better-sqlite3 binds only numbers, strings, bigints, buffers and null: convert the rest. */
function bindable(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

function bindAll(params: readonly unknown[]): unknown[] {
  return params.map(bindable);
}

/**
 * Prepared statements kept for a `:memory:` database's one connection (a file database's are kept by
 * the writer driver and its worker): an ingest batch runs the same five, each ~70 µs to prepare.
 */
const STATEMENT_CACHE = 256;

/**
 * Wraps a better-sqlite3 handle so that Kysely's parameters are converted on the way in, and
 * statements are prepared once per SQL text (the least recently used dropped past 256). `iterate`
 * gets a statement of its own: a cached one may be stepping already, and better-sqlite3 refuses to
 * run a statement that is.
 */
function convertingDatabase(raw: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const cached = (sql: string) => {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql);
    } else {
      statement = raw.prepare(sql);
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement);
    return statement;
  };
  return {
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      const statement = cached(sql);
      return {
        reader: statement.reader,
        all: (params) => statement.all(...bindAll(params)),
        run: (params) => statement.run(...bindAll(params)),
        iterate: (params) => raw.prepare(sql).iterate(...bindAll(params)),
      };
    },
  };
}

/** Characters of CSV handed on at a time by `copyCsv()`. */
const COPY_CHUNK = 64 * 1024;
/** Chunks the CSV worker may run ahead of the client. */
const COPY_WINDOW = 4;
/** Records a chunk of an in-memory database's CSV. */
const COPY_RECORDS = 1000;

export interface SqliteEngineOptions {
  /** A file path, or `:memory:`. */
  file: string;
}

export class SqliteEngine implements Engine {
  readonly kind = 'sqlite' as const;
  readonly likeOperator = 'like' as const;
  readonly types: ColumnTypes = {
    id: 'text',
    time: 'integer',
    json: 'text',
    bool: 'integer',
    bytes: 'blob',
    serial: 'integer',
  };
  /**
   * The request thread's connection. For a file it is read-only: every write goes to the writer
   * thread (`sqlite-writer.ts`), and a write on this one fails at once instead of waiting out the
   * worker's lock. `:memory:` cannot be shared between threads, so there it is the one connection.
   */
  readonly raw: BetterSqlite3.Database;
  readonly #file: string;
  readonly #base: Kysely<Database>;
  readonly #tx = new AsyncLocalStorage<{ db: Kysely<Database>; committed: (() => void)[] }>();
  readonly #inserts = new Map<string, BetterSqlite3.Statement>();
  /** The writer thread's driver (files), undefined for `:memory:`. */
  readonly #writer: WriterDriver | undefined;
  readonly #writerThread: WriterThread | undefined;

  constructor(options: SqliteEngineOptions) {
    this.#file = options.file;
    if (options.file === ':memory:') {
      this.raw = new BetterSqlite3(options.file);
      SqliteEngine.#configure(this.raw);
      this.#base = new Kysely<Database>({
        dialect: new SqliteDialect({ database: convertingDatabase(this.raw) }),
      });
      return;
    }
    mkdirSync(dirname(options.file), { recursive: true });
    // Creates the file in WAL mode, so that a read-only connection can open it before the worker has.
    const init = new BetterSqlite3(options.file);
    try {
      init.pragma('journal_mode = WAL');
      this.raw = new BetterSqlite3(options.file, { readonly: true });
    } finally {
      init.close();
    }
    this.raw.pragma('busy_timeout = 5000');
    this.#writerThread = new WriterThread(options.file);
    this.#writer = new WriterDriver({ reader: this.raw, writer: this.#writerThread, bind: bindAll });
    this.#base = new Kysely<Database>({ dialect: new WriterDialect(this.#writer) });
  }

  static #configure(connection: BetterSqlite3.Database): void {
    connection.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before the API acknowledges it.
    connection.pragma('synchronous = FULL');
    connection.pragma('foreign_keys = ON');
    connection.pragma('busy_timeout = 5000');
  }

  /** The writer thread's id, undefined for `:memory:` (tests). */
  get writerThreadId(): number | undefined {
    return this.#writerThread?.threadId;
  }

  /** Kills the writer thread as a crash would (tests). */
  async killWriter(): Promise<void> {
    await this.#writerThread?.terminate();
  }

  get db(): Kysely<Database> {
    return this.#tx.getStore()?.db ?? this.#base;
  }

  async transaction<T>(fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
    const current = this.#tx.getStore();
    if (current) return fn(current.db);
    const committed: (() => void)[] = [];
    const result = await this.#base
      .transaction()
      .execute((tx) => this.#tx.run({ db: tx, committed }, () => fn(tx)));
    runAfterCommit(committed);
    return result;
  }

  afterCommit(fn: () => void): void {
    const current = this.#tx.getStore();
    if (current) current.committed.push(fn);
    else fn();
  }

  async bulkInsert(table: BulkTable, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
    if (!this.#tx.getStore()) throw new Error('bulkInsert must run inside a transaction');
    const sql = `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`;
    // Values are converted in place (no copy of every row: ingest is allocation-bound).
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) {
        const value = row[i];
        if (value !== null && (typeof value === 'object' || typeof value === 'boolean'))
          row[i] = bindable(value);
      }
    }
    // The whole batch in one message to the writer thread, inside the transaction open there; a
    // failure there fails the transaction's next statement or its commit.
    if (this.#writer) return this.#writer.bulk(sql, rows);
    let statement = this.#inserts.get(sql);
    if (!statement) {
      statement = this.raw.prepare(sql);
      this.#inserts.set(sql, statement);
    }
    // The Kysely transaction holds the single connection, so these run inside it.
    for (const row of rows) statement.run(row);
  }

  lockRows<QB extends SelectQueryBuilder<any, any, any>>(qb: QB): QB {
    return qb;
  }

  async *stream<R>(query: Compilable<R>, batchSize: number): AsyncGenerator<R[]> {
    const { sql, parameters } = query.compile();
    if (this.#file === ':memory:') {
      // One connection only, which an open statement would keep busy: read it whole (tests' size).
      const all = this.raw.prepare(sql).all(...bindAll(parameters)) as R[];
      for (let i = 0; i < all.length; i += batchSize) yield all.slice(i, i + batchSize);
      return;
    }
    // A connection of its own: its read transaction sees one snapshot (WAL) and leaves the main
    // connection free for writers while the client reads.
    const connection = new BetterSqlite3(this.#file, { readonly: true, fileMustExist: true });
    try {
      connection.pragma('busy_timeout = 5000');
      const rows = connection.prepare(sql).iterate(...bindAll(parameters)) as IterableIterator<R>;
      try {
        let batch: R[] = [];
        for (const row of rows) {
          batch.push(row);
          if (batch.length === batchSize) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0) yield batch;
      } finally {
        rows.return?.();
      }
    } finally {
      connection.close();
    }
  }

  /**
   * CSV records SQLite writes itself (the query selects one `record` per row, see `cellSelections`),
   * CRLF-ended, in chunks of about 64 kB. Stepping the statement and making a string of each record
   * is most of an export's time, so a worker thread does it on a read connection of its own (see
   * `sqlite-csv.worker.mjs`) while this thread hashes and sends what it handed over; it runs at most a
   * few chunks ahead of the client. Ending the iteration early stops the worker at its next chunk.
   */
  async *copyCsv(query: Compilable<unknown>): AsyncGenerator<CsvChunk> {
    const { sql, parameters } = query.compile();
    if (this.#file === ':memory:') {
      // One connection only, which another thread cannot open: read it whole here (tests' size).
      const records = this.raw
        .prepare(sql)
        .pluck()
        .all(...bindAll(parameters)) as string[];
      for (let i = 0; i < records.length; i += COPY_RECORDS) {
        const part = records.slice(i, i + COPY_RECORDS);
        yield { data: Buffer.from(part.join('\r\n') + '\r\n', 'utf8'), records: part.length };
      }
      return;
    }
    yield* readCsvOnWorker({
      file: this.#file,
      sql,
      params: bindAll(parameters),
      chunkChars: COPY_CHUNK,
      window: COPY_WINDOW,
    });
  }

  timeBucket(column: string, unit: 'hour' | 'day'): RawBuilder<number> {
    // Times are epoch milliseconds, and a UTC day is exactly 86,400,000 of them; the double modulo
    // floors times before 1970 too.
    const size = sql.lit(unit === 'hour' ? 3_600_000 : 86_400_000);
    return sql<number>`(${sql.ref(column)} - ((${sql.ref(column)} % ${size}) + ${size}) % ${size})`;
  }

  matchText(field: SearchField, text: string): Expression<SqlBool> {
    return ftsMatch(field, text);
  }

  indexedActionMatch(text: string, runId?: string): Promise<Expression<SqlBool> | undefined> {
    return indexedActionMatch(this.db, text, runId);
  }

  indexActionTexts(ranges: readonly ActionRange[]): Promise<number> {
    return indexActionTexts(this.db, ranges);
  }

  /** The FTS5 tables are created by migration 0013 and kept by triggers: nothing to do at start. */
  async prepareSearch(): Promise<string | undefined> {
    return undefined;
  }

  async explain(query: Compilable<unknown>): Promise<string[]> {
    const { sql, parameters } = query.compile();
    const rows = this.raw.prepare(`explain query plan ${sql}`).all(...bindAll(parameters)) as {
      id: number;
      parent: number;
      detail: string;
    }[];
    // Indented by depth, as the sqlite3 shell prints it.
    const depth = new Map<number, number>([[0, 0]]);
    return rows.map((row) => {
      const d = (depth.get(row.parent) ?? 0) + 1;
      depth.set(row.id, d);
      return `${'  '.repeat(d - 1)}${row.detail}`;
    });
  }

  inPageOrder<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  /** SQLite has no partitions: nothing to prepare. */
  async preparePartitions(): Promise<PartitionReport> {
    return { created: [], moved: 0 };
  }

  jsonWithNull(column: string, field: string): RawBuilder<string> {
    return sql<string>`json_set(${sql.ref(column)}, ${sql.lit(`$.${field}`)}, json('null'))`;
  }

  /** False once the writer thread has died: reads would still answer, writes would not. */
  async ping(): Promise<boolean> {
    if (this.#writerThread?.stopped) return false;
    return this.raw.prepare('select 1 as ok').get() !== undefined;
  }

  async close(): Promise<void> {
    await this.#base.destroy();
  }
}
