import diagnostics from 'node:diagnostics_channel';
import { ClientRequest, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isSdkRequest } from '../sdk-scope.js';
import { BodyBuffer } from './body.js';
import { PendingExchange, toHeaderRecord, type Sink } from './observation.js';

/** What was written to a request before Node announced it. */
interface Written {
  body: BodyBuffer;
  firstWriteAt: number;
}

type WriteFn = (this: ClientRequest, ...args: unknown[]) => unknown;

/** The full URL of a node:http request: protocol, Host header (with its port) and path. */
function requestUrl(request: ClientRequest): string {
  const host = request.getHeader('host');
  return `${request.protocol}//${typeof host === 'string' ? host : request.host}${request.path}`;
}

/**
 * Watches `node:http` and `node:https` clients through Node's diagnostics channels:
 * `http.client.request.start`, `http.client.response.finish` and `http.client.request.error`.
 *
 * Node 20 publishes `http.client.request.start` only once the request has been sent, so its body is
 * recorded by a thin wrapper of `ClientRequest.prototype.write`/`end`, installed while a capture is
 * active and removed after. The response body is recorded by wrapping that one response's `push`,
 * before any of it arrives. Returns the function that stops watching.
 *
 * @example
 * ```ts
 * const stop = installHttpTap({ bodyLimit: () => 65_536, emit: (o) => console.log(o.method, o.url, o.statusCode) });
 * stop();
 * ```
 */
export function installHttpTap(sink: Sink): () => void {
  const written = new WeakMap<ClientRequest, Written>();
  const watched = new WeakMap<ClientRequest, PendingExchange>();

  const record = (request: ClientRequest, chunk: unknown, encoding: unknown) => {
    if (isSdkRequest() || (typeof chunk !== 'string' && !(chunk instanceof Uint8Array))) return;
    let entry = written.get(request);
    if (!entry) {
      entry = { body: new BodyBuffer(sink.bodyLimit()), firstWriteAt: performance.now() };
      written.set(request, entry);
    }
    entry.body.add(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
  };

  const proto = ClientRequest.prototype as unknown as Record<'write' | 'end', WriteFn>;
  const own = {
    write: Object.getOwnPropertyDescriptor(proto, 'write'),
    end: Object.getOwnPropertyDescriptor(proto, 'end'),
  };
  const originalWrite = proto.write;
  const originalEnd = proto.end;
  const write: WriteFn = function (this: ClientRequest, ...args: unknown[]) {
    try {
      record(this, args[0], args[1]);
    } catch {
      // Recording must never disturb the request.
    }
    return originalWrite.apply(this, args);
  };
  const end: WriteFn = function (this: ClientRequest, ...args: unknown[]) {
    try {
      if (typeof args[0] !== 'function') record(this, args[0], args[1]);
    } catch {
      // Recording must never disturb the request.
    }
    return originalEnd.apply(this, args);
  };
  proto.write = write;
  proto.end = end;

  const onStart = (message: unknown) => {
    const request = (message as { request?: ClientRequest }).request;
    if (!request || isSdkRequest()) return;
    const entry = written.get(request);
    const limit = sink.bodyLimit();
    const exchange = new PendingExchange(
      request.method.toUpperCase(),
      requestUrl(request),
      toHeaderRecord(request.getHeaders()),
      entry?.body ?? new BodyBuffer(limit),
      limit,
      entry?.firstWriteAt,
    );
    watched.set(request, exchange);
    // 'close' always comes; without a response it is the end of the exchange.
    request.once('close', () => {
      if (exchange.statusCode === null) exchange.complete(sink);
    });
  };
  const onResponse = (message: unknown) => {
    const { request, response } = message as { request?: ClientRequest; response?: IncomingMessage };
    const exchange = request && watched.get(request);
    if (!exchange || !response) return;
    exchange.statusCode = response.statusCode ?? null;
    exchange.responseHeaders = toHeaderRecord(response.headers);
    const push = response.push;
    response.push = function (this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
      try {
        if (chunk !== null) exchange.responseBody.add(chunk, encoding);
      } catch {
        // Recording must never disturb the response.
      }
      return push.call(this, chunk, encoding);
    };
    // Listening to 'end'/'close' does not start the flow of data: the caller still decides when to read.
    response.once('end', () => exchange.complete(sink));
    response.once('close', () => {
      if (!response.complete) exchange.error ??= new Error('the response was cut off');
      exchange.complete(sink);
    });
  };
  const onError = (message: unknown) => {
    const { request, error } = message as { request?: ClientRequest; error?: unknown };
    const exchange = request && watched.get(request);
    if (exchange && exchange.statusCode === null) exchange.error = error;
  };

  const subscriptions: [string, (message: unknown) => void][] = [
    ['http.client.request.start', onStart],
    ['http.client.response.finish', onResponse],
    ['http.client.request.error', onError],
  ];
  for (const [name, listener] of subscriptions) diagnostics.subscribe(name, listener);
  return () => {
    for (const [name, listener] of subscriptions) diagnostics.unsubscribe(name, listener);
    // Put back what was there, unless someone wrapped our wrapper meanwhile (then it stays, harmless).
    restore(proto, 'write', write, own.write);
    restore(proto, 'end', end, own.end);
  };
}

function restore(
  proto: Record<'write' | 'end', WriteFn>,
  name: 'write' | 'end',
  ours: WriteFn,
  previous: PropertyDescriptor | undefined,
): void {
  if (proto[name] !== ours) return;
  if (previous) Object.defineProperty(proto, name, previous);
  else delete (proto as Partial<Record<'write' | 'end', WriteFn>>)[name];
}
