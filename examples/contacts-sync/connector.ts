/**
 * The contacts-sync connector: a Synctrail worker that mirrors the example CRM's contacts into a
 * SQLite file whenever Synctrail has a run pending for its integration (Run Sync in the console,
 * `POST /api/v1/integrations/{id}/sync`, or the integration's schedule).
 *
 * Run: node --conditions=development --import tsx examples/contacts-sync/connector.ts \
 *        --token <ingest key> --integration <integration id>   (see README.md)
 */
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import { Synctrail, SynctrailError, type CallInput, type FailOptions, type RunHandle } from '@synctrail/sdk';
import { ConfigError, loadConfig, type ConnectorConfig } from './config.js';
import { CrmClient, CrmError } from './crm-client.js';
import { RunLog } from './run-log.js';
import { emptyOutcome, syncContacts, type SyncOutcome } from './sync-contacts.js';
import { TargetStore } from './target-store.js';

/** Why the connector stopped in the middle of a run. */
class ShutdownError extends Error {
  override readonly name = 'ShutdownError';
}

const APP = 'contacts-sync';

/** Names the CRM calls so that they can be filtered in Synctrail's call log. */
function labelCrmCall(call: CallInput): CallInput {
  const path = new URL(call.url).pathname;
  return { ...call, requestType: path === '/contacts' ? 'CONTACT_LIST' : 'CONTACT_READ' };
}

/** Where a failure comes from and what kind it is, as the run's errorSource / errorCategory. */
function classify(error: unknown): Pick<FailOptions, 'source' | 'category'> {
  if (error instanceof CrmError) return { source: 'CRM', category: error.category };
  if (error instanceof Database.SqliteError) return { source: 'SQLITE', category: 'TargetDatabase' };
  if (error instanceof ShutdownError) return { source: 'CONNECTOR', category: 'Shutdown' };
  return { source: 'CONNECTOR' };
}

function report(outcome: SyncOutcome): Required<Pick<FailOptions, 'counters' | 'objectReport'>> {
  return {
    counters: {
      objects: outcome.listed,
      changes: outcome.created + outcome.updated + outcome.deleted,
      failures: outcome.failed,
      conflicts: outcome.conflicts,
    },
    objectReport: { Contact: { ...outcome } },
  };
}

/** One run, from lease to end: sync with the CRM's calls recorded, attach the log and the target, end it. */
async function handleRun(
  client: Synctrail,
  config: ConnectorConfig,
  store: TargetStore,
  shutdown: AbortSignal,
  run: RunHandle,
): Promise<void> {
  const log = new RunLog(run.id);
  const signal = AbortSignal.any([run.signal, shutdown]);
  const crmOrigin = new URL(config.crmUrl).origin;
  const capture = client.captureCalls({
    app: APP,
    organizationId: run.run.organizationId,
    runId: run.id,
    // Capture is process-wide: keep only this connector's CRM calls.
    filter: (url) => url.origin === crmOrigin,
    redact: labelCrmCall,
    onError: (error, dropped) =>
      log.warn(`${dropped} recorded call(s) could not be delivered: ${error.message}`),
  });
  const crm = new CrmClient({
    baseUrl: config.crmUrl,
    token: config.crmToken,
    trace: (line) => log.info(line),
  });
  log.info(
    `run ${run.id} (${run.run.trigger}) leased by ${config.workerName}: ${config.crmUrl} → ${config.target}`,
  );
  if (run.run.name === null) {
    await run
      .update({ name: `CRM contacts → ${basename(config.target)}` })
      .catch((error: unknown) => log.warn(`could not name the run: ${String(error)}`));
  }

  const outcome = emptyOutcome();
  let failure: unknown;
  try {
    await syncContacts(run, { crm, store, log, pageSize: config.pageSize, signal }, outcome);
  } catch (error) {
    failure = error;
  } finally {
    await capture
      .stop()
      .catch((error: unknown) => log.warn(`recorded calls not delivered: ${String(error)}`));
  }
  const summary = `${outcome.created} created, ${outcome.updated} updated, ${outcome.deleted} deleted, ${outcome.unchanged} unchanged, ${outcome.conflicts} conflict(s), ${outcome.failed} failed`;
  const cancelled = run.signal.aborted;
  if (cancelled) log.warn(`cancelled by an administrator; stopped after: ${summary}`);
  else if (failure === undefined) log.info(`sync done: ${summary}`);
  else {
    if (shutdown.aborted) {
      failure = new ShutdownError(`The connector was stopped during the run, after: ${summary}`, {
        cause: failure,
      });
    }
    log.error(`sync failed: ${failure instanceof Error ? failure.message : String(failure)}`);
  }

  // Attachments are evidence, not the sync: one that cannot be made or sent must not change the run's outcome.
  const attachments = [
    ['sync.log', 'OTHER', () => log.text(), 'text/plain; charset=utf-8'],
    [basename(config.target), 'SYNC_DUMP', () => store.snapshot(), 'application/vnd.sqlite3'],
  ] as const;
  for (const [name, kind, content, contentType] of attachments) {
    try {
      await run.attach(name, kind, content(), { contentType });
    } catch (error) {
      log.warn(`could not attach ${name}: ${String(error)}`);
    }
  }

  const ending = report(outcome);
  if (cancelled || failure === undefined) await run.finish(ending);
  else await run.fail(failure, { ...ending, ...classify(failure) });
}

async function main(): Promise<void> {
  let config: ConnectorConfig;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
    return;
  }

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      console.error(`${signal} again: exiting now`);
      process.exit(1);
    }
    console.log(`${signal}: stopping (no new run is taken; a run in progress ends now)`);
    stop.abort(new ShutdownError(`stopped by ${signal}`));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const client = new Synctrail({ url: config.synctrailUrl, token: config.token });
  const store = TargetStore.open(config.target);
  console.log(
    `contacts-sync worker ${config.workerName}: integration ${config.integrationId} on ${config.synctrailUrl}, polling every ${config.pollIntervalMs} ms`,
  );
  try {
    await client.worker(config.integrationId, (run) => handleRun(client, config, store, stop.signal, run), {
      signal: stop.signal,
      name: config.workerName,
      pollIntervalMs: config.pollIntervalMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      // Runs are small: send actions soon, so the console shows progress and a cancel is noticed early.
      batching: { flushIntervalMs: 250 },
      // One run at a time: call capture is process-wide, so two runs would record each other's calls.
      concurrency: 1,
      onError: (error, run) => {
        console.error(
          `${run ? `[run ${run.id}] ` : ''}${error instanceof Error ? error.message : String(error)}`,
        );
        // A wrong token or integration id does not fix itself: stop instead of polling forever.
        if (!run && error instanceof SynctrailError && [401, 403, 404].includes(error.status)) {
          process.exitCode = 1;
          stop.abort(error);
        }
      },
    });
  } finally {
    store.close();
  }
  console.log('contacts-sync worker stopped');
}

await main();
