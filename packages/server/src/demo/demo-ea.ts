import type { ActionInput, HeartbeatResult, Integration, Run, RunCreate } from '@synctrail/types';
import { type DemoClock, iso, plusMs, spread } from './demo-clock.js';
import { Random } from './demo-random.js';
import type { DemoTenant } from './demo-tenants.js';
import {
  LEANIX,
  changeAction,
  existsOn,
  objectAction,
  type LandscapeObject,
  type Mood,
} from './demo-landscape.js';
import {
  DAYS,
  connection,
  runFailures,
  serviceNowObjects,
  signavioWorkspaces,
  type RunFailure,
} from './demo-ea-inventory.js';

/**
 * An EA tool synced with ServiceNow and with two Signavio workspaces (the second seed): a daily full
 * sync, manual runs, partial syncs on changes, weeks of history, and runs live right now.
 */

/** One stream of runs: an integration, and for Signavio one workspace (the run name). */
interface Stream {
  integration: Integration;
  name: string | null;
  objects: LandscapeObject[];
  fullSyncAt: [number, number];
  /** Change origins and the objects their changes touch. */
  origins: { origin: string; source: string }[];
  manualDays: number[];
}

interface PlannedRun {
  stream: Stream;
  trigger: string;
  startedAt: Date;
  actions: ActionInput[];
  failure?: RunFailure;
}

/** One sync of a stream's objects on a day; `again` for a second run that day (nothing new left). */
function syncActions(stream: Stream, day: number, mood: Mood, again: boolean, rnd: Random): ActionInput[] {
  const actions: ActionInput[] = [];
  for (const o of stream.objects) {
    if (!existsOn(o, day) || (again && o.retiredDay === day)) continue;
    const action = objectAction(o, day, mood, rnd);
    if (again && o.createdDay === day && action.status === 'OK') {
      actions.push({ ...action, action: 'NONE', message: 'No changes.' });
    } else {
      actions.push(action);
    }
  }
  return actions;
}

function errorFields(actions: readonly ActionInput[], failure: RunFailure | undefined) {
  if (failure) {
    return {
      errorSource: failure.errorSource,
      errorCategory: failure.errorCategory,
      exception: failure.exception,
    };
  }
  const errors = actions.filter((a) => a.status === 'ERROR');
  const first = errors[0];
  if (!first) return {};
  const message = first.message ?? '';
  return {
    errorSource: first.target.system,
    errorCategory: message.startsWith('403')
      ? 'PERMISSIONS'
      : message.startsWith('409')
        ? 'CONFLICT'
        : 'DATA_QUALITY',
    exception: `${errors.length} action(s) failed. First: ${message}`,
  };
}

function runBody(run: PlannedRun, rnd: Random): RunCreate {
  let actions = run.actions;
  if (run.failure?.stopAt !== undefined) {
    actions = actions.slice(0, Math.floor(actions.length * run.failure.stopAt));
    if (run.failure.error) actions.push(run.failure.error);
  } else if (run.failure?.error) {
    actions = [...actions, run.failure.error];
  }
  const full = run.trigger.startsWith('FULL_SYNC');
  const durationMs = full ? actions.length * rnd.int(900, 2500) : rnd.int(4, 40) * 1000;
  const times = spread(run.startedAt, durationMs, actions.length);
  const types = [...new Set(run.stream.objects.map((o) => o.type))];
  return {
    integrationId: run.stream.integration.id,
    ...(run.stream.name !== null ? { name: run.stream.name } : {}),
    trigger: run.trigger,
    startedAt: iso(run.startedAt),
    finishedAt: iso(plusMs(run.startedAt, durationMs)),
    progress: run.failure?.aborted ? 'ABORTED' : 'FINISHED',
    counters: {
      objects: actions.length,
      changes: actions.filter((a) => a.action !== 'NONE' && a.status !== 'ERROR').length,
      failures: actions.filter((a) => a.status === 'ERROR').length,
      conflicts: 0,
    },
    objectReport: Object.fromEntries(
      types.map((type) => [type, { synchronized: actions.filter((a) => a.objectType === type).length }]),
    ),
    ...errorFields(actions, run.failure),
    actions: actions.map((a, i) => ({ ...a, at: iso(times[i] ?? run.startedAt) })),
  };
}

function plan(
  streams: Stream[],
  failures: Map<string, RunFailure>,
  clock: DemoClock,
  rnd: Random,
): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const stream of streams) {
    for (let day = DAYS; day >= 1; day--) {
      const mood = rnd.weighted<Mood>([
        ['OK', 25],
        ['INFO', 20],
        ['WARNING', 55],
      ]);
      const [hour, minute] = stream.fullSyncAt;
      runs.push({
        stream,
        trigger: 'FULL_SYNC_JOB',
        startedAt: clock.at(day, hour, minute, rnd.int(0, 40)),
        actions: syncActions(stream, day, mood, false, rnd),
        ...optional(failures.get(`${stream.name ?? stream.integration.type}:${day}`)),
      });
      if (stream.manualDays.includes(day)) {
        runs.push({
          stream,
          trigger: 'FULL_SYNC_MANUAL',
          startedAt: clock.at(day, rnd.int(10, 15), rnd.int(0, 59), rnd.int(0, 59)),
          actions: syncActions(stream, day, mood, true, rnd),
        });
      }
      if (!clock.isWorkday(day)) continue;
      for (const { origin, source } of stream.origins) {
        const candidates = stream.objects.filter(
          (o) => o.source.system === source && existsOn(o, day) && !o.failing,
        );
        for (let n = rnd.int(0, 3); n > 0; n--) {
          const changed = rnd.sample(candidates, rnd.int(1, 6));
          runs.push({
            stream,
            trigger: `${origin}_CHANGES`,
            startedAt: clock.at(day, rnd.int(8, 18), rnd.int(0, 59), rnd.int(0, 59)),
            actions: changed.map((o) => changeAction(o, rnd)),
          });
        }
      }
    }
  }
  // One partial sync ran into a timeout.
  const partial = runs.find((r) => r.trigger === 'SERVICENOW_CHANGES' && r.startedAt < clock.at(14, 0));
  if (partial) {
    partial.failure = {
      errorSource: 'UNKNOWN',
      errorCategory: 'TIMEOUT',
      exception:
        'java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)',
      error: connection('SERVICENOW', 'No answer from ServiceNow within 60 s; the partial sync stopped.'),
    };
  }
  return runs.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
}

function optional(failure: RunFailure | undefined): { failure?: RunFailure } {
  return failure ? { failure } : {};
}

/** Loads the EA organization's two integrations with four weeks of runs and a few live ones. */
export async function loadEnterpriseArchitecture(tenant: DemoTenant, clock: DemoClock): Promise<void> {
  const rnd = Random.forPart('enterprise-architecture');
  const serviceNow = await tenant.integration({
    type: 'servicenow',
    name: 'LeanIX ↔ ServiceNow CMDB',
    capabilities: { cancellable: true, partialSync: true },
    schedule: '0 3 * * *',
    configuration: {
      instanceUrl: 'https://fabrikam.service-now.com',
      username: 'leanix.integration',
      password: 'Sn0w-Integration-2026!',
      oauth: { clientId: '4f1c2a9e0b7d4c3a', clientSecret: 'a9Qx-7vLm-22Rt' },
      flows: [
        { from: 'cmdb_ci_business_app', to: 'Application' },
        { from: 'cmdb_software_product_model', to: 'ITComponent' },
        { from: 'core_company', to: 'Provider' },
        { from: 'BusinessCapability', to: 'cmdb_ci_business_capability' },
      ],
    },
  });
  const signavio = await tenant.integration({
    type: 'signavio',
    name: 'LeanIX ↔ Signavio',
    capabilities: { cancellable: false, partialSync: true },
    schedule: '0 4 * * *',
    configuration: {
      workspaces: [
        { name: 'Corporate Processes', tenant: 'fabrikam-corp', apiToken: 'sig-7f3e9c1d-corp' },
        { name: 'IT Processes', tenant: 'fabrikam-it', apiToken: 'sig-0b8a4e2f-it' },
      ],
      dictionaryCategory: 'IT Systems',
    },
  });

  const { corporate, itProcesses } = signavioWorkspaces(rnd);
  const streams: Stream[] = [
    {
      integration: serviceNow,
      name: null,
      objects: serviceNowObjects(rnd),
      fullSyncAt: [3, 0],
      origins: [
        { origin: 'SERVICENOW', source: 'SERVICENOW' },
        { origin: 'LEANIX', source: LEANIX },
      ],
      manualDays: [20, 11, 3],
    },
    {
      integration: signavio,
      name: 'Corporate Processes',
      objects: corporate,
      fullSyncAt: [4, 0],
      origins: [
        { origin: 'SIGNAVIO', source: 'SIGNAVIO' },
        { origin: 'LEANIX', source: LEANIX },
      ],
      manualDays: [15],
    },
    {
      integration: signavio,
      name: 'IT Processes',
      objects: itProcesses,
      fullSyncAt: [4, 30],
      origins: [{ origin: 'SIGNAVIO', source: 'SIGNAVIO' }],
      manualDays: [6],
    },
  ];
  for (const run of plan(streams, runFailures(), clock, rnd)) await tenant.run(runBody(run, rnd));
  await liveRuns(tenant, streams, clock, rnd);
}

/**
 * Right now: a ServiceNow full sync an administrator cancelled (the connector confirmed), a manual
 * sync queued after it, a Signavio sync under way, and a change notification waiting for a connector.
 */
async function liveRuns(tenant: DemoTenant, streams: Stream[], clock: DemoClock, rnd: Random): Promise<void> {
  const [serviceNow, corporate] = streams as [Stream, Stream];
  const client = tenant.client;
  const timed = (actions: ActionInput[], start: Date, stepMs: number) =>
    actions.map((a, i) => ({ ...a, at: iso(plusMs(start, i * stepMs)) }));
  /** Starts a run and reports its actions in batches, with a heartbeat after each, as a connector does. */
  const startAndReport = async (
    stream: Stream,
    trigger: string,
    start: Date,
    actions: ActionInput[],
    batch: number,
  ) => {
    const run = await tenant.run({
      integrationId: stream.integration.id,
      ...(stream.name !== null ? { name: stream.name } : {}),
      trigger,
      startedAt: iso(start),
    });
    for (let i = 0; i < actions.length; i += batch) {
      await tenant.appendActions(run.id, actions.slice(i, i + batch));
      await client.post(`/api/v1/runs/${run.id}/heartbeat`);
    }
    return run;
  };

  const cancelledAt = clock.minutesAgo(6);
  const done = timed(syncActions(serviceNow, 0, 'OK', true, rnd).slice(0, 40), cancelledAt, 2500);
  const cancelled = await startAndReport(serviceNow, 'FULL_SYNC_MANUAL', cancelledAt, done, 20);
  await client.post<Run>(`/api/v1/runs/${cancelled.id}/cancel`);
  // The connector learns of the cancel from its next heartbeat, and stops.
  const beat = await client.post<HeartbeatResult>(`/api/v1/runs/${cancelled.id}/heartbeat`);
  if (beat.cancelRequested) {
    await client.patch(`/api/v1/runs/${cancelled.id}`, {
      progress: 'ABORTED',
      exception: `Cancelled on request after ${done.length} of ${serviceNow.objects.length} objects.`,
    });
  }
  await tenant.triggerSync(serviceNow.integration.id);

  const startedAt = clock.minutesAgo(4);
  const partial = timed(syncActions(corporate, 0, 'WARNING', true, rnd).slice(0, 24), startedAt, 4000);
  await startAndReport(corporate, 'FULL_SYNC_JOB', startedAt, partial, 8);
  await tenant.notifyChanges(corporate.integration.id, 'LEANIX');
}
