import diagnostics from 'node:diagnostics_channel';
import { isSdkRequest } from '../sdk-scope.js';
import { BodyBuffer } from './body.js';
import { PendingExchange, toHeaderRecord, type Sink } from './observation.js';

/** The parts of undici's internal request object this tap reads. */
interface UndiciRequest {
  origin?: string | URL;
  path?: string;
  method?: string;
  headers?: unknown;
  onBodySent?: (chunk: unknown) => unknown;
  onData?: (chunk: unknown) => unknown;
}

interface Watched {
  exchange: PendingExchange;
  /** Bodies are recorded by wrapping the request's own callbacks; the chunk channels are then ignored. */
  wrapped: boolean;
}

/** Wraps `request[name]` on this one request object so that each chunk is also recorded. */
function tee(
  request: UndiciRequest,
  name: 'onBodySent' | 'onData',
  record: (chunk: unknown) => void,
): boolean {
  const original = request[name];
  if (typeof original !== 'function') return false;
  request[name] = function (this: unknown, chunk: unknown) {
    try {
      record(chunk);
    } catch {
      // Recording must never disturb the request.
    }
    return original.call(this, chunk);
  };
  return true;
}

/**
 * Watches `fetch` and undici through undici's diagnostics channels: `undici:request:create` (method,
 * URL, request headers), `undici:request:headers` (status, response headers), `undici:request:trailers`
 * (the end) and `undici:request:error`. Node 20's bundled undici (6.x) publishes no body chunks, so
 * bodies are recorded by wrapping that request object's `onBodySent`/`onData` callbacks; with an undici
 * that publishes `undici:request:bodyChunkSent`/`bodyChunkReceived` and lacks the callbacks, those are used.
 * Returns the function that stops watching.
 *
 * @example
 * ```ts
 * const stop = installUndiciTap({ bodyLimit: () => 65_536, emit: (o) => console.log(o.method, o.url, o.statusCode) });
 * stop();
 * ```
 */
export function installUndiciTap(sink: Sink): () => void {
  const watched = new WeakMap<object, Watched>();

  const onCreate = (message: unknown) => {
    const request = (message as { request?: UndiciRequest }).request;
    if (!request || isSdkRequest()) return;
    const origin = String(request.origin ?? '').replace(/\/$/, '');
    const limit = sink.bodyLimit();
    const exchange = new PendingExchange(
      (request.method ?? 'GET').toUpperCase(),
      `${origin}${request.path ?? '/'}`,
      toHeaderRecord(request.headers),
      new BodyBuffer(limit),
      limit,
    );
    const wrapped =
      tee(request, 'onBodySent', (chunk) => exchange.requestBody.add(chunk)) &&
      tee(request, 'onData', (chunk) => exchange.responseBody.add(chunk));
    watched.set(request, { exchange, wrapped });
  };
  const find = (message: unknown) => {
    const request = (message as { request?: object }).request;
    return request ? watched.get(request) : undefined;
  };
  const onChunkSent = (message: unknown) => {
    const w = find(message);
    if (w && !w.wrapped) w.exchange.requestBody.add((message as { chunk?: unknown }).chunk);
  };
  const onChunkReceived = (message: unknown) => {
    const w = find(message);
    if (w && !w.wrapped) w.exchange.responseBody.add((message as { chunk?: unknown }).chunk);
  };
  const onHeaders = (message: unknown) => {
    const w = find(message);
    const response = (message as { response?: { statusCode?: number; headers?: unknown } }).response;
    if (!w || !response) return;
    w.exchange.statusCode = response.statusCode ?? null;
    w.exchange.responseHeaders = toHeaderRecord(response.headers);
  };
  const onEnd = (message: unknown) => {
    const w = find(message);
    if (!w) return;
    const error = (message as { error?: unknown }).error;
    if (error !== undefined) w.exchange.error = error;
    w.exchange.complete(sink);
  };

  const subscriptions: [string, (message: unknown) => void][] = [
    ['undici:request:create', onCreate],
    ['undici:request:bodyChunkSent', onChunkSent],
    ['undici:request:bodyChunkReceived', onChunkReceived],
    ['undici:request:headers', onHeaders],
    ['undici:request:trailers', onEnd],
    ['undici:request:error', onEnd],
  ];
  for (const [name, listener] of subscriptions) diagnostics.subscribe(name, listener);
  return () => {
    for (const [name, listener] of subscriptions) diagnostics.unsubscribe(name, listener);
  };
}
