import type { ArtifactKind } from '@synctrail/types';
import type { App } from '../http/app-types.js';

/** A log file to attach to a run. */
export interface DemoFile {
  name: string;
  kind: ArtifactKind;
  content: string;
}

export class DemoLoadError extends Error {
  override readonly name = 'DemoLoadError';
}

type Method = 'GET' | 'POST' | 'PATCH';

const MAX_RATE_LIMIT_RETRIES = 5;

/**
 * The demo speaks to the server only through its HTTP API (in process, with `inject`), as the
 * operator: every rule of the API applies to the demo data exactly as to a connector's.
 */
export class DemoClient {
  /** Requests sent, for the summary. */
  requests = 0;
  private keySeq = 0;

  constructor(
    private readonly app: App,
    private readonly token: string,
  ) {}

  /** A fresh Idempotency-Key, stable across loads so that the data set is the same every time. */
  nextKey(part: string): string {
    return `demo-${part}-${++this.keySeq}`;
  }

  async get<T>(url: string): Promise<T> {
    return (await this.send<T>('GET', url)).body;
  }

  async post<T>(url: string, body: unknown = {}, idempotencyKey?: string): Promise<T> {
    return (await this.send<T>('POST', url, body, idempotencyKey)).body;
  }

  async patch<T>(url: string, body: unknown): Promise<T> {
    return (await this.send<T>('PATCH', url, body)).body;
  }

  /** Sends one request; anything but a 2xx stops the load with the server's own error message. */
  async send<T>(
    method: Method,
    url: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<{ status: number; body: T; replayed: boolean }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const response = await this.inject(method, url, headers, payload);
    return {
      status: response.statusCode,
      body: (response.body.length > 0 ? JSON.parse(response.body) : null) as T,
      replayed: response.headers['idempotent-replayed'] === 'true',
    };
  }

  /** Attaches a log file to a run: the request body is the file itself. */
  async upload(runId: string, file: DemoFile): Promise<void> {
    const query = new URLSearchParams({ name: file.name, kind: file.kind });
    await this.inject(
      'POST',
      `/api/v1/runs/${runId}/artifacts?${query.toString()}`,
      {
        authorization: `Bearer ${this.token}`,
        'content-type': contentTypeOf(file.name),
      },
      file.content,
    );
  }

  private async inject(method: Method, url: string, headers: Record<string, string>, payload?: string) {
    for (let attempt = 0; ; attempt++) {
      this.requests++;
      const response = await this.app.inject({
        method,
        url,
        headers,
        ...(payload !== undefined ? { payload } : {}),
      });
      // A deployment with a low rate limit slows the demo down rather than breaking it.
      if (response.statusCode === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
        const seconds = Number(response.headers['retry-after']);
        await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) ? seconds : 1) * 1000));
        continue;
      }
      if (response.statusCode >= 300) {
        throw new DemoLoadError(
          `demo data: ${method} ${url.split('?')[0]} answered ${response.statusCode}: ${response.body}`,
        );
      }
      return response;
    }
  }
}

function contentTypeOf(name: string): string {
  if (name.endsWith('.xml')) return 'application/xml; charset=utf-8';
  if (name.endsWith('.json')) return 'application/json; charset=utf-8';
  return 'text/plain; charset=utf-8';
}
