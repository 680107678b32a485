import type { FastifyBaseLogger } from 'fastify';
import type { Run } from '@synctrail/types';
import { Access } from '../auth/access.js';
import type { Services } from '../http/services.js';
import { AppError } from '../http/errors.js';
import {
  DEMO_WORKER,
  LIVE_ORGANIZATION_SLUG,
  LIVE_SESSION_NAME,
  contactReport,
} from './demo-live-session.js';

/** Contacts a leased manual or scheduled sync reports before it finishes. */
const SYNC_CONTACTS = 8;
/** The long resync reports this many contacts at most, then only stays alive. */
const LIVE_SESSION_CONTACTS = 500;

/**
 * The demo's connector, while a demo database is served: it keeps the resync it leased alive with
 * heartbeats (the stale-run reaper would abort it after SYNCTRAIL_STALE_RUN_TIMEOUT_MS otherwise),
 * reports a contact now and then, confirms a cancel by aborting, and runs the syncs people start with
 * Run Sync (or the schedule queues) to the end. It speaks to the services directly, as an operator,
 * so that its requests do not fill the request log.
 */
export class DemoConnector {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly access = Access.operator(`operator:${DEMO_WORKER}`);

  private constructor(
    private readonly services: Services,
    private readonly integrationId: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Starts the connector when the database holds the demo; undefined otherwise. */
  static async start(services: Services, intervalMs: number, log: FastifyBaseLogger) {
    const orgs = await services.organizations.list(Access.operator('demo'), {
      q: LIVE_ORGANIZATION_SLUG,
      limit: 20,
    });
    const organization = orgs.items.find((o) => o.slug === LIVE_ORGANIZATION_SLUG);
    if (!organization) return undefined;
    const integrations = await services.integrations.list(Access.operator('demo'), organization.id, {
      type: 'exchange',
      limit: 1,
    });
    const integration = integrations.items[0];
    if (!integration) return undefined;
    const connector = new DemoConnector(services, integration.id, log);
    await connector.tick(true);
    connector.timer = setInterval(() => {
      if (!connector.running)
        connector.running = connector.tick().finally(() => (connector.running = undefined));
    }, intervalMs);
    connector.timer.unref();
    return connector;
  }

  /** One beat: take what is queued, then report on, keep alive or end each of its runs. */
  async tick(startResync = false): Promise<void> {
    try {
      while (await this.services.runControl.lease(this.access, this.integrationId, DEMO_WORKER));
      const mine = await this.liveRuns();
      if (startResync && !mine.some((r) => r.name === LIVE_SESSION_NAME)) await this.startResync();
      for (const run of mine) await this.work(run);
    } catch (error) {
      this.log.warn({ err: error }, 'demo connector: beat failed; trying again on the next');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async liveRuns(): Promise<Run[]> {
    const page = await this.services.runs.list(this.access, {
      integrationId: this.integrationId,
      progress: 'RUNNING,ABORTION_PENDING',
      limit: 100,
    });
    return page.items.filter((r) => r.leaseOwner === DEMO_WORKER);
  }

  private async work(run: Run): Promise<void> {
    const beat = await this.services.runs.heartbeat(this.access, run.id);
    if (beat.cancelRequested) {
      await this.services.runs.patch(this.access, run.id, {
        progress: 'ABORTED',
        exception: `Cancelled on request after ${run.counters.processed} contacts.`,
      });
      return;
    }
    const long = run.name === LIVE_SESSION_NAME;
    if (long && run.counters.processed >= LIVE_SESSION_CONTACTS) return;
    const { calls, action } = contactReport(run, run.counters.processed);
    await this.services.calls.append(this.access, calls);
    await this.services.runs.appendActions(this.access, run.id, [action]);
    if (!long && run.counters.processed + 1 >= SYNC_CONTACTS)
      await this.services.runs.patch(this.access, run.id, { progress: 'FINISHED' });
  }

  /** A new resync when the last one was cancelled (or reaped while the server was down). */
  private async startResync(): Promise<void> {
    try {
      await this.services.runControl.triggerSync(this.access, this.integrationId, {
        name: LIVE_SESSION_NAME,
      });
    } catch (error) {
      // Another full sync of the integration is queued or under way: it is the live one for now.
      if (error instanceof AppError && error.code === 'run_already_pending') return;
      throw error;
    }
    await this.services.runControl.lease(this.access, this.integrationId, DEMO_WORKER);
  }
}
