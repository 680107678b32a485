import type BetterSqlite3 from 'better-sqlite3';
import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import { withBuffers, type WriterThread } from './sqlite-writer-thread.js';

export { WriterThread } from './sqlite-writer-thread.js';

/** A first-come first-served lock: one transaction (or write outside one) at a time on the worker. */
class WriteLock {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  unlock(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }
}

/**
 * Statements SQLite calls read-only that must still run on the write connection: transaction
 * control (it would act on the wrong connection) and pragmas (they set or do things per connection).
 */
const CONNECTION_STATEMENT =
  /^\s*(?:begin|commit|end|rollback|savepoint|release|pragma|vacuum|attach|detach)\b/i;

export interface WriterDriverOptions {
  /** The request thread's connection, opened read-only: reads outside transactions. */
  reader: BetterSqlite3.Database;
  writer: WriterThread;
  /** better-sqlite3 binds only numbers, strings, bigints, buffers and null. */
  bind: (params: readonly unknown[]) => unknown[];
}

class WriterConnection implements DatabaseConnection {
  /** Inside `beginTransaction()` … `releaseConnection()`. */
  inTransaction = false;
  /** Whether the worker has opened the transaction yet (BEGIN goes with the first statement). */
  begun = false;

  constructor(readonly driver: WriterDriver) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(this, compiledQuery) as Promise<QueryResult<R>>;
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is Engine.stream() on SQLite');
  }
}

/**
 * A Kysely driver over the writer thread: a transaction's statements all run on the worker (posted
 * with their parameters, answered with the rows), one transaction at a time; outside transactions a
 * read runs on the request thread's own read-only connection (WAL: it sees the last commit) and any
 * statement that writes goes to the worker, as a transaction of its own, when no other is open.
 */
export class WriterDriver implements Driver {
  readonly #options: WriterDriverOptions;
  readonly #lock = new WriteLock();
  /** Statements prepared on the read connection by SQL text; null: it writes (the worker's). */
  readonly #reads = new Map<string, BetterSqlite3.Statement | null>();
  /** The transaction holding the lock (bulk loads run in it). */
  #current: WriterConnection | undefined;

  constructor(options: WriterDriverOptions) {
    this.#options = options;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new WriterConnection(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#lock.lock();
    const c = connection as WriterConnection;
    c.inTransaction = true;
    c.begun = false;
    this.#current = c;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as WriterConnection;
    if (c.begun) await this.#options.writer.commit();
    c.begun = false;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as WriterConnection;
    if (c.begun) {
      c.begun = false;
      await this.#options.writer.rollback();
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as WriterConnection;
    if (!c.inTransaction) return;
    c.inTransaction = false;
    if (this.#current === c) this.#current = undefined;
    this.#lock.unlock();
  }

  async destroy(): Promise<void> {
    try {
      await this.#options.writer.close();
    } finally {
      this.#options.reader.close();
    }
  }

  /**
   * A batch's rows into `sql` (a prepared INSERT) in the open transaction, in one message. It does
   * not wait for the worker: the transaction's next statement is posted at once and the worker runs
   * it right after (a wake-up of this thread less while the write lock is held). A failed insert
   * fails that next statement, or the COMMIT, with its error (see the worker's header).
   */
  bulk(sql: string, rows: readonly unknown[][]): void {
    const c = this.#current;
    if (!c) throw new Error('bulkInsert must run inside a transaction');
    const begin = !c.begun;
    c.begun = true;
    this.#options.writer.bulk(sql, rows, begin).catch(() => undefined);
  }

  async execute(connection: WriterConnection, query: CompiledQuery): Promise<QueryResult<unknown>> {
    const params = this.#options.bind(query.parameters);
    if (connection.inTransaction) {
      const begin = !connection.begun;
      connection.begun = true;
      return answer(await this.#options.writer.queryNow(query.sql, params, begin));
    }
    const statement = this.#read(query.sql);
    if (statement) {
      if (statement.reader) return { rows: statement.all(...params) as unknown[] };
      return answer(statement.run(...params));
    }
    await this.#lock.lock();
    try {
      return answer(await this.#options.writer.query(query.sql, params, false));
    } finally {
      this.#lock.unlock();
    }
  }

  /** The statement on the read connection, or undefined when it has to run on the writer. */
  #read(sql: string): BetterSqlite3.Statement | undefined {
    let statement = this.#reads.get(sql);
    if (statement === undefined) {
      statement = CONNECTION_STATEMENT.test(sql) ? null : this.#options.reader.prepare(sql);
      if (statement && !statement.readonly) statement = null;
      if (this.#reads.size >= 500) this.#reads.clear();
      this.#reads.set(sql, statement);
    }
    return statement ?? undefined;
  }
}

function answer(result: {
  rows?: Record<string, unknown>[];
  changes?: number | bigint;
  lastInsertRowid?: number | bigint;
}): QueryResult<unknown> {
  if (result.rows) return { rows: withBuffers(result.rows) };
  const { changes, lastInsertRowid } = result;
  return {
    numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
    insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
    rows: [],
  } as QueryResult<unknown>;
}

/** Kysely's SQLite dialect with the writer thread's driver. */
export class WriterDialect implements Dialect {
  constructor(readonly driver: WriterDriver) {}
  createDriver(): Driver {
    return this.driver;
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
