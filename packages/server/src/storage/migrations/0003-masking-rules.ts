import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../engine.js';

/** Organizations' own masking rules (a field name or glob, or a regular expression on text). */
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('masking_rules')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('organization_id', t.id, (c) => c.notNull().references('organizations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema
    .createIndex('masking_rules_org_idx')
    .on('masking_rules')
    .columns(['organization_id', 'created_at', 'id'])
    .execute();
}
