import type { FastifyRequest } from 'fastify';
import type { App } from './app-types.js';
import { AppError } from './errors.js';
import { unstorable } from '../shared/text.js';

/**
 * One rule for text on both engines: PostgreSQL refuses NUL in text and jsonb and unpaired UTF-16
 * surrogates in jsonb, and SQLite would store what PostgreSQL cannot, so a value holding either is
 * refused with a 400 naming the field, before anything is stored. Captured HTTP payloads (a call's
 * `request` and `response`) are evidence, not fields: their NULs and lone surrogates become U+FFFD
 * when stored (see calls/call-payload.ts).
 */
export const MAX_JSON_DEPTH = 64;

/** How a NUL or a surrogate can appear in JSON text: only as a `\u` escape (raw ones are not valid JSON or UTF-8). */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;
/** Query and path integers are written in decimal; `0x10`, `1e3`, `Infinity` are refused, not read. */
const DECIMAL_INTEGER = /^-?\d{1,15}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the body parsers when the JSON text holds escapes that may decode to unstorable text. */
    bodyMayHoldUnstorableText?: boolean;
  }
  interface FastifyContextConfig {
    /** Body items carry captured HTTP payloads under `request` / `response` (stored with U+FFFD). */
    capturedPayloads?: boolean;
  }
}

function refuseText(where: string, kind: 'NUL' | 'surrogate'): never {
  const what = kind === 'NUL' ? 'a NUL character (\\u0000)' : 'an unpaired UTF-16 surrogate';
  throw new AppError(
    'validation_failed',
    `Invalid request: ${where} holds ${what}, which cannot be stored; remove it and send again. Nothing was stored.`,
    [{ path: where, message: `holds ${what}` }],
  );
}

/**
 * Nesting depth of JSON text, counted without parsing (so a 100,000-level body never reaches a
 * recursive parser or serializer). Returns as soon as `limit` is passed. Strings, most of a body's
 * text, are skipped with `indexOf` (their brackets do not count); only the short stretches between
 * them are read a character at a time.
 */
export function exceedsDepth(text: string, limit: number, start = 0): boolean {
  let depth = start;
  let i = 0;
  const end = text.length;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // The closing quote is the next one not escaped by an odd run of backslashes.
      let close = text.indexOf('"', i + 1);
      while (close !== -1 && escaped(text, close)) close = text.indexOf('"', close + 1);
      if (close === -1) return false; // an unterminated string: the parser will refuse it
      i = close + 1;
      continue;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
    i++;
  }
  return false;
}

/** Whether the character at `at` is preceded by an odd number of backslashes. */
function escaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let j = at - 1; j >= 0 && text.charCodeAt(j) === 92; j--) backslashes++;
  return backslashes % 2 === 1;
}

export function refuseDeepJson(where = 'body'): never {
  throw new AppError(
    'validation_failed',
    `Invalid request: the ${where} nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels; flatten it.`,
    [{ path: where, message: `nests deeper than ${MAX_JSON_DEPTH} levels` }],
  );
}

/** What a body parser checks on the raw text before parsing it. */
export function inspectJsonText(request: FastifyRequest, text: string, startDepth = 0) {
  if (exceedsDepth(text, MAX_JSON_DEPTH, startDepth)) refuseDeepJson();
  if (SUSPECT_ESCAPE.test(text)) request.bodyMayHoldUnstorableText = true;
}

function checkBody(value: unknown, capturedPayloads: boolean) {
  // Iterative, so that the walk itself cannot overflow the stack.
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: 'body', depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const kind = unstorable(v);
      if (kind) refuseText(path, kind);
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: `${path}/${i}`, depth: depth + 1 }));
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        const kind = unstorable(key);
        if (kind) refuseText(`${path}/${key}`, kind);
        // A batch item's (depth 1) or a single call's (depth 0) captured payloads are exempt.
        if (capturedPayloads && depth <= 1 && (key === 'request' || key === 'response')) continue;
        stack.push({ value: item, path: `${path}/${key}`, depth: depth + 1 });
      }
    }
  }
}

function integerFields(schema: unknown): Set<string> {
  const fields = new Set<string>();
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  for (const [name, property] of Object.entries(properties)) {
    const p = property as { type?: unknown; anyOf?: { type?: unknown }[] };
    if (p.type === 'integer' || p.anyOf?.some((s) => s.type === 'integer')) fields.add(name);
  }
  return fields;
}

function checkStrings(part: 'query' | 'params', values: unknown, integers: Set<string>) {
  if (values === null || typeof values !== 'object') return;
  for (const [key, raw] of Object.entries(values as Record<string, unknown>)) {
    const keyKind = unstorable(key);
    if (keyKind) refuseText(`${part}/${key}`, keyKind);
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (typeof value !== 'string') continue;
      const kind = unstorable(value);
      if (kind) refuseText(`${part}/${key}`, kind);
      if (integers.has(key) && !DECIMAL_INTEGER.test(value.trim())) {
        throw new AppError(
          'validation_failed',
          `Invalid request: ${key} must be a whole number written in decimal digits (got "${value.slice(0, 40)}").`,
          [{ path: `${part}/${key}`, message: 'must be a decimal integer' }],
        );
      }
    }
  }
}

/** Refuses unstorable text, over-deep JSON and non-decimal integers before validation runs. */
export function registerInputGuard(app: App) {
  const integersByRoute = new WeakMap<object, { query: Set<string>; params: Set<string> }>();
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema;
    let integers = schema ? integersByRoute.get(schema) : undefined;
    if (schema && !integers) {
      integers = { query: integerFields(schema.querystring), params: integerFields(schema.params) };
      integersByRoute.set(schema, integers);
    }
    checkStrings('params', request.params, integers?.params ?? new Set());
    checkStrings('query', request.query, integers?.query ?? new Set());
    if (request.bodyMayHoldUnstorableText)
      checkBody(request.body, request.routeOptions.config.capturedPayloads === true);
  });
}
