import { SynctrailError } from '@synctrail/sdk';
import type { Credentials } from '../profiles/profile-store.js';

const USER_AGENT = 'synctrail-cli/0.1.0';

/** Query parameters of a request; undefined ones are left out. */
export type Query = Record<string, string | undefined>;

/**
 * The HTTP client of the commands: authentication (a bearer token, or a console session's cookie with
 * its CSRF token on writes), JSON in and out, errors as the SDK's {@link SynctrailError}.
 */
export class ApiClient {
  readonly baseUrl: URL;

  constructor(readonly credentials: Credentials) {
    this.baseUrl = new URL(credentials.url.endsWith('/') ? credentials.url : `${credentials.url}/`);
  }

  /** The absolute URL of an API path with its query. */
  url(path: string, query: Query = {}): URL {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    return url;
  }

  /** The headers that authenticate a request with these credentials. */
  authHeaders(method: string): Record<string, string> {
    const { token, session } = this.credentials;
    if (token) return { authorization: `Bearer ${token}` };
    if (!session) return {};
    const headers: Record<string, string> = { cookie: `${session.cookieName}=${session.cookie}` };
    if (method !== 'GET' && method !== 'HEAD' && session.csrfToken)
      headers['x-csrf-token'] = session.csrfToken;
    return headers;
  }

  /** Sends a request and answers the raw response, throwing {@link SynctrailError} for a non-2xx one. */
  async send(
    method: string,
    path: string,
    options: { query?: Query; json?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': USER_AGENT,
      ...this.authHeaders(method),
      ...options.headers,
    };
    const init: RequestInit = { method, headers };
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.json);
    }
    if (options.signal) init.signal = options.signal;
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw new SynctrailError(
        0,
        'network_error',
        `Cannot reach Synctrail at ${this.baseUrl.origin}: ${cause instanceof Error ? cause.message : String(cause)}`,
        undefined,
        { cause: error },
      );
    }
    if (!response.ok) {
      throw SynctrailError.fromResponse(response.status, await response.text(), method, url.pathname);
    }
    return response;
  }

  /** A JSON request; its parsed answer (undefined for 204). */
  async json<T>(
    method: string,
    path: string,
    options: { query?: Query; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** `encodeURIComponent` for each id put into a path template. */
export function path(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce(
    (out, part, i) => out + part + (i < ids.length ? encodeURIComponent(ids[i] ?? '') : ''),
    '',
  );
}
