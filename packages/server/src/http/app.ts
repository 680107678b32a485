import { resolve } from 'node:path';
import Fastify, { type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  Action,
  ApiKey,
  Artifact,
  Call,
  CallSummary,
  CallsLiveEvent,
  ErrorBody,
  Integration,
  IntegrationOverview,
  Issue,
  IssueListItem,
  LiveEvent,
  MaskingRule,
  Member,
  Organization,
  OrganizationListItem,
  ResetLiveEvent,
  Run,
  RunHistogram,
  RunLiveEvent,
  SessionInfo,
  SessionListItem,
  SyncUser,
  SyncUserListItem,
  OrganizationRetention,
} from '@synctrail/types';
import type { Config } from '../config.js';
import type { Engine } from '../storage/engine.js';
import type { App } from './app-types.js';
import { createAuthenticator, type Authenticator } from './auth.js';
import { registerSecurity } from './security.js';
import { handleError } from './error-handler.js';
import { createServices, type Services } from './services.js';
import { registerNdjson } from './ndjson.js';
import { registerShutdown } from './shutdown.js';
import { validatorCompiler } from './validation.js';
import { inspectJsonText, registerInputGuard } from './input-guard.js';
import { refuseForeignCharset } from './content-type.js';
import { clientErrorHandler, frameworkErrors } from './framework-errors.js';
import { runRoutes } from '../runs/run.routes.js';
import { actionRoutes } from '../actions/action.routes.js';
import { callRoutes } from '../calls/call.routes.js';
import { artifactRoutes } from '../artifacts/artifact.routes.js';
import { runControlRoutes } from '../runs/run-control.routes.js';
import { BackgroundJobs } from '../schedules/background-jobs.js';
import { issueRoutes } from '../issues/issue.routes.js';
import { organizationRoutes } from '../organizations/organization.routes.js';
import { sessionRoutes } from '../accounts/session.routes.js';
import { memberRoutes } from '../accounts/member.routes.js';
import { apiKeyRoutes } from '../api-keys/api-key.routes.js';
import { auditRoutes } from '../audit/audit.routes.js';
import { maskingRuleRoutes } from '../masking/masking-rule.routes.js';
import { bundleRoutes } from '../bundles/bundle.routes.js';
import { liveEventRoutes } from '../events/live-event.routes.js';
import { integrationRoutes } from '../integrations/integration.routes.js';
import { consoleRoutes } from '../console/console.routes.js';
import { timelineRoutes } from '../timeline/timeline.routes.js';
import { otlpRoutes } from '../otlp/otlp.routes.js';
import { Metrics } from '../metrics/metrics.js';
import { PrometheusMetrics } from '../metrics/prometheus.js';
import { metricsRoutes, registerRequestMetrics } from '../metrics/metrics.routes.js';
import { retentionRoutes } from '../retention/retention.routes.js';

export const SHARED_SCHEMAS = [
  ErrorBody,
  Organization,
  OrganizationListItem,
  Integration,
  IntegrationOverview,
  SyncUser,
  SyncUserListItem,
  Run,
  SessionListItem,
  RunHistogram,
  Action,
  Issue,
  IssueListItem,
  CallSummary,
  Call,
  Artifact,
  SessionInfo,
  Member,
  ApiKey,
  MaskingRule,
  RunLiveEvent,
  CallsLiveEvent,
  ResetLiveEvent,
  LiveEvent,
  OrganizationRetention,
];

/** One route of the app as Fastify registered it (the authentication matrix walks these). */
export interface RouteSummary {
  method: string;
  url: string;
  public: boolean;
}

export interface BuildAppOptions {
  engine: Engine;
  authenticator?: Authenticator;
  logger?: FastifyServerOptions['logger'];
  /** Scheduler and stale-run reaping on a timer (default: as configured). Tests drive them by hand. */
  backgroundJobs?: boolean;
}

/** The whole HTTP application, ready to `listen()` or `inject()`. */
export async function buildApp(
  config: Config,
  options: BuildAppOptions,
): Promise<App & { services: Services; jobs: BackgroundJobs; routeList: readonly RouteSummary[] }> {
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    frameworkErrors,
    clientErrorHandler,
    // Draining is ours (./shutdown.ts): Fastify's 503 has another shape than the API's errors.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler());

  const metrics = new Metrics();
  const services = createServices(options.engine, config, metrics);
  const prometheus = new PrometheusMetrics(
    services.runCounts,
    async () => (await services.actionTextIndexer.backlog()).actions,
  );
  metrics.attach(prometheus);
  const authenticator =
    options.authenticator ??
    createAuthenticator({
      bootstrapToken: config.bootstrapToken,
      metricsToken: config.metricsToken,
      accounts: services.accounts,
      apiKeys: services.apiKeys,
    });

  app.setErrorHandler(handleError);
  // First, so that a request's span covers every hook (draining, rate limits, authentication).
  if (config.otel) {
    const { startOtelOut } = await import('../metrics/otel-out.js');
    await startOtelOut(app, config.otel, metrics, services.runCounts);
  }
  registerShutdown(app);
  registerRequestMetrics(app, metrics);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'not_found',
        message: `No route ${request.method} ${request.url.split('?')[0]}; see /docs.`,
      },
    }),
  );
  registerNdjson(app);
  // `Content-Type: application/json` with no body (clients that always send the header, on `/cancel`,
  // `/sync`…) means "no options", as a bodiless POST does; anything else is parsed as Fastify does,
  // after the checks every body gets (UTF-8 only, bounded depth, no unstorable text).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      refuseForeignCharset(request.headers['content-type']);
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      inspectJsonText(request, text);
      void parseJson(request, text, done);
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  const routes: RouteSummary[] = [];
  app.addHook('onRoute', (route) => {
    // The docs page and its assets are public; everything else the plugins add is not.
    if (route.url === '/docs' || route.url.startsWith('/docs/'))
      route.config = { ...(route.config ?? {}), public: true };
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, public: route.config?.public === true });
  });
  await registerSecurity(app, config);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Synctrail API',
        version: '1',
        description:
          'Records, explains and controls the synchronizations and API calls of data integrations.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // A POST with no body (e.g. `/sync`, `/lease`) means "no options": validate it as `{}`.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD')
      request.body = {};
  });
  registerInputGuard(app);
  // Deny by default: every route Fastify matched needs credentials unless it is declared public.
  // Decided on the matched route, never on the raw URL, so `/%61pi/v1/…` or an absolute-form
  // request line cannot reach a handler without them. Unmatched URLs get the 404 handler, which
  // reads nothing.
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public === true || request.routeOptions.url === undefined) return;
    request.access = await authenticator.authenticate(request);
  });

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    const ready = await options.engine.ping().catch(() => false);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'storage unavailable' });
  });
  app.get(
    '/api/v1/openapi.json',
    { config: { public: true }, schema: { hide: true, response: { 200: Type.Unknown() } } },
    async () => app.swagger(),
  );

  runRoutes(app, services, config.batchMaxBytes);
  callRoutes(app, services, config.batchMaxBytes);
  actionRoutes(app, services);
  otlpRoutes(app, services, config.batchMaxBytes);
  metricsRoutes(app, prometheus);
  artifactRoutes(app, services, config);
  runControlRoutes(app, services);
  organizationRoutes(app, services);
  issueRoutes(app, services);
  integrationRoutes(app, services);
  timelineRoutes(app, services);
  sessionRoutes(app, services);
  memberRoutes(app, services);
  apiKeyRoutes(app, services);
  auditRoutes(app, services);
  maskingRuleRoutes(app, services);
  bundleRoutes(app, services);
  retentionRoutes(app, services);
  liveEventRoutes(app, services, {
    authenticator,
    heartbeatMs: config.liveEventHeartbeatMs,
    retryMs: 2000,
  });

  await consoleRoutes(app, resolve(config.consoleDir));

  const jobs = new BackgroundJobs(
    services.scheduler,
    services.runControl,
    services.housekeeping,
    services.retention,
    config.schedulerIntervalMs,
    app.log,
  );
  if (config.backgroundJobs && options.backgroundJobs !== false)
    app.addHook('onReady', async () => jobs.start());
  const indexer = services.actionTextIndexer;
  indexer.onError = (error) => app.log.error({ err: error }, "indexing actions' text failed; retrying");
  if (config.textIndexer && options.backgroundJobs !== false)
    app.addHook('onReady', async () => indexer.start());
  // Its chunk under way finishes (a short transaction) before the engine closes.
  app.addHook('preClose', async () => indexer.stop());
  // No new tick once shutdown starts; a tick under way is awaited once the requests are drained.
  app.addHook('preClose', async () => jobs.halt());
  // Event streams never end by themselves: close them, or draining would wait out the grace period.
  app.addHook('preClose', async () => services.liveStreams.hub.close());
  app.addHook('onClose', async () => jobs.stop());
  return Object.assign(app, { services, jobs, routeList: routes });
}
