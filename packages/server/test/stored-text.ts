import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../src/config.js';

/**
 * Everything a database holds, as text to search for secrets: on SQLite the raw bytes of every file of
 * the data directory (the database, its WAL and shared memory) read as latin1; on PostgreSQL the text
 * form of every row of every table of the public schema.
 */
export async function storedText(config: Config): Promise<string> {
  if (!config.databaseUrl) {
    const dir = config.dataDir;
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    return files
      .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'))
      .join('\n');
  }
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      "select quote_ident(table_name) as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
    );
    const parts: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`select t::text as row from ${name} t`);
      for (const { row } of rows.rows) parts.push(row);
    }
    return parts.join('\n');
  } finally {
    await client.end();
  }
}
