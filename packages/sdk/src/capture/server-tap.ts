import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { BodyBuffer } from './body.js';
import { PendingExchange, toHeaderRecord, type Sink } from './observation.js';

type Chunk = string | Uint8Array;
type WriteFn = (this: ServerResponse, ...args: unknown[]) => unknown;

/** What `http.server.request.start` and `http.server.response.finish` carry. */
interface ServerMessage {
  request?: IncomingMessage;
  response?: ServerResponse;
  socket?: Socket;
  server?: Server;
}

/** The URL the client asked for: scheme of the socket, its Host header (or the local address), path. */
function incomingUrl(request: IncomingMessage): string {
  const socket = request.socket as Socket | TLSSocket | undefined;
  const scheme = socket && 'encrypted' in socket && socket.encrypted ? 'https' : 'http';
  let host = request.headers.host;
  if (!host) {
    const address = socket?.localAddress ?? 'localhost';
    host = `${address.includes(':') ? `[${address}]` : address}:${socket?.localPort ?? ''}`;
  }
  return `${scheme}://${host}${request.url ?? '/'}`;
}

function hostOf(value: string | undefined): string | undefined {
  if (!value || value === 'null') return undefined;
  try {
    return new URL(value).hostname || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Who sent an incoming request: the host of its `Origin`, or of its `Referer` (an identity provider
 * posting back to `/callback`), when that is another site; otherwise the client's address.
 */
function peerOf(request: IncomingMessage, url: string): string {
  const own = hostOf(url);
  for (const header of ['origin', 'referer'] as const) {
    const host = hostOf(request.headers[header]);
    if (host && host !== own) return host;
  }
  return request.socket?.remoteAddress ?? 'unknown';
}

/** The response headers as sent (`writeHead(status, headers)` bypasses `getHeaders()`), else as set. */
function sentHeaders(response: ServerResponse): ReturnType<typeof toHeaderRecord> {
  const raw = (response as unknown as { _header?: unknown })._header;
  return toHeaderRecord(typeof raw === 'string' ? raw : response.getHeaders());
}

/**
 * Watches the process's `node:http` and `node:https` servers (and so Express, Fastify, Koa and any
 * framework built on them) through Node's diagnostics channels `http.server.request.start` and
 * `http.server.response.finish`: method, URL, request headers, status, response headers, duration.
 *
 * Node 20 publishes the start before the request body is parsed and before the app sees the request,
 * so the request body is recorded by wrapping that one request's `push` (the app still reads it as
 * usual, or never); the response body by wrapping that one response's `write` and `end`. Nothing global
 * is patched. A response whose connection closed before it was sent is recorded with the error.
 * Returns the function that stops watching.
 *
 * @example
 * ```ts
 * const stop = installServerTap({ bodyLimit: () => 65_536, emit: (o) => console.log(o.method, o.url, o.statusCode) });
 * stop();
 * ```
 */
export function installServerTap(sink: Sink): () => void {
  const watched = new WeakMap<ServerResponse, PendingExchange>();

  const finish = (response: ServerResponse, exchange: PendingExchange) => {
    if (response.headersSent) {
      exchange.statusCode = response.statusCode;
      exchange.responseHeaders = sentHeaders(response);
    }
    exchange.complete(sink);
  };

  const onStart = (message: unknown) => {
    const { request, response } = message as ServerMessage;
    if (!request || !response) return;
    const limit = sink.bodyLimit();
    const url = incomingUrl(request);
    const exchange = new PendingExchange(
      (request.method ?? 'GET').toUpperCase(),
      url,
      toHeaderRecord(request.headers),
      new BodyBuffer(limit),
      limit,
    );
    exchange.direction = 'INCOMING';
    exchange.peer = peerOf(request, url);
    watched.set(response, exchange);

    const push = request.push;
    request.push = function (this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
      try {
        if (chunk !== null) exchange.requestBody.add(chunk, encoding);
      } catch {
        // Recording must never disturb the request.
      }
      return push.call(this, chunk, encoding);
    };
    const record = (chunk: unknown, encoding: unknown) => {
      try {
        if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
          exchange.responseBody.add(
            chunk as Chunk,
            typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined,
          );
        }
      } catch {
        // Recording must never disturb the response.
      }
    };
    const target = response as unknown as Record<'write' | 'end', WriteFn>;
    const write = target.write;
    const end = target.end;
    target.write = function (this: ServerResponse, ...args: unknown[]) {
      record(args[0], args[1]);
      return write.apply(this, args);
    };
    target.end = function (this: ServerResponse, ...args: unknown[]) {
      if (typeof args[0] !== 'function') record(args[0], args[1]);
      return end.apply(this, args);
    };
    // 'close' always comes; before 'finish' it means the response was never (fully) sent.
    response.once('close', () => {
      if (!response.writableFinished)
        exchange.error ??= new Error('the connection closed before the response was sent');
      finish(response, exchange);
    });
  };
  const onFinish = (message: unknown) => {
    const { response } = message as ServerMessage;
    const exchange = response && watched.get(response);
    if (exchange) finish(response, exchange);
  };

  const subscriptions: [string, (message: unknown) => void][] = [
    ['http.server.request.start', onStart],
    ['http.server.response.finish', onFinish],
  ];
  for (const [name, listener] of subscriptions) diagnostics.subscribe(name, listener);
  return () => {
    for (const [name, listener] of subscriptions) diagnostics.unsubscribe(name, listener);
  };
}
