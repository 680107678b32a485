import { CronExpressionParser } from 'cron-parser';
import type { FastifyBaseLogger } from 'fastify';
import type { Run } from '@synctrail/types';
import type { Engine } from '../storage/engine.js';
import type { IntegrationService } from '../integrations/integration.service.js';
import type { RunControlService } from '../runs/run-control.service.js';
import { Access } from '../auth/access.js';
import { ScheduleRepository, type ScheduledIntegration } from './schedule.repository.js';

const SCHEDULER = Access.operator('schedule');
const PAGE = 200;

/** The most recent slot of a cron schedule at or before `now` (UTC). */
export function latestSlot(schedule: string, now: Date): Date {
  const expression = CronExpressionParser.parse(schedule, {
    currentDate: new Date(now.getTime() + 1),
    tz: 'UTC',
  });
  return expression.prev().toDate();
}

export interface TickResult {
  created: Run[];
  /** Slots claimed while a full sync was still pending or running: no second run was queued. */
  skipped: number;
}

/**
 * Creates FULL_SYNC_JOB runs on each active integration's cron schedule. Each tick looks only at the
 * latest slot, so after downtime an integration gets one catch-up run, not one per missed slot.
 */
export class Scheduler {
  readonly repository: ScheduleRepository;

  constructor(
    private readonly engine: Engine,
    private readonly integrations: IntegrationService,
    private readonly control: RunControlService,
    private readonly log?: FastifyBaseLogger,
  ) {
    this.repository = new ScheduleRepository(engine);
  }

  async tick(now: Date = new Date()): Promise<TickResult> {
    const result: TickResult = { created: [], skipped: 0 };
    let after: string | null = null;
    for (;;) {
      const page = await this.repository.activeIntegrations(after, PAGE);
      for (const integration of page) {
        try {
          const outcome = await this.fire(integration, now);
          if (outcome === 'skipped') result.skipped++;
          else if (outcome) result.created.push(outcome);
        } catch (error) {
          // One broken integration must not stop the others' schedules.
          this.log?.error({ err: error, integrationId: integration.id }, 'scheduling failed');
        }
      }
      if (page.length < PAGE) return result;
      after = page[page.length - 1]!.id;
    }
  }

  private async fire(integration: ScheduledIntegration, now: Date): Promise<Run | 'skipped' | undefined> {
    let slot: Date;
    try {
      slot = latestSlot(integration.schedule, now);
    } catch {
      return undefined; // validated on write; an old invalid one is simply not scheduled
    }
    if (slot <= integration.since) return undefined;
    return this.engine.transaction(async () => {
      if (!(await this.repository.claimSlot(integration.id, slot, now))) return undefined;
      const current = await this.integrations.get(SCHEDULER, integration.id);
      if (current.status !== 'ACTIVE') return undefined;
      await this.control.repository.lockIntegration(current.id);
      if (await this.control.repository.findLiveFullSync(current.id, null)) return 'skipped';
      const run = await this.control.createPending(current, null, 'FULL_SYNC_JOB', 'schedule', null, slot);
      await this.repository.setSlotRun(current.id, slot, run.id);
      return run;
    });
  }
}
