import type { Config } from '../config.js';
import type { Engine } from '../storage/engine.js';
import { OrganizationService } from '../organizations/organization.service.js';
import { IntegrationService } from '../integrations/integration.service.js';
import { UserService } from '../users/user.service.js';
import { IssueService } from '../issues/issue.service.js';
import { RunService } from '../runs/run.service.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { ArtifactService } from '../artifacts/artifact.service.js';
import { RunControlService } from '../runs/run-control.service.js';
import { RunHistogramService } from '../runs/run-histogram.service.js';
import { Scheduler } from '../schedules/scheduler.js';
import { AccountService } from '../accounts/account.service.js';
import { ApiKeyService } from '../api-keys/api-key.service.js';
import { HousekeepingService } from '../housekeeping/housekeeping.service.js';
import { ActionTextIndexer } from '../actions/action-text-index.js';
import { AuditService } from '../audit/audit.service.js';
import { CallService } from '../calls/call.service.js';
import { MaskingRuleService } from '../masking/masking-rule.service.js';
import { BundleService } from '../bundles/bundle.service.js';
import { LiveEventService } from '../events/live-event.service.js';
import { LiveEventHub } from '../events/live-event-hub.js';
import { LiveStreamService } from '../events/live-stream.service.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { OtlpService } from '../otlp/otlp.service.js';
import { Metrics } from '../metrics/metrics.js';
import { MetricsRepository } from '../metrics/metrics.repository.js';
import { RunCounts } from '../metrics/run-counts.js';
import { ActionSearchService } from '../actions/action-search.service.js';
import { RetentionService, DEFAULT_RETENTION_OPTIONS } from '../retention/retention.service.js';

/** Every service, wired once per app (with the app's own metrics, which the services feed). */
export function createServices(engine: Engine, config: Config, metrics: Metrics = new Metrics()) {
  const organizations = new OrganizationService(engine);
  const masking = new MaskingRuleService(engine, organizations);
  const integrations = new IntegrationService(engine, organizations, masking);
  const users = new UserService(engine, organizations);
  const issues = new IssueService(engine, users);
  const liveEvents = new LiveEventService(engine);
  const runs = new RunService(
    engine,
    organizations,
    integrations,
    users,
    issues,
    liveEvents,
    masking,
    metrics,
  );
  const idempotency = new IdempotencyService(engine);
  const calls = new CallService(engine, liveEvents, masking, metrics);
  const artifacts = new ArtifactService(engine, runs, idempotency, config.artifactMaxBytes, masking, metrics);
  const runControl = new RunControlService(engine, runs, integrations, users, {
    staleRunTimeoutMs: config.staleRunTimeoutMs,
    events: liveEvents,
  });
  const bundles = new BundleService(runs, artifacts, calls, users, organizations);
  const scheduler = new Scheduler(engine, integrations, runControl);
  const accounts = new AccountService(engine, organizations, config.sessionTtlMs);
  const apiKeys = new ApiKeyService(engine, organizations);
  const housekeeping = new HousekeepingService(engine, {
    idempotencyTtlMs: config.idempotencyTtlMs,
    abandonedUploadMs: 24 * 3600 * 1000,
    liveEventRetentionMs: config.liveEventRetentionMs,
  });
  const audit = new AuditService(engine);
  const retention = new RetentionService(
    engine,
    audit,
    organizations,
    { payloadDays: config.retention.payloadDays ?? null, days: config.retention.days ?? null },
    DEFAULT_RETENTION_OPTIONS,
  );
  const liveStreams = new LiveStreamService(
    liveEvents.repository,
    new LiveEventHub(liveEvents.repository, runs.repository, { pollMs: config.liveEventPollMs }),
    organizations,
    config.liveEventRetentionMs,
  );
  return {
    engine,
    config,
    organizations,
    integrations,
    users,
    issues,
    runs,
    idempotency,
    artifacts,
    runControl,
    histograms: new RunHistogramService(runs.repository),
    scheduler,
    accounts,
    apiKeys,
    housekeeping,
    calls,
    actions: new ActionSearchService(engine),
    actionTextIndexer: new ActionTextIndexer(engine),
    otlp: new OtlpService(calls),
    bundles,
    liveEvents,
    liveStreams,
    audit,
    retention,
    timeline: new TimelineService(engine, users),
    masking,
    metrics,
    runCounts: new RunCounts(new MetricsRepository(engine), config.metricsRunsCacheMs),
  };
}

export type Services = ReturnType<typeof createServices>;
