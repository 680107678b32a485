import { performance } from 'node:perf_hooks';
import { BodyBuffer } from './body.js';
import type { HeaderRecord } from './masking.js';

/**
 * One outgoing HTTP exchange as a tap saw it, before masking.
 *
 * @example
 * ```ts
 * const sink: Sink = { bodyLimit: () => 1024, emit: (o: Observation) => console.log(o.url, o.durationMs) };
 * ```
 */
export interface Observation {
  at: Date;
  durationMs: number;
  method: string;
  url: string;
  requestHeaders: HeaderRecord;
  requestBody: BodyBuffer;
  statusCode: number | null;
  responseHeaders: HeaderRecord;
  responseBody: BodyBuffer;
  /** Set when the request failed without a (complete) response. */
  error?: unknown;
  /** `INCOMING` for a request the process's own HTTP server received; outgoing otherwise. */
  direction?: 'OUTGOING' | 'INCOMING';
  /** For an incoming request: who sent it (the host of its `Origin`/`Referer`, else the client address). */
  peer?: string;
}

/**
 * Where taps deliver what they see.
 *
 * @example
 * ```ts
 * const sink: Sink = { bodyLimit: () => 1024, emit: (o) => observations.push(o) };
 * ```
 */
export interface Sink {
  /** How many bytes of each body to keep. */
  bodyLimit(): number;
  emit(observation: Observation): void;
}

/**
 * A request being watched, from its start to its end.
 *
 * @example
 * ```ts
 * const exchange = new PendingExchange('GET', 'https://api.example.com/x', {}, new BodyBuffer(1024), 1024);
 * exchange.statusCode = 200;
 * exchange.complete(sink);
 * ```
 */
export class PendingExchange {
  readonly at = new Date();
  private readonly startedAt: number;
  statusCode: number | null = null;
  responseHeaders: HeaderRecord = {};
  readonly responseBody: BodyBuffer;
  error: unknown;
  /** See {@link Observation.direction}. */
  direction: 'OUTGOING' | 'INCOMING' = 'OUTGOING';
  /** See {@link Observation.peer}. */
  peer: string | undefined;
  private done = false;

  constructor(
    readonly method: string,
    readonly url: string,
    public requestHeaders: HeaderRecord,
    readonly requestBody: BodyBuffer,
    limit: number,
    startedAt = performance.now(),
  ) {
    this.responseBody = new BodyBuffer(limit);
    this.startedAt = startedAt;
  }

  /** Delivers the exchange once, however many end signals arrive. */
  complete(sink: Sink): void {
    if (this.done) return;
    this.done = true;
    sink.emit({
      at: this.at,
      durationMs: performance.now() - this.startedAt,
      method: this.method,
      url: this.url,
      requestHeaders: this.requestHeaders,
      requestBody: this.requestBody,
      statusCode: this.statusCode,
      responseHeaders: this.responseHeaders,
      responseBody: this.responseBody,
      ...(this.error !== undefined ? { error: this.error } : {}),
      ...(this.direction === 'INCOMING' ? { direction: this.direction } : {}),
      ...(this.peer !== undefined ? { peer: this.peer } : {}),
    });
  }
}

/**
 * Headers from the shapes Node and undici use: `[name, value, …]` (strings or buffers), `"a: b\r\n"`, or an object.
 *
 * @example
 * ```ts
 * toHeaderRecord(['Set-Cookie', 'a=1', 'set-cookie', 'b=2']); // { 'set-cookie': ['a=1', 'b=2'] }
 * ```
 */
export function toHeaderRecord(raw: unknown): HeaderRecord {
  const out: HeaderRecord = {};
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  };
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) add(String(raw[i]), String(raw[i + 1]));
  } else if (typeof raw === 'string') {
    for (const line of raw.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) add(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
  } else if (raw && typeof raw === 'object') {
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
      if (Array.isArray(value)) for (const v of value) add(name, String(v));
      else if (value !== undefined) add(name, String(value));
    }
  }
  return out;
}
