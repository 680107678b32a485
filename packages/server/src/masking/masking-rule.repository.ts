import type { Selectable } from 'kysely';
import type { MaskingRule, MaskingRuleKind } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import type { MaskingRulesTable } from '../storage/database.js';
import { toIso } from '../storage/row-values.js';

function toRule(row: Selectable<MaskingRulesTable>): MaskingRule {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    kind: row.kind as MaskingRuleKind,
    match: row.match,
    createdAt: toIso(row.created_at),
    createdBy: row.created_by,
  };
}

export class MaskingRuleRepository {
  constructor(private readonly engine: Engine) {}

  async insert(rule: MaskingRule): Promise<void> {
    await this.engine.db
      .insertInto('masking_rules')
      .values({
        id: rule.id,
        organization_id: rule.organizationId,
        name: rule.name,
        kind: rule.kind,
        match: rule.match,
        created_at: new Date(rule.createdAt),
        created_by: rule.createdBy,
      })
      .execute();
  }

  /** An organization's rules, oldest first. */
  async list(organizationId: string): Promise<MaskingRule[]> {
    const rows = await this.engine.db
      .selectFrom('masking_rules')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toRule);
  }

  async find(organizationId: string, id: string): Promise<MaskingRule | undefined> {
    const row = await this.engine.db
      .selectFrom('masking_rules')
      .selectAll()
      .where('id', '=', id)
      .where('organization_id', '=', organizationId)
      .executeTakeFirst();
    return row && toRule(row);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.engine.db.deleteFrom('masking_rules').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
