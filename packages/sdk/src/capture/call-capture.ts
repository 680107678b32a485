import { MAX_CALLS_PER_BATCH, type CallInput } from '@synctrail/types';
import { BatchQueue, type BatchingOptions, type QueueStats } from '../batch-queue.js';
import type { SynctrailError } from '../errors.js';
import type { Transport } from '../transport.js';
import { bodyText, headerValue } from './body.js';
import { maskBody, maskHeaders, maskUrl, type HeaderRecord } from './masking.js';
import type { Observation } from './observation.js';
import { ssoLabels } from './sso-labels.js';
import { addTapListener, removeTapListener, type TapListener } from './taps.js';

/**
 * What `client.captureCalls()` records and how.
 *
 * @example
 * ```ts
 * const capture = client.captureCalls({
 *   app: 'exchange-connector',
 *   organizationId,
 *   maxBodyBytes: 16_384,
 *   redact: (call) => (call.url.includes('/health') ? null : call),
 * });
 * ```
 */
export interface CaptureOptions {
  /** The application making the calls: recorded as `appFrom`. */
  app: string;
  /** The organization the calls belong to (required with operator tokens; implied by an organization key). */
  organizationId?: string;
  /** The run the calls are part of. */
  runId?: string;
  /**
   * Called with each call after the built-in masking and before it is queued: return it (changed
   * or not, e.g. with `action`, `requestType` or `login` filled in), or `null` to leave it out. SSO/SLO
   * calls (OpenID Connect, SAML) arrive already labelled; labels set here win.
   */
  redact?: (call: CallInput) => CallInput | null;
  /** Bytes of each request and response body kept (default 64 KiB, at most 512 KiB); the rest is cut. */
  maxBodyBytes?: number;
  /** Return false to leave a request out, e.g. calls to a metrics endpoint. */
  filter?: (url: URL, method: string) => boolean;
  /** Batching of the recorded calls (same defaults as actions). When the buffer is full, calls are dropped. */
  batching?: BatchingOptions;
  /** Called when calls could not be delivered and were given up, with how many. */
  onError?: (error: SynctrailError, droppedCalls: number) => void;
}

const MAX_BODY_BYTES = 512 * 1024;
const DEFAULT_BODY_BYTES = 64 * 1024;

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function recordedBody(
  body: Observation['requestBody'],
  headers: HeaderRecord,
  maxBytes: number,
): string | null {
  const text = bodyText(body, headers, maxBytes);
  return text === null ? null : maskBody(text, headerValue(headers, 'content-type'));
}

/**
 * Records the process's outgoing HTTP calls (global `fetch`, undici, `node:http`, `node:https`) as
 * Synctrail calls, masked before they leave the process, and sends them in batches. Requests the SDK
 * makes to Synctrail itself are never recorded. Get one from `client.captureCalls()`.
 *
 * @example
 * ```ts
 * const capture = client.captureCalls({ app: 'crm-connector', organizationId });
 * await fetch('https://crm.example.com/api/contacts'); // recorded
 * await capture.stop(); // stops recording and delivers what is left
 * ```
 */
export class CallCapture implements TapListener {
  readonly maxBodyBytes: number;
  private readonly queue: BatchQueue<CallInput>;
  private readonly ownOrigin: string;
  private stopped = false;
  /** Calls left out because the buffer was full. */
  dropped = 0;

  /** @internal Use `client.captureCalls()`. */
  constructor(
    transport: Transport,
    private readonly options: CaptureOptions,
  ) {
    if (!options.app) throw new TypeError('captureCalls: `app` is required.');
    this.maxBodyBytes = Math.min(MAX_BODY_BYTES, Math.max(0, options.maxBodyBytes ?? DEFAULT_BODY_BYTES));
    this.ownOrigin = transport.origin;
    this.queue = new BatchQueue<CallInput>(
      async (lines, key) => {
        await transport.request('POST', '/api/v1/calls', {
          body: { raw: `${lines.join('\n')}\n`, contentType: 'application/x-ndjson' },
          idempotencyKey: key,
        });
      },
      options.batching,
      { maxItemsPerBatch: MAX_CALLS_PER_BATCH, onDropped: (error, count) => options.onError?.(error, count) },
    );
    addTapListener(this);
  }

  /** Calls recorded and delivered, waiting, or dropped (buffer full or undeliverable). */
  get stats(): QueueStats {
    return this.queue.statistics;
  }

  /** @internal Receives each outgoing exchange of the process. */
  observe(observation: Observation): void {
    if (this.stopped) return;
    let url: URL;
    try {
      url = new URL(observation.url);
    } catch {
      return;
    }
    if (url.origin === this.ownOrigin) return;
    if (this.options.filter && !this.options.filter(url, observation.method)) return;
    // Never hold up the caller's request: when the buffer is full, the call is dropped and counted.
    if (this.queue.full) {
      this.dropped++;
      return;
    }
    const call = this.toCall(observation, url);
    const redacted = this.options.redact ? this.options.redact(call) : call;
    if (redacted) void this.queue.push(redacted);
  }

  /** Sends the calls recorded so far; resolves when the server has stored them. */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /** Stops recording and delivers what was recorded. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      removeTapListener(this);
    }
    await this.queue.close();
  }

  private toCall(o: Observation, url: URL): CallInput {
    const method = /^[A-Z]{1,16}$/.test(o.method) ? o.method : 'OTHER';
    const responseBody = o.error
      ? `[no complete response: ${describeFailure(o.error)}]`
      : recordedBody(o.responseBody, o.responseHeaders, this.maxBodyBytes);
    return {
      ...(this.options.organizationId ? { organizationId: this.options.organizationId } : {}),
      at: o.at.toISOString(),
      direction: 'OUTGOING',
      appFrom: this.options.app.slice(0, 100),
      appTo: (url.hostname || 'unknown').slice(0, 100),
      // Labelled from the unmasked payloads: an ID token says who signed in.
      ...ssoLabels(o, this.maxBodyBytes),
      method,
      url: maskUrl(o.url).slice(0, 8000),
      statusCode: o.statusCode,
      durationMs: Math.max(0, Math.round(o.durationMs)),
      request: {
        headers: maskHeaders(o.requestHeaders),
        body: recordedBody(o.requestBody, o.requestHeaders, this.maxBodyBytes),
      },
      response: {
        headers: maskHeaders(o.responseHeaders),
        body: responseBody,
      },
      ...(this.options.runId ? { runId: this.options.runId } : {}),
    };
  }
}
