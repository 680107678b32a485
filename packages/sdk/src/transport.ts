import { SynctrailError } from './errors.js';
import {
  backoffDelay,
  parseRetryAfter,
  retryPolicy,
  sleep,
  type RetryOptions,
  type RetryPolicy,
} from './retry.js';
import { insideSdk } from './sdk-scope.js';

const USER_AGENT = 'synctrail-sdk/0.1.0';

/**
 * Where and how the SDK reaches Synctrail.
 *
 * @example
 * ```ts
 * const options: TransportOptions = { url: 'https://synctrail.example.com', token, requestTimeoutMs: 30_000 };
 * ```
 */
export interface TransportOptions {
  /** Base URL of the Synctrail server, e.g. `https://synctrail.example.com`. */
  url: string;
  /** An API key or token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** The fetch to use (default: the global one), e.g. one bound to a proxy dispatcher. */
  fetch?: typeof fetch;
  /** Time limit of one attempt of one request (default 60 s). */
  requestTimeoutMs?: number;
  /** Retries of writes that carry an idempotency key, and of reads. */
  retry?: RetryOptions;
}

/**
 * A request body: JSON, or raw data (a string, bytes, or a stream of bytes).
 *
 * @example
 * ```ts
 * const body: RequestBody = { raw: lines.join('\n'), contentType: 'application/x-ndjson' };
 * ```
 */
export type RequestBody =
  | { json: unknown }
  | { raw: string | Uint8Array; contentType?: string }
  | { stream: AsyncIterable<Uint8Array>; contentType?: string };

/**
 * Options of one request.
 *
 * @example
 * ```ts
 * const options: RequestOptions = { body: { json: patch }, idempotencyKey: randomUUID() };
 * ```
 */
export interface RequestOptions {
  body?: RequestBody;
  query?: Record<string, string | undefined>;
  /** Sent as `Idempotency-Key`; a write with a key is retried, the server storing it once. */
  idempotencyKey?: string;
  /** Retry this request (default: when it carries an idempotency key or reads). Streams never are. */
  retry?: boolean;
  signal?: AbortSignal;
}

/**
 * A successful answer.
 *
 * @example
 * ```ts
 * const { body: run, replayed } = await transport.request<Run>('GET', `/api/v1/runs/${id}`);
 * ```
 */
export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
  /** The server answered a retry with the stored answer of an earlier attempt. */
  replayed: boolean;
}

/**
 * Sends requests to Synctrail: authentication, errors as {@link SynctrailError}, retries.
 *
 * @example
 * ```ts
 * const transport = new Transport({ url, token });
 * const { body } = await transport.request<Run>('POST', '/api/v1/runs', { body: { json: { integrationId } }, idempotencyKey: randomUUID() });
 * ```
 */
export class Transport {
  readonly baseUrl: URL;
  readonly policy: RetryPolicy;
  private readonly token: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  /** Attempts that were retried, for statistics and tests. */
  retries = 0;

  constructor(options: TransportOptions) {
    if (!options.token) throw new TypeError('Synctrail: `token` is required.');
    this.baseUrl = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    this.token = options.token;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.requestTimeoutMs ?? 60_000;
    this.policy = retryPolicy(options.retry);
  }

  /** The origin of the server, which call capture ignores. */
  get origin(): string {
    return this.baseUrl.origin;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const canRetry =
      !(options.body && 'stream' in options.body) &&
      (options.retry ?? (options.idempotencyKey !== undefined || method === 'GET' || method === 'HEAD'));
    const attempts = canRetry ? this.policy.maxAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      let error: SynctrailError;
      let retryAfter: number | undefined;
      try {
        const response = await this.send(method, url, options);
        const text = await readText(response, method, path);
        if (response.ok) {
          return {
            status: response.status,
            body: (text ? parseJson(text, method, path) : undefined) as T,
            headers: response.headers,
            replayed: response.headers.get('idempotent-replayed') === 'true',
          };
        }
        error = SynctrailError.fromResponse(response.status, text, method, url.pathname);
        retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      } catch (caught) {
        if (!(caught instanceof SynctrailError)) throw caught;
        error = caught;
      }
      if (!error.retryable || attempt >= attempts) throw error;
      this.retries++;
      await sleep(backoffDelay(this.policy, attempt, retryAfter), options.signal);
    }
  }

  private async send(method: string, url: URL, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
      'user-agent': USER_AGENT,
    };
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    const init: RequestInit & { duplex?: 'half' } = { method, headers };
    const body = options.body;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body.json);
    } else if (body && 'raw' in body) {
      if (body.contentType) headers['content-type'] = body.contentType;
      // DOM's BodyInit wants bytes over an ArrayBuffer; Node's fetch takes any Uint8Array alike.
      init.body = typeof body.raw === 'string' ? body.raw : (body.raw as Uint8Array<ArrayBuffer>);
    } else if (body && 'stream' in body) {
      if (body.contentType) headers['content-type'] = body.contentType;
      // Node's fetch streams an async iterable as the body; `duplex: 'half'` is required for it.
      init.body = body.stream as unknown as NonNullable<RequestInit['body']>;
      init.duplex = 'half';
    }
    const timeout = AbortSignal.timeout(this.timeoutMs);
    init.signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      return await insideSdk(() => this.fetchImpl(url, init));
    } catch (error) {
      throw toRequestError(error, timeout, options.signal, method, url);
    }
  }
}

function toRequestError(
  error: unknown,
  timeout: AbortSignal,
  signal: AbortSignal | undefined,
  method: string,
  url: URL,
) {
  if (signal?.aborted) return signal.reason as unknown;
  if (timeout.aborted) {
    return new SynctrailError(0, 'timeout', `${method} ${url.pathname} got no answer in time.`, undefined, {
      cause: error,
    });
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new SynctrailError(0, 'network_error', `${method} ${url.pathname} failed: ${reason}`, undefined, {
    cause: error,
  });
}

async function readText(response: Response, method: string, path: string): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    // The connection broke while the answer was being read: the outcome is unknown, as for a network error.
    throw new SynctrailError(0, 'network_error', `${method} ${path}: the answer was cut off.`, undefined, {
      cause: error,
    });
  }
}

function parseJson(text: string, method: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SynctrailError(
      0,
      'invalid_response',
      `${method} ${path} answered with invalid JSON.`,
      undefined,
      { cause: error },
    );
  }
}
