import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../engine.js';
import {
  PARTITIONED_TABLES,
  defaultPartition,
  indexDefinitions,
  indexOnPartition,
  monthEnd,
  monthStart,
  monthsAhead,
  monthsWithRows,
  partitionName,
  type PartitionedTable,
} from '../postgres.partitions.js';

/**
 * Time partitions on PostgreSQL (see `postgres.partitions.ts`): `actions` and `calls` become
 * range-partitioned by `at`, a partition per UTC month that has rows and for the current month and the
 * three after it, and a default partition (for rows beyond those). Every row is copied across in this migration's transaction;
 * every index, key and foreign key is recreated under its old name on the parent, each partition's
 * with the partition's suffix. A partition key must be part of the primary key: `actions` is keyed by
 * (run_id, seq, at), `calls` by (id, at). Nothing refers to either table by its key (no foreign key
 * points at them; ingestion assigns `seq` and call ids itself, without `on conflict`). On SQLite
 * nothing changes.
 */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  if (t.id !== 'uuid') return;
  for (const table of PARTITIONED_TABLES) await partition(db, table, new Date());
}

async function partition(db: Kysely<unknown>, table: PartitionedTable, now: Date): Promise<void> {
  const old = `${table}_before_0015`;
  const indexes = await indexDefinitions(db, table);
  const foreignKeys = (
    await sql<{ name: string; definition: string }>`
      select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
      where conrelid = ${sql.lit(table)}::regclass and contype = 'f' order by conname`.execute(db)
  ).rows;
  // The old table gives its names up: its indexes and keys are dropped (not needed to read it once).
  for (const fk of foreignKeys) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(fk.name)}`.execute(db);
  }
  for (const index of indexes) {
    if (index.constraint) {
      await sql`alter table ${sql.table(table)} drop constraint ${sql.id(index.constraint.name)}`.execute(db);
    } else {
      await sql`drop index ${sql.id(index.name)}`.execute(db);
    }
  }
  await sql`alter table ${sql.table(table)} rename to ${sql.id(old)}`.execute(db);
  await sql`create table ${sql.table(table)} (like ${sql.table(old)} including defaults including constraints)
    partition by range (at)`.execute(db);

  // As `preparePartitions` does: months beyond the months ahead (a clock far off) wait in the default one.
  const ahead = monthsAhead(now);
  const past = (await monthsWithRows(db, old)).filter((month) => month <= ahead[ahead.length - 1]!);
  const months = [...new Set([...past, ...ahead])].sort();
  const partitions = months.map((month) => ({ name: partitionName(table, month), suffix: `p${month}` }));
  for (const month of months) {
    await sql`create table ${sql.table(partitionName(table, month))} partition of ${sql.table(table)}
      for values from (${sql.lit(monthStart(month).toISOString())}) to (${sql.lit(monthEnd(month).toISOString())})`.execute(
      db,
    );
  }
  await sql`create table ${sql.table(defaultPartition(table))} partition of ${sql.table(table)} default`.execute(
    db,
  );
  partitions.push({ name: defaultPartition(table), suffix: 'default' });

  // Rows first, indexes after: building an index once is faster than keeping it up row by row.
  await sql`insert into ${sql.table(table)} select * from ${sql.table(old)}`.execute(db);
  await sql`drop table ${sql.table(old)}`.execute(db);

  for (const index of indexes) {
    if (index.constraint) {
      // The partition key joins the primary key (PostgreSQL requires it in every unique key).
      const definition = index.constraint.definition.replace(/\)$/, ', at)');
      for (const p of partitions) {
        await sql`alter table ${sql.table(p.name)} add constraint ${sql.id(`${index.constraint.name}_${p.suffix}`)} ${sql.raw(definition)}`.execute(
          db,
        );
      }
      await sql`alter table ${sql.table(table)} add constraint ${sql.id(index.constraint.name)} ${sql.raw(definition)}`.execute(
        db,
      );
    } else {
      for (const p of partitions) await sql.raw(indexOnPartition(index, p.name, p.suffix)).execute(db);
      // On the parent, the index adopts the partitions' matching ones.
      await sql.raw(index.definition).execute(db);
    }
  }
  for (const fk of foreignKeys) {
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(fk.name)} ${sql.raw(fk.definition)}`.execute(
      db,
    );
  }
  // Partitioned parents are never analyzed by autovacuum; the partitions only in time.
  await sql`analyze ${sql.table(table)}`.execute(db);
}
