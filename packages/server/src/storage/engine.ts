import type { Compilable, Expression, Kysely, RawBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import type { Database } from './database.js';

export type EngineKind = 'sqlite' | 'postgres';

/** Column types each engine uses for the portable kinds of value in migrations. */
export interface ColumnTypes {
  id: 'uuid' | 'text';
  time: 'timestamptz' | 'integer';
  json: 'jsonb' | 'text';
  bool: 'boolean' | 'integer';
  bytes: 'bytea' | 'blob';
  /** An auto-incrementing 64-bit key. */
  serial: 'bigserial' | 'integer';
}

/**
 * What text search looks in: an action's message, object names and ids (`actions`); a call's URL and
 * login (`calls`); a call's login alone (`calls.login`).
 */
export type SearchField = 'actions' | 'calls' | 'calls.login';

/**
 * How many matches of a text in scope make a scan the better plan for `q=` on actions
 * (`Engine.indexedActionMatch`): past this many, reading the scope's actions in the page's order
 * finds a page soon, while the index hands over every match to be sorted.
 */
export const ACTION_MATCHES_FOR_SCAN = 2000;

/** A run's actions `firstSeq..lastSeq`. */
export interface ActionRange {
  runId: string;
  firstSeq: number;
  lastSeq: number;
}

/** A piece of the CSV an engine wrote (`Engine.copyCsv`); a record may run on into the next piece. */
export interface CsvChunk {
  data: Buffer;
  /** How many records end in `data` (with CRLF). */
  records: number;
}

/** What `Engine.preparePartitions` did. */
export interface PartitionReport {
  /** The partitions created (`actions_p202701`…). */
  created: string[];
  /** Rows moved out of the default partitions into the partitions created for their month. */
  moved: number;
}

/** A month partition of actions or calls (PostgreSQL): rows with `from <= at < to`. */
export interface TimePartition {
  table: 'actions' | 'calls';
  name: string;
  from: Date;
  to: Date;
}

/** The rows one organization has in a time partition. */
export interface PartitionShare {
  organizationId: string;
  rows: number;
  /** For actions, their runs: the progress values among them, the latest request and finish times. */
  runs?: { progress: string[]; lastRequestedAt: Date | null; lastFinishedAt: Date | null };
}

/** Tables that take bulk loads through `bulkInsert`. */
export type BulkTable = 'actions' | 'calls' | 'action_text_pending';

/**
 * The one seam between Synctrail and a storage engine. Everything above it is engine-agnostic:
 * repositories use `db` (which is the current transaction inside `transaction()`), the portable
 * `likeOperator`, and `bulkInsert` for big batches.
 */
export interface Engine {
  readonly kind: EngineKind;
  readonly types: ColumnTypes;
  /** `ilike` on PostgreSQL, `like` on SQLite (already case-insensitive for ASCII). */
  readonly likeOperator: 'like' | 'ilike';
  /** The current transaction when called inside `transaction()`, the pool otherwise. */
  readonly db: Kysely<Database>;
  /** Runs `fn` in a transaction; nested calls join the outer one. */
  transaction<T>(fn: (tx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` once the current (outermost) transaction has committed, or at once outside one; never
   * when it rolls back. For side effects that must not count what was undone (metrics).
   */
  afterCommit(fn: () => void): void;
  /**
   * Loads rows fast into `table` inside the current transaction (COPY / prepared inserts). The rows
   * are the engine's to consume: it may convert their values in place. On SQLite it may resolve
   * before the rows are in (they are posted to the writer thread); a failure then fails the
   * transaction's next statement or its commit, so the transaction still rolls back whole.
   */
  bulkInsert(table: BulkTable, columns: readonly string[], rows: readonly unknown[][]): Promise<void>;
  /**
   * Locks the selected rows until the transaction ends: `FOR UPDATE` (`skip`: `SKIP LOCKED`, so
   * concurrent callers take different rows). A no-op on SQLite, whose writers are serialized.
   */
  lockRows<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, mode: 'wait' | 'skip'): QB;
  /**
   * Reads the rows of a query in batches of `batchSize` without holding them all: a server-side
   * cursor on PostgreSQL, statement iteration on a read connection of its own on SQLite (so that
   * writers are not blocked while a slow client reads). Rows come back as the engine returns them
   * (see `row-values.ts`). Ending the iteration early (`return()`) closes the cursor and frees its
   * connection. Never inside `transaction()`.
   */
  stream<R>(query: Compilable<R>, batchSize: number): AsyncGenerator<R[]>;
  /**
   * The rows of a query as CSV written by the engine itself (PostgreSQL's `COPY … TO STDOUT`; on
   * SQLite records built in SQL on a worker thread), in chunks as they come: no header, CRLF after
   * each record. The query selects what `cellSelections()` gives for the engine.
   * Ending the iteration early stops the query and drops its connection. Never inside `transaction()`.
   */
  copyCsv?(query: Compilable<unknown>): AsyncGenerator<CsvChunk>;
  /**
   * The start of the UTC hour or day a time column falls in (for histograms): a time as the engine
   * returns times (see `row-values.ts`).
   */
  timeBucket(column: string, unit: 'hour' | 'day'): RawBuilder<Date | number>;
  /**
   * The condition that a row's `field` contains `text`, case-insensitively, answered from the engine's
   * text index (pg_trgm on PostgreSQL, FTS5 trigram on SQLite) when `text` has 3 characters or more;
   * shorter text is compared row by row among the rows the other filters leave.
   */
  matchText(field: SearchField, text: string): Expression<SqlBool>;
  /**
   * The condition that an action the actions' text index covers contains `text` (the index is filled
   * off the ingest path, see `actions/action-text-index.ts`; what it does not cover yet is pending in
   * `action_text_pending`), or undefined when scanning with `matchText('actions', …)` is the better
   * plan: fewer than 3 characters, or (SQLite, which cannot weigh it itself) so many matches in scope
   * (`runId`: one run's actions) that rows read in the page's order find a page soon.
   */
  indexedActionMatch(text: string, runId?: string): Promise<Expression<SqlBool> | undefined>;
  /**
   * Indexes the text of the actions in these seq ranges (each of one run), in the current
   * transaction, in one statement; answers how many actions were indexed.
   */
  indexActionTexts(ranges: readonly ActionRange[]): Promise<number>;
  /**
   * Makes sure the text indexes exist (on PostgreSQL: pg_trgm and its indexes, built if missing);
   * answers a sentence for the operator when they cannot be, searches then scan.
   */
  prepareSearch(): Promise<string | undefined>;
  /**
   * The engine's plan for a query, one line per plan node (`EXPLAIN` on PostgreSQL, `EXPLAIN QUERY
   * PLAN` on SQLite), for plan tests and `npm run bench:query`. `analyze` (PostgreSQL only) runs the
   * query and adds the actual rows and times.
   */
  explain(
    query: Compilable<unknown>,
    options?: { analyze?: boolean; inPageOrder?: boolean },
  ): Promise<string[]>;
  /**
   * Runs `fn`'s reads with the planner steered away from sorting (PostgreSQL: `enable_sort = off` for
   * one transaction; SQLite, which reads an index in the ORDER BY's order when there is one, needs
   * nothing): for a page whose filter the planner underestimates, known to match often (a common
   * text searched by scanning), so that the rows are read in the page's order and reading stops at
   * the page's end, instead of every match being sorted. `explain`'s `inPageOrder` shows that plan.
   */
  inPageOrder<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Creates the time partitions of `actions` and `calls` that are due at `now` (PostgreSQL, see
   * `postgres.partitions.ts`: the current month and three ahead, and a partition for any month with
   * rows in the default partition, which moves there), exactly once across processes. A no-op on
   * SQLite, which has no partitions.
   */
  preparePartitions(now?: Date): Promise<PartitionReport>;
  /** PostgreSQL: the month partitions of actions and calls, oldest first (SQLite has none). */
  timePartitions?(): Promise<TimePartition[]>;
  /**
   * PostgreSQL: drops a month partition whole (detach, drop) when `decide` agrees, given the rows each
   * organization has in it, counted while new rows are kept out; answers those counts when it was
   * dropped, undefined when it was kept (or its lock could not be had soon: a later pass tries again).
   */
  dropTimePartition?(
    partition: TimePartition,
    decide: (shares: PartitionShare[]) => boolean,
  ): Promise<PartitionShare[] | undefined>;
  /** The JSON object in `column` with its `field` set to JSON null (payload retention). */
  jsonWithNull(column: string, field: string): RawBuilder<string>;
  /** Whether the engine answers a trivial query (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Runs what `afterCommit` queued. The transaction has committed, so a callback that throws cannot
 * undo it nor fail the request: the error is reported as a process warning, and the rest still run.
 */
export function runAfterCommit(callbacks: readonly (() => void)[]): void {
  for (const callback of callbacks) {
    try {
      callback();
    } catch (error) {
      process.emitWarning(error instanceof Error ? error : String(error), 'AfterCommitWarning');
    }
  }
}
