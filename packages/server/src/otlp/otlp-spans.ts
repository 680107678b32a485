import { AppError } from '../http/errors.js';

/** An attribute value as OTLP carries it (`kvlistValue` becomes a plain object, `bytesValue` base64). */
export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** One span of an export, with its resource's attributes, in the form the call mapping reads. */
export interface ReceivedSpan {
  /** Lower-case hex; `''` when absent. */
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER (0 unspecified). */
  kind: number;
  /** Unix time in nanoseconds; undefined when absent or unreadable. */
  startNs: bigint | undefined;
  endNs: bigint | undefined;
  flags: number;
  attributes: ReadonlyMap<string, AttributeValue>;
  resource: ReadonlyMap<string, AttributeValue>;
}

const KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

function invalid(path: string, message: string): never {
  throw new AppError(
    'invalid_body',
    `The body is not an OTLP ExportTraceServiceRequest: ${path} ${message}. Nothing was stored.`,
    [{ path, message }],
  );
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) invalid(path, 'must be an object');
  return value as Record<string, unknown>;
}

function list(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) invalid(path, 'must be an array');
  return value;
}

function id(value: unknown, encoding: 'hex' | 'base64', path: string): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string') invalid(path, 'must be a string');
  if (encoding === 'base64') return Buffer.from(value, 'base64').toString('hex');
  if (!/^[0-9a-fA-F]*$/.test(value)) invalid(path, 'must be hex-encoded (OTLP/JSON encodes ids as hex)');
  return value.toLowerCase();
}

function nanos(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^\d{1,20}$/.test(value) && value !== '0') return BigInt(value);
  return undefined;
}

/** `{ stringValue }`, `{ intValue }`… to a plain value; an unknown or empty one is null. */
export function anyValue(value: unknown, depth = 0): AttributeValue {
  if (value === null || typeof value !== 'object' || depth > 16) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined && v.intValue !== null) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined && v.doubleValue !== null) return Number(v.doubleValue);
  if (typeof v.bytesValue === 'string') return v.bytesValue;
  const array = v.arrayValue as { values?: unknown } | undefined;
  if (array && typeof array === 'object')
    return Array.isArray(array.values) ? array.values.map((item) => anyValue(item, depth + 1)) : [];
  const kvlist = v.kvlistValue as { values?: unknown } | undefined;
  if (kvlist && typeof kvlist === 'object')
    return Object.fromEntries(
      (Array.isArray(kvlist.values) ? kvlist.values : []).flatMap((kv) => {
        const k = (kv as { key?: unknown })?.key;
        return typeof k === 'string' ? [[k, anyValue((kv as { value?: unknown }).value, depth + 1)]] : [];
      }),
    );
  return null;
}

function attributes(value: unknown, path: string): Map<string, AttributeValue> {
  const map = new Map<string, AttributeValue>();
  list(value, path).forEach((kv, i) => {
    const entry = record(kv, `${path}/${i}`);
    if (typeof entry.key !== 'string') invalid(`${path}/${i}/key`, 'must be a string');
    map.set(entry.key, anyValue(entry.value));
  });
  return map;
}

function kindOf(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') return KINDS[value] ?? -1;
  return 0;
}

/**
 * Every span of an `ExportTraceServiceRequest` in its JSON shape (decoded protobuf has the same
 * shape with base64 ids). Refuses, with the path of the first problem, a body whose structure is
 * not that message's; what is odd inside one span is for the mapping to judge, span by span.
 */
export function spansOf(request: unknown, ids: 'hex' | 'base64'): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  const body = record(request, 'body');
  list(body.resourceSpans, 'resourceSpans').forEach((rs, i) => {
    const rPath = `resourceSpans/${i}`;
    const resourceSpans = record(rs, rPath);
    const resource = attributes(
      record(resourceSpans.resource, `${rPath}/resource`).attributes,
      `${rPath}/resource/attributes`,
    );
    list(resourceSpans.scopeSpans, `${rPath}/scopeSpans`).forEach((ss, j) => {
      const sPath = `${rPath}/scopeSpans/${j}`;
      list(record(ss, sPath).spans, `${sPath}/spans`).forEach((sp, k) => {
        const path = `${sPath}/spans/${k}`;
        const span = record(sp, path);
        spans.push({
          traceId: id(span.traceId, ids, `${path}/traceId`),
          spanId: id(span.spanId, ids, `${path}/spanId`),
          parentSpanId: id(span.parentSpanId, ids, `${path}/parentSpanId`),
          name: typeof span.name === 'string' ? span.name : '',
          kind: kindOf(span.kind),
          startNs: nanos(span.startTimeUnixNano),
          endNs: nanos(span.endTimeUnixNano),
          flags: typeof span.flags === 'number' ? span.flags : 0,
          attributes: attributes(span.attributes, `${path}/attributes`),
          resource,
        });
      });
    });
  });
  return spans;
}
