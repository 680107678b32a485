import { createHash } from 'node:crypto';

/** The `prevHash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the canonical form ever changes; part of what is hashed, so old events still verify. */
export const AUDIT_HASH_VERSION = 1;

/** Exactly the fields an event's hash covers, as they read back from either engine. */
export interface HashedAuditFields {
  seq: number;
  id: string;
  /** ISO 8601 with milliseconds, UTC. */
  at: string;
  actor: string;
  organizationId: string | null;
  action: string;
  target: string | null;
  sourceIp: string | null;
  details: Record<string, unknown> | null;
  prevHash: string;
}

/**
 * JSON with object keys sorted (by UTF-16 code units) at every depth and no whitespace, so that the
 * same value always gives the same text — whatever key order PostgreSQL's jsonb hands back.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot hash the non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`cannot hash a value of type ${typeof value}`);
  }
}

/** The canonical text of an event: every hashed field, named, in a fixed order. */
export function canonicalAuditEvent(e: HashedAuditFields): string {
  return canonicalJson({
    v: AUDIT_HASH_VERSION,
    seq: e.seq,
    id: e.id,
    at: e.at,
    actor: e.actor,
    organizationId: e.organizationId,
    action: e.action,
    target: e.target,
    sourceIp: e.sourceIp,
    details: e.details,
    prevHash: e.prevHash,
  });
}

/** SHA-256 (lower-case hex) of the canonical event; chains to the previous one through `prevHash`. */
export function auditHash(e: HashedAuditFields): string {
  return createHash('sha256').update(canonicalAuditEvent(e), 'utf8').digest('hex');
}

// Lone surrogates cannot be stored as UTF-8 and NUL is refused by PostgreSQL text and jsonb: either
// would come back different from what was hashed.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found here
const UNSTORABLE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/**
 * `details` exactly as it will read back from storage: through JSON (dates become strings, `undefined`
 * disappears) with unstorable characters replaced, so the hash computed at append time holds.
 */
export function storableDetails(
  details: Record<string, unknown> | null | undefined,
): Record<string, unknown> | null {
  if (details === null || details === undefined) return null;
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') return storableText(value);
    if (Array.isArray(value)) return value.map(clean);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), clean(v)]));
    }
    return value;
  };
  return clean(JSON.parse(JSON.stringify(details))) as Record<string, unknown>;
}
