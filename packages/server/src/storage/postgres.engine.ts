import { AsyncLocalStorage } from 'node:async_hooks';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { inlineParameters } from './inline-parameters.js';
import {
  Kysely,
  PostgresDialect,
  sql,
  type Compilable,
  type Expression,
  type PostgresPool,
  type SqlBool,
  type RawBuilder,
  type SelectQueryBuilder,
  CompiledQuery,
} from 'kysely';
import type { Database } from './database.js';
import { RecordEnds } from './csv-record-ends.js';
import {
  runAfterCommit,
  type BulkTable,
  type ColumnTypes,
  type CsvChunk,
  type Engine,
  type PartitionReport,
  type PartitionShare,
  type TimePartition,
  type SearchField,
  type ActionRange,
} from './engine.js';
import { dropTimePartition, listTimePartitions, preparePartitions } from './postgres.partitions.js';
import {
  createTrigramIndexes,
  indexActionTexts,
  indexedActionMatch,
  trigramMatch,
} from './postgres.search.js';

// COUNT(*) and bigserial come back as int8; our counts fit comfortably in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

interface TxContext {
  db: Kysely<Database>;
  client: pg.PoolClient;
  /** What `afterCommit` queued. */
  committed: (() => void)[];
}

/** A pool of one: lets a Kysely instance run on the client that holds our transaction. */
function singleClientPool(client: pg.PoolClient): PostgresPool {
  return {
    connect: async () => ({ query: client.query.bind(client) as never, release: () => undefined }),
    end: async () => undefined,
  };
}

/** One value in COPY's text format. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return text.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}

/** Bytes of COPY output handed on at once. */
const COPY_CHUNK = 64 * 1024;

export interface PostgresEngineOptions {
  connectionString: string;
  poolSize?: number;
}

export class PostgresEngine implements Engine {
  readonly kind = 'postgres' as const;
  readonly likeOperator = 'ilike' as const;
  readonly types: ColumnTypes = {
    id: 'uuid',
    time: 'timestamptz',
    json: 'jsonb',
    bool: 'boolean',
    bytes: 'bytea',
    serial: 'bigserial',
  };
  readonly pool: pg.Pool;
  readonly #base: Kysely<Database>;
  readonly #tx = new AsyncLocalStorage<TxContext>();

  constructor(options: PostgresEngineOptions) {
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
    // An idle client losing its connection must not take the process down; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.#base = new Kysely<Database>({ dialect: new PostgresDialect({ pool: this.pool }) });
  }

  get db(): Kysely<Database> {
    return this.#tx.getStore()?.db ?? this.#base;
  }

  async transaction<T>(fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
    const current = this.#tx.getStore();
    if (current) return fn(current.db);
    const client = await this.pool.connect();
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: singleClientPool(client) }) });
    let broken: unknown;
    const committed: (() => void)[] = [];
    try {
      await client.query('begin');
      const result = await this.#tx.run({ db, client, committed }, () => fn(db));
      await client.query('commit');
      runAfterCommit(committed);
      return result;
    } catch (error) {
      try {
        await client.query('rollback');
      } catch (rollbackError) {
        broken = rollbackError;
      }
      throw error;
    } finally {
      // A client whose rollback failed is in an unknown state: destroy it rather than reuse it.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  afterCommit(fn: () => void): void {
    const current = this.#tx.getStore();
    if (current) current.committed.push(fn);
    else fn();
  }

  async bulkInsert(table: BulkTable, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
    const context = this.#tx.getStore();
    if (!context) throw new Error('bulkInsert must run inside a transaction');
    if (rows.length === 0) return;
    const copy = context.client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
    const lines = rows.map((row) => row.map(copyValue).join('\t') + '\n');
    await pipeline(Readable.from([lines.join('')]), copy);
  }

  lockRows<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, mode: 'wait' | 'skip'): QB {
    const locked = qb.forUpdate();
    return (mode === 'skip' ? locked.skipLocked() : locked) as QB;
  }

  async *stream<R>(query: Compilable<R>, batchSize: number): AsyncGenerator<R[]> {
    const { sql, parameters } = query.compile();
    const client = await this.pool.connect();
    const cursor = client.query(new Cursor<R>(sql, [...parameters]));
    let failed: Error | undefined;
    try {
      for (;;) {
        const rows = await cursor.read(batchSize);
        if (rows.length === 0) return;
        yield rows;
      }
    } catch (error) {
      failed = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      // Closing an open cursor ends its portal; a failed one leaves the client in doubt: drop it.
      await cursor.close().catch((error: unknown) => (failed ??= error as Error));
      client.release(failed);
    }
  }

  async *copyCsv(query: Compilable<unknown>): AsyncGenerator<CsvChunk> {
    const compiled = query.compile();
    // COPY takes no bind parameters: the values are written into the statement as literals.
    const select = inlineParameters(compiled.sql, compiled.parameters);
    const client = await this.pool.connect();
    const copy = client.query(copyTo(`copy (${select}) to stdout with (format csv)`));
    let done = false;
    // PostgreSQL ends records with LF: re-ended with CRLF and counted on the way.
    const ends = new RecordEnds();
    let counted = 0;
    const handOn = (held: Buffer[], size: number): CsvChunk => {
      const data = ends.convert(Buffer.concat(held, size));
      const records = ends.rows - counted;
      counted = ends.rows;
      return { data, records };
    };
    try {
      // PostgreSQL sends a message per record: handed on in chunks of about 64 kB instead.
      let held: Buffer[] = [];
      let size = 0;
      for await (const chunk of copy) {
        held.push(chunk as Buffer);
        size += (chunk as Buffer).length;
        if (size >= COPY_CHUNK) {
          yield handOn(held, size);
          held = [];
          size = 0;
        }
      }
      if (size > 0) yield handOn(held, size);
      done = true;
    } finally {
      // Stopped early (the client went away) or failed: the connection is mid-COPY; drop it, which
      // ends the query on the server too.
      if (!done) copy.destroy();
      client.release(done ? undefined : true);
    }
  }

  timeBucket(column: string, unit: 'hour' | 'day'): RawBuilder<Date> {
    // Truncated in UTC whatever the session's time zone.
    return sql<Date>`(date_trunc(${sql.lit(unit)}, ${sql.ref(column)} at time zone 'UTC') at time zone 'UTC')`;
  }

  matchText(field: SearchField, text: string): Expression<SqlBool> {
    return trigramMatch(field, text);
  }

  indexedActionMatch(text: string, runId?: string): Promise<Expression<SqlBool> | undefined> {
    return indexedActionMatch(this.db, text, runId);
  }

  indexActionTexts(ranges: readonly ActionRange[]): Promise<number> {
    return indexActionTexts(this.db, ranges);
  }

  prepareSearch(): Promise<string | undefined> {
    return createTrigramIndexes(this.#base, false);
  }

  async explain(
    query: Compilable<unknown>,
    options: { analyze?: boolean; inPageOrder?: boolean } = {},
  ): Promise<string[]> {
    const compiled = query.compile();
    const prefix = options.analyze ? 'explain (analyze, buffers)' : 'explain';
    const run = () =>
      this.db.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`${prefix} ${compiled.sql}`, [...compiled.parameters]),
      );
    const result = options.inPageOrder ? await this.inPageOrder(run) : await run();
    return result.rows.map((row) => row['QUERY PLAN']);
  }

  inPageOrder<T>(fn: () => Promise<T>): Promise<T> {
    return this.transaction(async (tx) => {
      await sql`set local enable_sort = off`.execute(tx);
      return fn();
    });
  }

  preparePartitions(now = new Date()): Promise<PartitionReport> {
    return preparePartitions((fn) => this.transaction(fn), now);
  }

  timePartitions(): Promise<TimePartition[]> {
    return listTimePartitions(this.#base);
  }

  dropTimePartition(
    partition: TimePartition,
    decide: (shares: PartitionShare[]) => boolean,
  ): Promise<PartitionShare[] | undefined> {
    return dropTimePartition(this.#base, (fn) => this.transaction(fn), partition, decide);
  }

  jsonWithNull(column: string, field: string): RawBuilder<string> {
    return sql<string>`jsonb_set(${sql.ref(column)}, ${sql.lit(`{${field}}`)}, 'null'::jsonb)`;
  }

  async ping(): Promise<boolean> {
    const result = await this.pool.query('select 1 as ok');
    return result.rowCount === 1;
  }

  async close(): Promise<void> {
    await this.#base.destroy();
  }
}
