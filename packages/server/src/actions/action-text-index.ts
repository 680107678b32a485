import { sql } from 'kysely';
import type { Engine } from '../storage/engine.js';

/*
 * The text index of actions, filled off the ingest path. A trigram index kept in step with `actions`
 * (a GIN index on PostgreSQL, FTS5 triggers on SQLite) made ingest three to four times slower, so a
 * batch of actions only records the seq range it stored (`action_text_pending`, one small row in the
 * batch's transaction), and this indexer, in the background, indexes the text of those ranges, oldest
 * first, a chunk per transaction, and removes them from the pending list in the same transaction.
 *
 * Searches (`ActionRepository`) read the index for what it covers and scan the ranges still pending,
 * so a search finds an action the moment its batch is acknowledged, indexed or not. While batches keep
 * arriving the indexer takes one chunk a second at most, so that ingest keeps its pace (on SQLite the
 * chunks share the one write lock with it), and catches up once they stop. Several processes may index at once (PostgreSQL): each chunk locks the ranges it
 * takes (`SKIP LOCKED`), so each range is indexed once.
 */

/**
 * Queues every stored action for indexing, one range per run (what migration 0016 does to an existing
 * database; benchmarks that load rows straight into `actions` do it too).
 */
export async function queueAllActionTexts(engine: Engine): Promise<void> {
  await sql`insert into action_text_pending (run_id, first_seq, last_seq)
    select run_id, min(seq), max(seq) from actions group by run_id order by min(at)`.execute(engine.db);
}

/** What one chunk did. */
export interface IndexChunk {
  /** Actions indexed. */
  actions: number;
  /** Pending ranges finished (and removed). */
  ranges: number;
  /** Pending ranges worked on (finished or advanced): none means nothing was left to take. */
  touched: number;
  /** Whether batches were stored since the previous chunk (ingest is busy). */
  ingestSeen: boolean;
}

export interface ActionTextIndexerOptions {
  /** Actions indexed per transaction at most (SQLite: each holds the write lock while it runs). */
  chunkActions: number;
  /** How long to wait before looking again when nothing is pending. */
  idleMs: number;
}

/** About 40 ms of FTS5 inserts on SQLite (so the write lock is never held long), 150 ms on PostgreSQL. */
export function defaultIndexerOptions(engine: Engine): ActionTextIndexerOptions {
  return { chunkActions: engine.kind === 'sqlite' ? 500 : 2000, idleMs: 1000 };
}

/** Pending ranges taken (and locked) per chunk at most. */
const RANGES_PER_CHUNK = 32;

/**
 * While ingest is busy, the indexer waits this many times as long as its last chunk took: it then
 * takes a tenth of the time (and on SQLite of the write lock) at most, ingest the rest.
 */
const BUSY_PAUSE_FACTOR = 9;

/** And at least this long: one chunk a second while batches arrive (on SQLite about 4 % of the lock). */
const BUSY_PAUSE_MIN_MS = 1000;

export class ActionTextIndexer {
  private readonly options: ActionTextIndexerOptions;
  private lastPendingId = 0;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  /** Told of a chunk that failed (the loop tries again after `idleMs`). */
  onError: (error: unknown) => void = () => {};

  constructor(
    private readonly engine: Engine,
    options: Partial<ActionTextIndexerOptions> = {},
  ) {
    this.options = { ...defaultIndexerOptions(engine), ...options };
  }

  /** Indexes the oldest pending ranges, up to `chunkActions` actions, in one transaction. */
  async indexChunk(budget = this.options.chunkActions): Promise<IndexChunk> {
    const engine = this.engine;
    return engine.transaction(async (db) => {
      const ranges = await engine
        .lockRows(
          db
            .selectFrom('action_text_pending')
            .select(['id', 'run_id', 'first_seq', 'last_seq'])
            .orderBy('id')
            .limit(RANGES_PER_CHUNK),
          'skip',
        )
        .execute();
      const top = await db
        .selectFrom('action_text_pending')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst();
      const newest = Number(top?.id ?? 0);
      const ingestSeen = newest > this.lastPendingId && this.lastPendingId > 0;
      this.lastPendingId = Math.max(this.lastPendingId, newest);

      // Whole ranges while they fit in the budget, then the first actions of the next one.
      let left = budget;
      const whole: typeof ranges = [];
      let part: { range: (typeof ranges)[number]; upto: number } | undefined;
      const inRange = (range: (typeof ranges)[number]) =>
        db
          .selectFrom('actions')
          .where('run_id', '=', range.run_id)
          .where('seq', '>=', range.first_seq)
          .where('seq', '<=', range.last_seq);
      for (const range of ranges) {
        if (left <= 0) break;
        // A range from ingest holds every seq in it; one queued by migration 0016 spans a run's
        // whole life, which may have gaps: it is counted before it is split.
        let size = range.last_seq - range.first_seq + 1;
        if (size > left) {
          // Counted up to `left + 1`: a run of a million actions is not counted whole at each chunk.
          const counted = await db
            .selectFrom(
              inRange(range)
                .select('seq')
                .limit(left + 1)
                .as('r'),
            )
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow();
          size = Number(counted.n);
        }
        if (size <= left) {
          whole.push(range);
          left -= Math.max(size, 1);
          continue;
        }
        const last = await inRange(range)
          .select('seq')
          .orderBy('seq')
          .limit(1)
          .offset(left - 1)
          .executeTakeFirstOrThrow();
        part = { range, upto: last.seq };
        break;
      }

      const chunk: IndexChunk = { actions: 0, ranges: 0, touched: whole.length + (part ? 1 : 0), ingestSeen };
      const spans = whole.map((r) => ({ runId: r.run_id, firstSeq: r.first_seq, lastSeq: r.last_seq }));
      if (part) spans.push({ runId: part.range.run_id, firstSeq: part.range.first_seq, lastSeq: part.upto });
      if (spans.length > 0) chunk.actions = await engine.indexActionTexts(spans);
      if (whole.length > 0) {
        await db
          .deleteFrom('action_text_pending')
          .where(
            'id',
            'in',
            whole.map((r) => r.id),
          )
          .execute();
        chunk.ranges = whole.length;
      }
      if (part) {
        await db
          .updateTable('action_text_pending')
          .set({ first_seq: part.upto + 1 })
          .where('id', '=', part.range.id)
          .execute();
      }
      return chunk;
    });
  }

  /** Indexes everything pending (tests, benchmarks, `synctrail` maintenance); answers how many actions. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const chunk = await this.indexChunk();
      total += chunk.actions;
      if (chunk.touched === 0) return total;
    }
  }

  /** How much is waiting: pending ranges and the actions they span. */
  async backlog(): Promise<{ ranges: number; actions: number }> {
    const row = await this.engine.db
      .selectFrom('action_text_pending')
      .select((eb) => [
        eb.fn.countAll<number>().as('ranges'),
        eb.fn
          .coalesce(eb.fn.sum<number>(eb(eb('last_seq', '-', eb.ref('first_seq')), '+', 1)), eb.lit(0))
          .as('actions'),
      ])
      .executeTakeFirstOrThrow();
    return { ranges: Number(row.ranges), actions: Number(row.actions) };
  }

  /** Starts indexing in the background, until `stop`. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops after the chunk under way, if any. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let pause = this.options.idleMs;
      try {
        const started = performance.now();
        const chunk = await this.indexChunk();
        const took = performance.now() - started;
        if (chunk.touched > 0)
          pause = chunk.ingestSeen
            ? Math.max(took * BUSY_PAUSE_FACTOR, BUSY_PAUSE_MIN_MS)
            : Math.min(10, took);
      } catch (error) {
        this.onError(error);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        timer.unref();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
