import { join } from 'node:path';
import type { Engine } from './engine.js';
import { PostgresEngine } from './postgres.engine.js';
import { SqliteEngine } from './sqlite.engine.js';

export interface StorageConfig {
  databaseUrl?: string | undefined;
  dataDir: string;
  pgPoolSize?: number;
}

/** PostgreSQL when a `DATABASE_URL` is given, the embedded SQLite file in the data dir otherwise. */
export function openEngine(config: StorageConfig): Engine {
  if (config.databaseUrl) {
    return new PostgresEngine({
      connectionString: config.databaseUrl,
      ...(config.pgPoolSize ? { poolSize: config.pgPoolSize } : {}),
    });
  }
  return new SqliteEngine({ file: join(config.dataDir, 'synctrail.db') });
}
