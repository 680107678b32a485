import { randomUUID } from 'node:crypto';
import {
  MAX_CALLS_PER_BATCH,
  type CallBatchResult,
  type CallInput,
  type ChangeNotification,
  type Run,
  type RunCreate,
  type SyncTrigger,
  type SyncUser,
  type SyncUserUpsert,
} from '@synctrail/types';
import { CallCapture, type CaptureOptions } from './capture/call-capture.js';
import { RunHandle, type RunOptions } from './run-handle.js';
import { Transport, type TransportOptions } from './transport.js';
import { runWorker, type RunHandler, type WorkerOptions } from './worker.js';

/**
 * Options of the client: where Synctrail is, the token, and how requests are retried.
 *
 * @example
 * ```ts
 * const options: SynctrailOptions = { url: 'https://synctrail.example.com', token: process.env.SYNCTRAIL_TOKEN! };
 * ```
 */
export type SynctrailOptions = TransportOptions;

/**
 * What `client.startRun()` takes: the run (integration, optional sync user, trigger, name) and how
 * it reports.
 *
 * @example
 * ```ts
 * const input: StartRunInput = { integrationId, userId, trigger: 'FULL_SYNC_MANUAL', name: 'Mailbox ada' };
 * ```
 */
export type StartRunInput = Pick<RunCreate, 'integrationId' | 'userId' | 'name' | 'trigger' | 'startedAt'> &
  RunOptions;

function path(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce(
    (out, part, i) => out + part + (i < ids.length ? encodeURIComponent(ids[i] ?? '') : ''),
    '',
  );
}

/**
 * The Synctrail client: starts runs, reports calls, controls syncs, runs workers.
 *
 * @example
 * ```ts
 * import { Synctrail } from '@synctrail/sdk';
 *
 * const client = new Synctrail({ url: 'http://localhost:3000', token: process.env.SYNCTRAIL_TOKEN! });
 * const run = await client.startRun({ integrationId: '0190…' });
 * await run.action({ source: { system: 'EXCHANGE', id: 'AAMk…' }, target: { system: 'CRM' }, action: 'CREATE', status: 'OK' });
 * await run.finish();
 * ```
 */
export class Synctrail {
  private readonly transport: Transport;

  constructor(options: SynctrailOptions) {
    this.transport = new Transport(options);
  }

  /**
   * Starts a run (progress RUNNING) and returns its handle, which batches actions and heartbeats.
   *
   * @example
   * ```ts
   * const run = await client.startRun({ integrationId, userId, name: 'Mailbox ada@example.com' });
   * ```
   */
  async startRun(input: StartRunInput): Promise<RunHandle> {
    const { batching, heartbeatIntervalMs, onError, ...create } = input;
    const answer = await this.transport.request<Run>('POST', '/api/v1/runs', {
      body: { json: create },
      idempotencyKey: randomUUID(),
    });
    return new RunHandle(this.transport, answer.body, {
      ...(batching ? { batching } : {}),
      ...(heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs } : {}),
      ...(onError ? { onError } : {}),
    });
  }

  /**
   * Reads a run as the server has it now.
   *
   * @example
   * ```ts
   * const { progress, counters } = await client.getRun(runId);
   * ```
   */
  async getRun(runId: string): Promise<Run> {
    return (await this.transport.request<Run>('GET', path`/api/v1/runs/${runId}`)).body;
  }

  /**
   * Creates a sync user of an organization, or updates the one with the same `externalId`.
   *
   * @example
   * ```ts
   * const user = await client.upsertUser(organizationId, { externalId: 'S-1-5-21-42', email: 'ada@example.com', name: 'Ada' });
   * ```
   */
  async upsertUser(organizationId: string, user: SyncUserUpsert): Promise<SyncUser> {
    const answer = await this.transport.request<SyncUser>(
      'POST',
      path`/api/v1/organizations/${organizationId}/users`,
      {
        body: { json: user },
        idempotencyKey: randomUUID(),
      },
    );
    return answer.body;
  }

  /**
   * Reports API calls the connector recorded itself (any number: they are sent in batches of at most
   * 10,000, each stored once even when retried).
   *
   * @example
   * ```ts
   * await client.reportCalls([
   *   { organizationId, direction: 'INCOMING', appFrom: 'okta', appTo: 'portal', action: 'SSO_SUCCESSFUL',
   *     requestType: 'AUTHENTICATION_APPLICATIONS', login: 'ada@example.com', method: 'POST', url: '/sso/acs', statusCode: 302 },
   * ]);
   * ```
   */
  async reportCalls(calls: readonly CallInput[]): Promise<CallBatchResult> {
    const result: CallBatchResult = { accepted: 0, ids: [] };
    for (let i = 0; i < calls.length; i += MAX_CALLS_PER_BATCH) {
      const answer = await this.transport.request<CallBatchResult>('POST', '/api/v1/calls', {
        body: { json: calls.slice(i, i + MAX_CALLS_PER_BATCH) },
        idempotencyKey: randomUUID(),
      });
      result.accepted += answer.body.accepted;
      result.ids.push(...answer.body.ids);
    }
    return result;
  }

  /**
   * Queues a manual full sync (a PENDING run with trigger FULL_SYNC_MANUAL) for a worker to lease.
   *
   * @example
   * ```ts
   * const pending = await client.triggerSync(integrationId, { userId });
   * ```
   */
  async triggerSync(integrationId: string, input: SyncTrigger = {}): Promise<Run> {
    const answer = await this.transport.request<Run>(
      'POST',
      path`/api/v1/integrations/${integrationId}/sync`,
      {
        body: { json: input },
        idempotencyKey: randomUUID(),
      },
    );
    return answer.body;
  }

  /**
   * Notifies changes in a system: queues a partial sync `<ORIGIN>_CHANGES`, merged with one still pending.
   *
   * @example
   * ```ts
   * await client.notifyChanges(integrationId, { origin: 'SERVICENOW' });
   * ```
   */
  async notifyChanges(integrationId: string, input: ChangeNotification): Promise<Run> {
    const answer = await this.transport.request<Run>(
      'POST',
      path`/api/v1/integrations/${integrationId}/changes`,
      {
        body: { json: input },
        idempotencyKey: randomUUID(),
      },
    );
    return answer.body;
  }

  /**
   * Asks a run to stop: a PENDING run is ABORTED at once, a running one becomes ABORTION_PENDING
   * until its connector confirms (its `run.signal` aborts at the next heartbeat).
   *
   * @example
   * ```ts
   * const run = await client.cancelRun(runId); // run.progress === 'ABORTION_PENDING'
   * ```
   */
  async cancelRun(runId: string): Promise<Run> {
    return (await this.transport.request<Run>('POST', path`/api/v1/runs/${runId}/cancel`)).body;
  }

  /**
   * Starts recording the process's outgoing HTTP calls (fetch, undici, node:http/https) as Synctrail
   * calls, secrets masked before they leave the process; with `incoming: true`, also the requests the
   * process's HTTP servers receive (Express, Fastify, Koa, plain node:http). Stop it with
   * `await capture.stop()`. For capture without code, see `@synctrail/sdk/register`.
   *
   * @example
   * ```ts
   * const capture = client.captureCalls({ app: 'exchange-connector', organizationId, runId: run.id });
   * try {
   *   await syncMailboxes();
   * } finally {
   *   await capture.stop();
   * }
   * ```
   */
  captureCalls(options: CaptureOptions): CallCapture {
    return new CallCapture(this.transport, options);
  }

  /**
   * Runs a connector worker: leases the integration's pending runs (manual, scheduled, change-triggered)
   * and runs `handler` for each, finishing or failing the run by its outcome; polls every
   * `pollIntervalMs` while nothing is pending. Resolves once `options.signal` aborted and the run in
   * progress is done; rejects with the `SynctrailError` when the server refuses the lease for good
   * (401 bad token, 403 missing scope, 404 unknown integration). Other failures are retried with
   * backoff and reported to `onError`.
   *
   * @example
   * ```ts
   * const stop = new AbortController();
   * process.once('SIGTERM', () => stop.abort());
   * await client.worker(integrationId, async (run) => {
   *   for await (const item of readSource({ signal: run.signal })) await run.action(toAction(item));
   * }, { signal: stop.signal });
   * ```
   */
  worker(integrationId: string, handler: RunHandler, options: WorkerOptions = {}): Promise<void> {
    return runWorker(this.transport, integrationId, handler, options);
  }
}
