import { setTimeout as sleep } from 'node:timers/promises';

/** A contact as the CRM describes it. */
export interface CrmContact {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  /** When the contact last changed in the CRM (ISO 8601). */
  updatedAt: string;
}

/** Why a CRM request failed, in the words a run's `errorCategory` uses. */
export type CrmFailure =
  'Authentication' | 'Unavailable' | 'RateLimited' | 'NotFound' | 'ServerError' | 'InvalidData';

/** A CRM request that failed for good (after retries where retrying made sense). */
export class CrmError extends Error {
  override readonly name = 'CrmError';

  constructor(
    message: string,
    readonly category: CrmFailure,
    /** The HTTP status, or null when no answer came. */
    readonly status: number | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** True when the whole CRM is unusable (not just one contact): the run cannot go on. */
  get fatal(): boolean {
    return (
      this.category === 'Authentication' || this.category === 'Unavailable' || this.category === 'RateLimited'
    );
  }
}

export interface CrmClientOptions {
  baseUrl: string;
  token: string;
  /** One line per request, for the run's log. */
  trace: (line: string) => void;
  /** Attempts per request on 429, 503 and network errors (default 4). */
  maxAttempts?: number;
  /** Longest `Retry-After` honoured (default 30 s); longer waits fail the request. */
  maxRetryAfterMs?: number;
}

interface ListPage {
  items: { id: string }[];
  nextCursor: string | null;
}

function isText(value: unknown): value is string {
  return typeof value === 'string';
}

function optionalText(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === 'string';
}

/** Checks what the CRM sent: a contact the target can store, or a CrmError saying what is wrong. */
function toContact(id: string, body: unknown): CrmContact {
  const c = (body ?? {}) as Record<string, unknown>;
  const valid =
    isText(c.firstName) &&
    isText(c.lastName) &&
    isText(c.updatedAt) &&
    !Number.isNaN(Date.parse(c.updatedAt)) &&
    optionalText(c.email) &&
    optionalText(c.phone) &&
    optionalText(c.company);
  if (!valid)
    throw new CrmError(
      `Contact ${id}: the CRM sent a contact without firstName, lastName or a valid updatedAt`,
      'InvalidData',
      200,
    );
  return {
    id,
    firstName: c.firstName as string,
    lastName: c.lastName as string,
    email: (c.email as string | null | undefined) ?? null,
    phone: (c.phone as string | null | undefined) ?? null,
    company: (c.company as string | null | undefined) ?? null,
    updatedAt: new Date(c.updatedAt as string).toISOString(),
  };
}

/**
 * Reads the example CRM's contacts over HTTP with the global `fetch` (so `client.captureCalls()`
 * records every request). Retries 429 (honouring `Retry-After`), 503 and network errors; every wait
 * and every request stops at once when `signal` aborts.
 */
export class CrmClient {
  private readonly maxAttempts: number;
  private readonly maxRetryAfterMs: number;

  constructor(private readonly options: CrmClientOptions) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  }

  /** Every contact id, following the list's pages. */
  async listContactIds(pageSize: number, signal: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: String(pageSize), ...(cursor ? { cursor } : {}) });
      const page = (await this.get(`/contacts?${query}`, signal)) as ListPage;
      if (!Array.isArray(page.items))
        throw new CrmError('The CRM sent a contact list without items', 'InvalidData', 200);
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  async getContact(id: string, signal: AbortSignal): Promise<CrmContact> {
    return toContact(id, await this.get(`/contacts/${encodeURIComponent(id)}`, signal));
  }

  private async get(path: string, signal: AbortSignal): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      const started = Date.now();
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${this.options.baseUrl}${path}`, {
          headers: { authorization: `Bearer ${this.options.token}`, accept: 'application/json' },
          signal,
        });
        // Read the body whole: a response never read would never end, nor be recorded as a call.
        text = await response.text();
      } catch (error) {
        if (signal.aborted) {
          this.options.trace(`GET ${path} → abandoned after ${Date.now() - started} ms: the run is stopping`);
          throw signal.reason;
        }
        const reason = describeFailure(error);
        this.options.trace(`GET ${path} → no answer (${reason}) after ${Date.now() - started} ms`);
        if (attempt >= this.maxAttempts) {
          throw new CrmError(
            `The CRM at ${this.options.baseUrl} did not answer GET ${path}: ${reason}`,
            'Unavailable',
            null,
            {
              cause: error,
            },
          );
        }
        await sleep(250 * 2 ** (attempt - 1), undefined, { signal });
        continue;
      }
      this.options.trace(`GET ${path} → ${response.status} in ${Date.now() - started} ms`);
      if (response.ok) return JSON.parse(text) as unknown;

      const message = `CRM answered ${response.status} to GET ${path}: ${describe(text)}`;
      if ((response.status === 429 || response.status === 503) && attempt < this.maxAttempts) {
        const waitMs = retryAfterMs(response.headers.get('retry-after')) ?? 500 * 2 ** (attempt - 1);
        if (waitMs <= this.maxRetryAfterMs) {
          this.options.trace(`  retrying in ${waitMs} ms (attempt ${attempt + 1} of ${this.maxAttempts})`);
          await sleep(waitMs, undefined, { signal });
          continue;
        }
      }
      throw new CrmError(message, categoryOf(response.status), response.status);
    }
  }
}

function categoryOf(status: number): CrmFailure {
  if (status === 401 || status === 403) return 'Authentication';
  if (status === 404) return 'NotFound';
  if (status === 429) return 'RateLimited';
  if (status === 503) return 'Unavailable';
  return 'ServerError';
}

/** `fetch failed: connect ECONNREFUSED 127.0.0.1:4010`: fetch's own message says little without its cause. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

/** The CRM's error message when it sent one, else the start of the body. */
function describe(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: show it as it came
  }
  return text.slice(0, 500) || '(empty body)';
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
