import { randomBytes } from 'node:crypto';
import type { Organization, Page } from '@synctrail/types';
import type { Config } from '../config.js';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { buildApp } from '../http/app.js';
import { openEngine } from '../storage/open-engine.js';
import { migrateToLatest } from '../storage/migrator.js';
import { DemoClient, DemoLoadError } from './demo-client.js';
import { DemoClock } from './demo-clock.js';
import { DemoTenant, emptyTally, type DemoTally, type TenantSpec } from './demo-tenants.js';
import { loadExchange } from './demo-exchange.js';
import { loadEnterpriseArchitecture } from './demo-ea.js';
import { loadConnectorLog } from './demo-calls.js';
import { FABRIKAM, GLOBEX, GLOBEX_NETSUITE, INITECH, NORTHWIND } from './demo-organizations.js';
import { LIVE_SESSION_START, liveIntegration, startLiveSession } from './demo-live-session.js';
import {
  createDemoAccounts,
  describeDemoAccounts,
  saveDemoAccounts,
  type DemoAccount,
} from './demo-accounts.js';

/** The app the demo loads into: the HTTP API (for the data) and the services (for the operator account). */
export type DemoApp = App & { services: Services };

/**
 * The demo data set: four organizations covering the four products Synctrail replaces, loaded
 * through the HTTP API so that every rule of the server (run status and counters from actions,
 * issues, masking, idempotency) shapes it exactly as it shapes a connector's data.
 */

export interface DemoOptions {
  /** The moment the demo is loaded at: history is laid out over the weeks before it (default: now). */
  now?: Date;
  /** The demo accounts' password (SYNCTRAIL_DEMO_PASSWORD); a generated one per account otherwise. */
  password?: string | undefined;
}

export interface DemoSummary extends DemoTally {
  requests: number;
  elapsedMs: number;
  /** The console accounts to sign in with. */
  accounts: DemoAccount[];
}

/** Loads the whole data set; the database is expected to hold no organization yet. */
export async function loadDemo(app: DemoApp, token: string, options: DemoOptions = {}): Promise<DemoSummary> {
  const started = performance.now();
  const client = new DemoClient(app, token);
  const clock = new DemoClock(options.now ?? new Date());
  const tally = emptyTally();
  const tenant = (spec: TenantSpec) => DemoTenant.create(client, spec, tally);

  await loadExchange(NORTHWIND, clock, tenant, tally);
  await loadEnterpriseArchitecture(await tenant(FABRIKAM), clock);
  const globex = await tenant(GLOBEX);
  await loadConnectorLog(globex, clock, await globex.integration(GLOBEX_NETSUITE));
  await loadExchange(INITECH, clock, tenant, tally);

  // Under way now, on an integration that can cancel, with calls: for people to watch and cancel.
  const live = await liveIntegration(client);
  if (!live) throw new DemoLoadError('demo data: the organization of the live session is missing');
  await startLiveSession(client, live.integration);
  tally.runs++;
  tally.actions += LIVE_SESSION_START;
  tally.calls += LIVE_SESSION_START * 3;
  const accounts = await createDemoAccounts(app.services, client, live.organization, options.password);

  return {
    ...tally,
    requests: client.requests,
    elapsedMs: Math.round(performance.now() - started),
    accounts,
  };
}

async function hasOrganizations(app: App, token: string): Promise<boolean> {
  const page = await new DemoClient(app, token).get<Page<Organization>>('/api/v1/organizations?limit=1');
  return page.items.length > 0;
}

/** `synctrail serve --demo-if-empty`: loads the demo unless the database holds an organization. */
export async function loadDemoIfEmpty(
  app: DemoApp,
  token: string,
  options: DemoOptions = {},
): Promise<DemoSummary | undefined> {
  if (await hasOrganizations(app, token)) return undefined;
  app.log.info('the database is empty: loading the demo data set');
  // Thousands of in-process requests would each log twice at info level; the summary tells enough.
  const level = app.log.level;
  if (['trace', 'debug', 'info'].includes(level)) app.log.level = 'warn';
  let summary: DemoSummary;
  try {
    summary = await loadDemo(app, token, options);
  } finally {
    app.log.level = level;
  }
  const { accounts: _secrets, ...counts } = summary;
  app.log.info(counts, 'demo data set loaded');
  return summary;
}

export function describeSummary(s: DemoSummary): string {
  return (
    `demo data loaded in ${(s.elapsedMs / 1000).toFixed(1)} s: ${s.organizations} organizations, ` +
    `${s.integrations} integrations, ${s.users} sync users, ${s.runs} runs with ${s.actions} actions, ` +
    `${s.artifacts} log files, ${s.calls} API calls (${s.requests} API requests)`
  );
}

/** `synctrail demo`: migrates the configured database and fills it, provided it holds no organization. */
export async function loadDemoIntoFreshDatabase(config: Config): Promise<void> {
  // The demo speaks to the API as the operator; without a configured token, one for this load only.
  const token = config.bootstrapToken ?? randomBytes(24).toString('base64url');
  const engine = openEngine(config);
  try {
    await migrateToLatest(engine);
    const app = await buildApp(
      { ...config, bootstrapToken: token },
      { engine, logger: false, backgroundJobs: false },
    );
    try {
      if (await hasOrganizations(app, token)) {
        throw new DemoLoadError(
          'The database already holds organizations: `synctrail demo` fills a fresh database only. ' +
            'Point SYNCTRAIL_DATA_DIR or DATABASE_URL at an empty one.',
        );
      }
      const summary = await loadDemo(app, token, { password: config.demoPassword });
      saveDemoAccounts(config, summary.accounts);
      console.log(describeSummary(summary));
      console.log(describeDemoAccounts(`http://${config.host}:${config.port}/`, summary.accounts));
    } finally {
      await app.close();
    }
  } finally {
    await engine.close();
  }
}
