import type { Engine } from '../storage/engine.js';
import { toDate } from '../storage/row-values.js';

export interface ScheduledIntegration {
  id: string;
  schedule: string;
  /** Slots at or before this time are not this schedule's (it did not exist or was different then). */
  since: Date;
}

export class ScheduleRepository {
  constructor(private readonly engine: Engine) {}

  /** Active integrations of organizations whose sync is enabled, a page at a time in id order. */
  async activeIntegrations(afterId: string | null, limit: number): Promise<ScheduledIntegration[]> {
    let qb = this.engine.db
      .selectFrom('integrations')
      .innerJoin('organizations', 'organizations.id', 'integrations.organization_id')
      .select([
        'integrations.id as id',
        'integrations.schedule as schedule',
        'integrations.updated_at as updated_at',
      ])
      .where('integrations.status', '=', 'ACTIVE')
      .where('organizations.sync_enabled', '=', true)
      .orderBy('integrations.id')
      .limit(limit);
    if (afterId) qb = qb.where('integrations.id', '>', afterId);
    const rows = await qb.execute();
    return rows.map((r) => ({ id: r.id, schedule: r.schedule, since: toDate(r.updated_at) }));
  }

  /**
   * Claims a slot of an integration. Exactly one caller wins per slot, whatever the number of
   * processes: the primary key decides, and losers (on PostgreSQL) wait for the winner to commit.
   */
  async claimSlot(integrationId: string, slotAt: Date, now: Date): Promise<boolean> {
    const row = await this.engine.db
      .insertInto('schedule_slots')
      .values({ integration_id: integrationId, slot_at: slotAt, run_id: null, created_at: now })
      .onConflict((oc) => oc.columns(['integration_id', 'slot_at']).doNothing())
      .returning('integration_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async setSlotRun(integrationId: string, slotAt: Date, runId: string): Promise<void> {
    await this.engine.db
      .updateTable('schedule_slots')
      .set({ run_id: runId })
      .where('integration_id', '=', integrationId)
      .where('slot_at', '=', slotAt)
      .execute();
  }

  async latestSlot(integrationId: string): Promise<Date | undefined> {
    const row = await this.engine.db
      .selectFrom('schedule_slots')
      .select('slot_at')
      .where('integration_id', '=', integrationId)
      .orderBy('slot_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toDate(row.slot_at) : undefined;
  }
}
