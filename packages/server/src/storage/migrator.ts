import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Engine } from './engine.js';
import * as m0001 from './migrations/0001-initial.js';
import * as m0002 from './migrations/0002-run-control.js';
import * as m0003 from './migrations/0003-masking-rules.js';
import * as m0004 from './migrations/0004-audit.js';
import * as m0005 from './migrations/0005-accounts.js';
import * as m0006 from './migrations/0006-housekeeping.js';
import * as m0007 from './migrations/0007-live-events.js';
import * as m0008 from './migrations/0008-integration-overview.js';
import * as m0009 from './migrations/0009-run-histogram.js';
import * as m0010 from './migrations/0010-issues-list.js';
import * as m0011 from './migrations/0011-timeline.js';
import * as m0012 from './migrations/0012-list-indexes.js';
import * as m0013 from './migrations/0013-text-search.js';
import * as m0014 from './migrations/0014-retention.js';
import * as m0015 from './migrations/0015-time-partitions.js';
import * as m0016 from './migrations/0016-action-text-index.js';

/** Versioned migrations, in order. Each receives the engine's column types, so one file serves both. */
const MIGRATIONS = {
  '0001-initial': m0001,
  '0002-run-control': m0002,
  '0003-masking-rules': m0003,
  '0004-audit': m0004,
  '0005-accounts': m0005,
  '0006-housekeeping': m0006,
  '0007-live-events': m0007,
  '0008-integration-overview': m0008,
  '0009-run-histogram': m0009,
  '0010-issues-list': m0010,
  '0011-timeline': m0011,
  '0012-list-indexes': m0012,
  '0013-text-search': m0013,
  '0014-retention': m0014,
  '0015-time-partitions': m0015,
  '0016-action-text-index': m0016,
} as const;

class EngineMigrationProvider implements MigrationProvider {
  constructor(private readonly engine: Engine) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const types = this.engine.types;
    return Object.fromEntries(
      Object.entries(MIGRATIONS).map(([name, migration]) => [name, { up: (db) => migration.up(db, types) }]),
    );
  }
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

function migratorOf(engine: Engine): Migrator {
  return new Migrator({
    db: engine.db,
    provider: new EngineMigrationProvider(engine),
    migrationTableName: 'synctrail_migrations',
    migrationLockTableName: 'synctrail_migrations_lock',
    // 0003 was added after 0004–0006 had shipped: a database migrated before then applies it late.
    allowUnorderedMigrations: true,
  });
}

function appliedOrThrow({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Applies every pending migration, then creates the time partitions that are due (PostgreSQL; see
 * `Engine.preparePartitions`); returns the names of the migrations applied.
 */
export async function migrateToLatest(engine: Engine): Promise<string[]> {
  const applied = appliedOrThrow(await migratorOf(engine).migrateToLatest());
  await engine.preparePartitions();
  return applied;
}

/** Applies the migrations up to `name` and no further (tests and benchmarks of a later migration). */
export async function migrateUpTo(engine: Engine, name: keyof typeof MIGRATIONS): Promise<string[]> {
  return appliedOrThrow(await migratorOf(engine).migrateTo(name));
}
