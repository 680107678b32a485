import { CALL_ACTION, OTLP_ATTRIBUTES, type CallInput } from '@synctrail/types';
import type { AttributeValue, ReceivedSpan } from './otlp-spans.js';

/** Attributes Synctrail reads besides the semantic conventions (see `OTLP_ATTRIBUTES` in the types). */
export const SYNCTRAIL_ATTRIBUTES = OTLP_ATTRIBUTES;

const SERVER = 2;
const CLIENT = 3;
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

export type SpanOutcome = { call: CallInput } | { skipped: string } | { rejected: string };

function text(value: AttributeValue | undefined): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.length > 0) return value.map((v) => text(v) ?? '').join(', ');
  return undefined;
}

/** The first of the named attributes that is set (new semantic-convention names first, then old ones). */
function first(attrs: ReadonlyMap<string, AttributeValue>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = text(attrs.get(name));
    if (value !== undefined) return value;
  }
  return undefined;
}

function integer(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value)) return undefined;
  return Number(value);
}

function methodOf(attrs: ReadonlyMap<string, AttributeValue>): string | undefined {
  const method = first(attrs, 'http.request.method', 'http.method');
  // `_OTHER` stands for a method outside the known set; the original is kept beside it.
  if (method === '_OTHER') return first(attrs, 'http.request.method_original') ?? method;
  return method;
}

function authority(host: string | undefined, port: string | undefined, scheme: string): string | undefined {
  if (!host) return undefined;
  const bracketed = host.includes(':') && !host.startsWith('[') && port !== undefined ? `[${host}]` : host;
  return port && DEFAULT_PORTS[scheme] !== port && !/:\d+$/.test(host) ? `${bracketed}:${port}` : bracketed;
}

/** `url.full` / `http.url`, else the URL put together from scheme, host, port, path and query. */
function urlOf(attrs: ReadonlyMap<string, AttributeValue>, kind: number): string | undefined {
  const full = first(attrs, 'url.full', 'http.url');
  if (full) return full;
  const scheme = first(attrs, 'url.scheme', 'http.scheme') ?? 'http';
  const host =
    kind === CLIENT
      ? first(attrs, 'server.address', 'net.peer.name', 'http.host')
      : first(attrs, 'server.address', 'http.host', 'net.host.name');
  const port =
    kind === CLIENT
      ? first(attrs, 'server.port', 'net.peer.port')
      : first(attrs, 'server.port', 'net.host.port');
  const path = first(attrs, 'url.path');
  const query = first(attrs, 'url.query');
  const target = path !== undefined ? `${path}${query ? `?${query}` : ''}` : first(attrs, 'http.target');
  const origin = authority(host, port, scheme);
  if (!origin) return target;
  return `${scheme}://${origin}${target ?? ''}`;
}

function hostOfUrl(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).hostname || undefined : undefined;
  } catch {
    return undefined;
  }
}

/** `http.request.header.<name>` / `http.response.header.<name>` attributes as headers. */
function headersOf(
  attrs: ReadonlyMap<string, AttributeValue>,
  prefix: string,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of attrs) {
    if (!key.startsWith(prefix) || key.length === prefix.length) continue;
    const name = key.slice(prefix.length).replaceAll('_', '-').toLowerCase();
    if (Array.isArray(value)) {
      const values = value.flatMap((v) => (text(v) !== undefined ? [text(v)!] : []));
      if (values.length > 0) headers[name] = values.length === 1 ? values[0]! : values;
    } else if (text(value) !== undefined) headers[name] = text(value)!;
  }
  return headers;
}

function nanosToIso(ns: bigint): string | undefined {
  const ms = Number(ns / 1_000_000n);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const clip = (value: string, max: number) => (value.length > max ? value.slice(0, max) : value);

/**
 * An HTTP client span (kind CLIENT) becomes an OUTGOING call from the resource's `service.name` to
 * the peer; an HTTP server span (kind SERVER) an INCOMING call from the peer to the service. Other
 * spans, and CLIENT/SERVER spans with no HTTP method (database, gRPC, messaging…), are skipped.
 * Both the stable HTTP semantic conventions (`http.request.method`, `url.full`, `server.address`…)
 * and the older ones (`http.method`, `http.url`, `net.peer.name`…) are read.
 */
export function spanToCall(span: ReceivedSpan): SpanOutcome {
  if (span.kind !== CLIENT && span.kind !== SERVER) return { skipped: 'not an HTTP client or server span' };
  const a = span.attributes;
  const attr = (name: string) => first(a, name) ?? first(span.resource, name);
  const rawMethod = methodOf(a);
  if (rawMethod === undefined) return { skipped: 'no HTTP method: not an HTTP span' };
  const method = rawMethod.toUpperCase();
  if (!/^[A-Z]{1,16}$/.test(method))
    return { rejected: `HTTP method "${clip(rawMethod, 20)}" is not a method` };
  const url = urlOf(a, span.kind);
  if (url === undefined) return { rejected: 'no URL (url.full, or url.path / http.target with the host)' };
  if (span.startNs === undefined) return { rejected: 'no startTimeUnixNano' };
  const at = nanosToIso(span.startNs);
  if (at === undefined) return { rejected: 'startTimeUnixNano is out of range' };

  const service = first(span.resource, 'service.name') ?? 'unknown_service';
  const peer =
    span.kind === CLIENT
      ? (first(a, 'peer.service', 'server.address', 'net.peer.name') ?? hostOfUrl(url))
      : first(
          a,
          'client.address',
          'http.client_ip',
          'network.peer.address',
          'net.sock.peer.addr',
          'net.peer.ip',
        );
  const appFrom =
    attr(SYNCTRAIL_ATTRIBUTES.appFrom) ?? (span.kind === CLIENT ? service : (peer ?? 'unknown'));
  const appTo = attr(SYNCTRAIL_ATTRIBUTES.appTo) ?? (span.kind === CLIENT ? (peer ?? 'unknown') : service);

  const action = attr(SYNCTRAIL_ATTRIBUTES.action)?.toUpperCase();
  if (action !== undefined && !(CALL_ACTION as readonly string[]).includes(action))
    return {
      rejected: `${SYNCTRAIL_ATTRIBUTES.action} "${clip(action, 40)}" is none of ${CALL_ACTION.join(', ')}`,
    };
  const requestType = attr(SYNCTRAIL_ATTRIBUTES.requestType)?.toUpperCase();
  const runId = attr(SYNCTRAIL_ATTRIBUTES.runId);
  const organizationId = attr(SYNCTRAIL_ATTRIBUTES.organizationId);
  const login =
    attr(SYNCTRAIL_ATTRIBUTES.login) ?? first(a, 'user.email', 'enduser.id', 'user.name', 'user.id');

  const request = headersOf(a, 'http.request.header.');
  const userAgent = first(a, 'user_agent.original', 'http.user_agent');
  if (userAgent && request['user-agent'] === undefined) request['user-agent'] = userAgent;
  // The W3C trace context of the call: what the client sent (its own span), what the server got (its parent).
  const contextSpan = span.kind === CLIENT ? span.spanId : span.parentSpanId;
  if (
    /^[0-9a-f]{32}$/.test(span.traceId) &&
    /^[0-9a-f]{16}$/.test(contextSpan) &&
    request.traceparent === undefined
  )
    request.traceparent = `00-${span.traceId}-${contextSpan}-${(span.flags & 1) === 1 ? '01' : '00'}`;

  const statusCode = integer(first(a, 'http.response.status_code', 'http.status_code'));
  const durationNs =
    span.endNs !== undefined && span.endNs >= span.startNs ? span.endNs - span.startNs : undefined;
  const call: CallInput = {
    at,
    direction: span.kind === CLIENT ? 'OUTGOING' : 'INCOMING',
    appFrom: clip(appFrom, 100),
    appTo: clip(appTo, 100),
    method,
    url: clip(url, 8000),
    statusCode: statusCode !== undefined && statusCode <= 999 ? statusCode : null,
    durationMs: durationNs === undefined ? null : Number((durationNs + 500_000n) / 1_000_000n),
    request: { headers: request },
    response: { headers: headersOf(a, 'http.response.header.') },
    ...(action ? { action: action as NonNullable<CallInput['action']> } : {}),
    ...(requestType ? { requestType } : {}),
    ...(login ? { login: clip(login, 320) } : {}),
    ...(runId ? { runId } : {}),
    ...(organizationId ? { organizationId } : {}),
  };
  return { call };
}
