import { MAX_CALLS_PER_BATCH, type CallInput } from '@synctrail/types';
import { BatchQueue, type BatchingOptions, type QueueStats } from '../batch-queue.js';
import { SynctrailError } from '../errors.js';
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
  /** Return false to leave a request out, e.g. calls to a metrics endpoint or incoming health checks. */
  filter?: (url: URL, method: string, direction: 'OUTGOING' | 'INCOMING') => boolean;
  /**
   * Also record the requests the process's own HTTP servers receive (`node:http`/`node:https`, so
   * Express, Fastify, Koa…) as `INCOMING` calls: `appFrom` is the sender (the host of `Origin`/`Referer`,
   * else the client address), `appTo` is `app`. Off by default; `@synctrail/sdk/register` turns it on.
   */
  incoming?: boolean;
  /**
   * Batching of the recorded calls (same defaults as actions). When `maxBuffered` calls wait, the
   * oldest waiting one is dropped for each new one (counted in `dropped`).
   */
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

/** The SDK's own user agent (transport.ts): a Synctrail server in the same process receiving its reports. */
function isSdkUserAgent(o: Observation): boolean {
  const agent = headerValue(o.requestHeaders, 'user-agent');
  return agent !== undefined && agent.startsWith('synctrail-sdk/');
}

/**
 * Records the process's outgoing HTTP calls (global `fetch`, undici, `node:http`, `node:https`) — and,
 * with `incoming: true`, the requests its HTTP servers receive — as Synctrail calls, masked before they
 * leave the process, and sends them in batches. Requests the SDK makes to Synctrail itself are never
 * recorded. Get one from `client.captureCalls()`.
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
  /** @internal Whether the taps deliver incoming requests too. */
  readonly incoming: boolean;
  private readonly abort = new AbortController();
  private readonly queue: BatchQueue<CallInput>;
  private readonly ownOrigin: string;
  private stopped = false;
  /** Calls dropped because the buffer was full (the oldest waiting ones, or the new one if none could go). */
  dropped = 0;

  /** @internal Use `client.captureCalls()`. */
  constructor(
    transport: Transport,
    private readonly options: CaptureOptions,
  ) {
    if (!options.app) throw new TypeError('captureCalls: `app` is required.');
    this.maxBodyBytes = Math.min(MAX_BODY_BYTES, Math.max(0, options.maxBodyBytes ?? DEFAULT_BODY_BYTES));
    this.incoming = options.incoming === true;
    this.ownOrigin = transport.origin;
    this.queue = new BatchQueue<CallInput>(
      async (lines, key) => {
        await transport.request('POST', '/api/v1/calls', {
          body: { raw: `${lines.join('\n')}\n`, contentType: 'application/x-ndjson' },
          idempotencyKey: key,
          signal: this.abort.signal,
        });
      },
      options.batching,
      { maxItemsPerBatch: MAX_CALLS_PER_BATCH, onDropped: (error, count) => options.onError?.(error, count) },
    );
    addTapListener(this);
  }

  /** Calls delivered, waiting, and given up as undeliverable (those dropped for room are in `dropped`). */
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
    const direction = observation.direction ?? 'OUTGOING';
    // Synctrail's own traffic: the SDK's requests, and (when Synctrail runs in this process) their arrival.
    if (url.origin === this.ownOrigin || (direction === 'INCOMING' && isSdkUserAgent(observation))) return;
    if (this.options.filter && !this.options.filter(url, observation.method, direction)) return;
    const call = this.toCall(observation, url);
    const redacted = this.options.redact ? this.options.redact(call) : call;
    if (!redacted) return;
    // Never hold up the caller's request: when the buffer is full, the oldest waiting call gives way.
    if (this.queue.full) {
      this.dropped++;
      if (!this.queue.dropOldest()) return;
    }
    void this.queue.push(redacted);
  }

  /** Sends the calls recorded so far; resolves when the server has stored them. */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /**
   * Stops recording and delivers what was recorded. With `timeoutMs`, resolves by then at the latest:
   * what is not delivered by the deadline is given up (counted in `stats.dropped`, reported to
   * `onError`) and the request in flight is cancelled, so the capture no longer keeps the process alive.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', async () => {
   *   await capture.stop({ timeoutMs: 2_000 });
   *   process.exit(143);
   * });
   * ```
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      removeTapListener(this);
    }
    const closing = this.queue.close();
    if (options.timeoutMs === undefined) return closing;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), Math.max(0, options.timeoutMs ?? 0));
    });
    let outcome: boolean;
    try {
      outcome = await Promise.race([closing.then(() => false), late]);
    } finally {
      clearTimeout(timer);
    }
    if (!outcome) return;
    this.abort.abort(
      new SynctrailError(0, 'timeout', `Calls not delivered within ${options.timeoutMs} ms were given up.`),
    );
    // Every batch left now fails at once (the signal is aborted) and is counted as dropped.
    await closing.catch(() => undefined);
  }

  private toCall(o: Observation, url: URL): CallInput {
    const method = /^[A-Z]{1,16}$/.test(o.method) ? o.method : 'OTHER';
    const responseBody = o.error
      ? `[no complete response: ${describeFailure(o.error)}]`
      : recordedBody(o.responseBody, o.responseHeaders, this.maxBodyBytes);
    const app = this.options.app.slice(0, 100);
    const other = (o.direction === 'INCOMING' ? o.peer : url.hostname) || 'unknown';
    return {
      ...(this.options.organizationId ? { organizationId: this.options.organizationId } : {}),
      at: o.at.toISOString(),
      ...(o.direction === 'INCOMING'
        ? { direction: 'INCOMING' as const, appFrom: other.slice(0, 100), appTo: app }
        : { direction: 'OUTGOING' as const, appFrom: app, appTo: other.slice(0, 100) }),
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
