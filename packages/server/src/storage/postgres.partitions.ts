import { sql, type Kysely } from 'kysely';
import type { PartitionReport, PartitionShare, TimePartition } from './engine.js';

/*
 * Time partitions on PostgreSQL (migration 0015): `actions` and `calls` are range-partitioned by `at`,
 * one partition per UTC month (`actions_p202611`: November 2026), and a `<table>_default` partition
 * takes any row whose month has no partition yet (a clock far off, a month not yet prepared). Each
 * partition's indexes carry the parent index's name with the partition's suffix
 * (`calls_at_idx_p202611`), so that a plan names what it reads.
 *
 * `preparePartitions` keeps the months ahead created (from the current one to MONTHS_AHEAD later) and
 * gives every month that has rows in the default partition a partition of its own, moving those rows
 * into it. It runs at start (after the migrations) and on each housekeeping sweep; several processes
 * may call it at once: a transaction-level advisory lock makes them take turns, and each looks again
 * at what exists once it holds it, so every partition is created exactly once.
 */

export const PARTITIONED_TABLES = ['actions', 'calls'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** Months prepared after the current one. */
export const MONTHS_AHEAD = 3;

/** The advisory lock (two int4 keys: "ST", 15 for migration 0015) that partition changes take. */
const LOCK = sql`pg_advisory_xact_lock(21332, 15)`;

/** A UTC month as `YYYYMM`, the partitions' suffix. */
export type MonthKey = string;

export function monthKey(date: Date): MonthKey {
  return `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The first instant of a month (`YYYYMM`). */
export function monthStart(key: MonthKey): Date {
  return new Date(Date.UTC(Number(key.slice(0, 4)), Number(key.slice(4, 6)) - 1, 1));
}

/** The first instant of the month after. */
export function monthEnd(key: MonthKey): Date {
  const start = monthStart(key);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** The month `n` months after `key`'s. */
function addMonths(key: MonthKey, n: number): MonthKey {
  const start = monthStart(key);
  return monthKey(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + n, 1)));
}

/** The current month and the MONTHS_AHEAD after it. */
export function monthsAhead(now: Date): MonthKey[] {
  const current = monthKey(now);
  return Array.from({ length: MONTHS_AHEAD + 1 }, (_, n) => addMonths(current, n));
}

export function partitionName(table: PartitionedTable, month: MonthKey): string {
  return `${table}_p${month}`;
}

export function defaultPartition(table: PartitionedTable): string {
  return `${table}_default`;
}

/** A partition bound as a literal (`timestamptz` in UTC). */
function bound(date: Date) {
  return sql.lit(date.toISOString());
}

/** The months (`YYYYMM`) of the month partitions `table` has, oldest first. */
export async function monthPartitions(db: Kysely<any>, table: PartitionedTable): Promise<MonthKey[]> {
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${sql.lit(table)}::regclass`.execute(db);
  const prefix = `${table}_p`;
  return result.rows
    .map((r) => r.name)
    .filter((name) => name.startsWith(prefix) && /^\d{6}$/.test(name.slice(prefix.length)))
    .map((name) => name.slice(prefix.length))
    .sort();
}

/** Whether `table` is partitioned (migration 0015 has run). */
export async function isPartitioned(db: Kysely<any>, table: PartitionedTable): Promise<boolean> {
  const result = await sql<{ kind: string }>`
    select relkind as kind from pg_class where oid = to_regclass(${table})`.execute(db);
  return result.rows[0]?.kind === 'p';
}

/** The months that rows in `relation` fall in (UTC), oldest first. */
export async function monthsWithRows(db: Kysely<any>, relation: string): Promise<MonthKey[]> {
  const result = await sql<{ month: string }>`
    select distinct to_char(at at time zone 'UTC', 'YYYYMM') as month from ${sql.table(relation)}
    order by 1`.execute(db);
  return result.rows.map((r) => r.month);
}

interface IndexDefinition {
  name: string;
  /** `CREATE INDEX … ON [ONLY] table USING …` as `pg_get_indexdef` gives it. */
  definition: string;
  /** The constraint the index serves (primary key, unique), if any. */
  constraint: { name: string; definition: string } | null;
}

/** The indexes of a table (a partitioned parent or a plain table), with the constraints they serve. */
export async function indexDefinitions(db: Kysely<any>, table: string): Promise<IndexDefinition[]> {
  const result = await sql<{
    name: string;
    definition: string;
    constraint_name: string | null;
    constraint_definition: string | null;
  }>`
    select c.relname as name, pg_get_indexdef(i.indexrelid) as definition,
      con.conname as constraint_name, pg_get_constraintdef(con.oid) as constraint_definition
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    left join pg_constraint con on con.conindid = i.indexrelid and con.conrelid = i.indrelid
      and con.contype in ('p', 'u')
    where i.indrelid = ${sql.lit(table)}::regclass
    order by c.relname`.execute(db);
  return result.rows.map((r) => ({
    name: r.name,
    definition: r.definition,
    constraint:
      r.constraint_name && r.constraint_definition
        ? { name: r.constraint_name, definition: r.constraint_definition }
        : null,
  }));
}

/** `definition` (of an index on `parent`) as the same index on `partition`, named `<name>_<suffix>`. */
export function indexOnPartition(index: IndexDefinition, partition: string, suffix: string): string {
  const match = /^CREATE (UNIQUE )?INDEX (\S+) ON (ONLY )?(\S+) (USING .*)$/s.exec(index.definition);
  if (!match) throw new Error(`unexpected index definition: ${index.definition}`);
  return `CREATE ${match[1] ?? ''}INDEX ${index.name}_${suffix} ON ${partition} ${match[5]}`;
}

/**
 * Gives `partition` (a table of the parent's columns) each index and key of `parent` under the
 * parent's names with `_<suffix>`: attaching the partition then adopts them instead of building its own.
 */
export async function cloneIndexes(
  db: Kysely<any>,
  parent: PartitionedTable,
  partition: string,
  suffix: string,
): Promise<void> {
  for (const index of await indexDefinitions(db, parent)) {
    if (index.constraint) {
      await sql`alter table ${sql.table(partition)} add constraint ${sql.id(`${index.constraint.name}_${suffix}`)} ${sql.raw(index.constraint.definition)}`.execute(
        db,
      );
    } else {
      await sql.raw(indexOnPartition(index, partition, suffix)).execute(db);
    }
  }
}

/**
 * Creates the partition of `month`, moving into it the rows the default partition holds for that month
 * (PostgreSQL refuses to attach a partition whose range has rows in the default one). Answers how many
 * rows were moved. Inside the caller's transaction, holding the partition lock.
 */
async function createMonthPartition(
  db: Kysely<any>,
  table: PartitionedTable,
  month: MonthKey,
): Promise<number> {
  const name = partitionName(table, month);
  const from = bound(monthStart(month));
  const to = bound(monthEnd(month));
  const fallback = sql.table(defaultPartition(table));
  await sql`create table ${sql.table(name)} (like ${sql.table(table)} including defaults including constraints)`.execute(
    db,
  );
  const moved = await sql`
    with moved as (delete from ${fallback} where at >= ${from} and at < ${to} returning *)
    insert into ${sql.table(name)} select * from moved`.execute(db);
  await cloneIndexes(db, table, name, `p${month}`);
  await sql`alter table ${sql.table(table)} attach partition ${sql.table(name)} for values from (${from}) to (${to})`.execute(
    db,
  );
  return Number(moved.numAffectedRows ?? 0);
}

/**
 * Creates the month partitions that are missing: the current month and MONTHS_AHEAD after it, and every
 * earlier month that has rows in the default partition (rows beyond the months ahead stay there until
 * their month comes near). Runs in one transaction under the advisory lock; a no-op (one cheap look at
 * the catalog and the default partitions) when everything exists.
 */
export async function preparePartitions(
  transaction: <T>(fn: (tx: Kysely<any>) => Promise<T>) => Promise<T>,
  now: Date,
): Promise<PartitionReport> {
  try {
    return await prepareInTransaction(transaction, now);
  } catch (error) {
    // lock_not_available: writers held a table it needs; nothing changed, the next sweep tries again
    // (rows for a month without its partition wait in the default one meanwhile).
    if ((error as { code?: string }).code === '55P03') return { created: [], moved: 0 };
    throw error;
  }
}

/** How long `preparePartitions` waits for each table it locks before it gives up for this time. */
const PARTITION_LOCK_TIMEOUT = '200ms';

/**
 * Takes every lock creating a month partition of `table` needs, first and in one go: the tables its
 * foreign keys refer to (adding the keys to the new partition takes SHARE ROW EXCLUSIVE on them), the
 * parent (attaching), and the default partition (whose rows for the month move, and where no row for
 * it may land meanwhile). Ingest holds some of these while it writes (a batch's run row, then its
 * actions): had the partition work waited for one while holding another, each would wait for the
 * other, and PostgreSQL would break the deadlock by failing the ingest. Each wait here is short
 * (`PARTITION_LOCK_TIMEOUT`, well under the deadlock check's 1 s), so it is this transaction that
 * gives up, never a writer.
 */
async function lockForNewPartitions(tx: Kysely<any>, table: PartitionedTable): Promise<void> {
  const referenced = (
    await sql<{ name: string }>`
      select distinct confrelid::regclass::text as name from pg_constraint
      where conrelid = ${sql.lit(table)}::regclass and contype = 'f' order by 1`.execute(tx)
  ).rows.map((row) => row.name);
  await sql.raw(`set local lock_timeout = '${PARTITION_LOCK_TIMEOUT}'`).execute(tx);
  for (const name of referenced) {
    await sql`lock table ${sql.table(name)} in share row exclusive mode`.execute(tx);
  }
  await sql`lock table ${sql.table(table)} in share update exclusive mode`.execute(tx);
  await sql`lock table ${sql.table(defaultPartition(table))} in access exclusive mode`.execute(tx);
  await sql`set local lock_timeout = 0`.execute(tx);
}

async function prepareInTransaction(
  transaction: <T>(fn: (tx: Kysely<any>) => Promise<T>) => Promise<T>,
  now: Date,
): Promise<PartitionReport> {
  return transaction(async (tx) => {
    await sql`select ${LOCK}`.execute(tx);
    const report: PartitionReport = { created: [], moved: 0 };
    const ahead = monthsAhead(now);
    const last = ahead[ahead.length - 1]!;
    for (const table of PARTITIONED_TABLES) {
      if (!(await isPartitioned(tx, table))) continue;
      const existing = new Set(await monthPartitions(tx, table));
      const stranded = (await monthsWithRows(tx, defaultPartition(table))).filter((m) => m <= last);
      const missing = [...new Set([...stranded, ...ahead])].filter((m) => !existing.has(m)).sort();
      if (missing.length === 0) continue;
      await lockForNewPartitions(tx, table);
      for (const month of missing) {
        const moved = await createMonthPartition(tx, table, month);
        // The planner's statistics of a partition that received rows (autovacuum would, in time).
        if (moved > 0) await sql`analyze ${sql.table(partitionName(table, month))}`.execute(tx);
        report.moved += moved;
        report.created.push(partitionName(table, month));
      }
    }
    return report;
  });
}

/** The month partitions of actions and calls, oldest first. */
export async function listTimePartitions(db: Kysely<any>): Promise<TimePartition[]> {
  const partitions: TimePartition[] = [];
  for (const table of PARTITIONED_TABLES) {
    if (!(await isPartitioned(db, table))) continue;
    for (const month of await monthPartitions(db, table)) {
      partitions.push({
        table,
        name: partitionName(table, month),
        from: monthStart(month),
        to: monthEnd(month),
      });
    }
  }
  return partitions.sort((a, b) => a.from.getTime() - b.from.getTime() || a.table.localeCompare(b.table));
}

/** The rows each organization has in a partition (for actions, through their runs). */
async function sharesOf(db: Kysely<any>, partition: TimePartition): Promise<PartitionShare[]> {
  if (partition.table === 'calls') {
    const result = await sql<{ organization_id: string; rows: number }>`
      select organization_id, count(*)::int as rows from ${sql.table(partition.name)}
      group by organization_id order by organization_id`.execute(db);
    return result.rows.map((r) => ({ organizationId: r.organization_id, rows: r.rows }));
  }
  const result = await sql<{
    organization_id: string;
    rows: number;
    progress: string[];
    last_requested_at: Date | null;
    last_finished_at: Date | null;
  }>`
    select r.organization_id, count(*)::int as rows, array_agg(distinct r.progress) as progress,
      max(r.requested_at) as last_requested_at, max(r.finished_at) as last_finished_at
    from ${sql.table(partition.name)} a join runs r on r.id = a.run_id
    group by r.organization_id order by r.organization_id`.execute(db);
  return result.rows.map((r) => ({
    organizationId: r.organization_id,
    rows: r.rows,
    runs: { progress: r.progress, lastRequestedAt: r.last_requested_at, lastFinishedAt: r.last_finished_at },
  }));
}

/**
 * Drops a month partition when `decide` agrees with what it holds. Once a first count agrees, under
 * the partition lock (no partition is created meanwhile) the partition is locked against writes, its
 * rows counted again per organization and, if `decide` still agrees, detached and dropped. Detaching takes the parent's exclusive lock for a moment;
 * when it cannot be had within a few seconds (a long query), the partition stays for a later pass.
 */
export async function dropTimePartition(
  db: Kysely<any>,
  transaction: <T>(fn: (tx: Kysely<any>) => Promise<T>) => Promise<T>,
  partition: TimePartition,
  decide: (shares: PartitionShare[]) => boolean,
): Promise<PartitionShare[] | undefined> {
  // A first look without locks: a partition that stays (most of them, most passes) blocks no writer.
  if (!decide(await sharesOf(db, partition))) return undefined;
  try {
    return await transaction(async (tx) => {
      await sql`select ${LOCK}`.execute(tx);
      await sql`set local lock_timeout = '5s'`.execute(tx);
      const month = partition.name.slice(partition.table.length + 2);
      if (!(await monthPartitions(tx, partition.table)).includes(month)) return undefined;
      await sql`lock table ${sql.table(partition.name)} in share mode`.execute(tx);
      const shares = await sharesOf(tx, partition);
      if (!decide(shares)) return undefined;
      await sql`alter table ${sql.table(partition.table)} detach partition ${sql.table(partition.name)}`.execute(
        tx,
      );
      await sql`drop table ${sql.table(partition.name)}`.execute(tx);
      // The indexed text of the actions dropped (migration 0016): it would match nothing, but takes room.
      if (partition.table === 'actions')
        await sql`delete from action_texts where at >= ${bound(partition.from)} and at < ${bound(partition.to)}`.execute(
          tx,
        );
      return shares;
    });
  } catch (error) {
    // lock_not_available: the lock timeout passed; nothing was changed.
    if ((error as { code?: string }).code === '55P03') return undefined;
    throw error;
  }
}
