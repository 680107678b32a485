/**
 * @synctrail/sdk: report sync runs, actions, log files and API calls to Synctrail from a connector.
 *
 * @example
 * ```ts
 * import { Synctrail } from '@synctrail/sdk';
 *
 * const client = new Synctrail({ url: process.env.SYNCTRAIL_URL!, token: process.env.SYNCTRAIL_TOKEN! });
 * const run = await client.startRun({ integrationId });
 * await run.action({ source: { system: 'EXCHANGE', id: '1' }, target: { system: 'CRM' }, action: 'UPDATE', status: 'OK' });
 * await run.finish();
 * ```
 * @packageDocumentation
 */
export { Synctrail, type StartRunInput, type SynctrailOptions } from './client.js';
export {
  RunHandle,
  type ActionDraft,
  type FailOptions,
  type FinishOptions,
  type RunOptions,
} from './run-handle.js';
export type { ArtifactData, AttachOptions } from './artifact-upload.js';
export type { BatchingOptions, QueueStats } from './batch-queue.js';
export type { RetryOptions } from './retry.js';
export { RunCancelledError, SynctrailError, type ClientErrorCode } from './errors.js';
export type { RunHandler, WorkerOptions } from './worker.js';
export { CallCapture, type CaptureOptions } from './capture/call-capture.js';
export {
  MASK,
  isSecretField,
  maskBody,
  maskHeaders,
  maskJson,
  maskText,
  maskUrl,
  type HeaderRecord,
} from './capture/masking.js';

/**
 * The API contract's types, re-exported for convenience.
 *
 * @example
 * ```ts
 * import type { ActionInput, Run } from '@synctrail/sdk';
 * ```
 */
export type {
  ActionInput,
  Artifact,
  ArtifactKind,
  CallInput,
  ChangeNotification,
  ErrorBody,
  LeaseResult,
  ReportedCounters,
  Run,
  RunPatch,
  SyncTrigger,
  SyncUser,
  SyncUserUpsert,
} from '@synctrail/types';
