import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  auditHash,
  canonicalAuditEvent,
  canonicalJson,
  GENESIS_HASH,
  storableDetails,
  storableText,
} from './audit-hash.js';

const event = {
  seq: 1,
  id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  at: '2025-01-02T03:04:05.678Z',
  actor: 'account:0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
  organizationId: null,
  action: 'session.sign_in',
  target: null,
  sourceIp: '203.0.113.7',
  details: { b: 1, a: [1, { y: 'z', x: null }] },
  prevHash: GENESIS_HASH,
};

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined, whatever the insertion order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"e":2,"f":1}]},"b":1}',
    );
    expect(canonicalJson({ a: { c: 1, d: 2 }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: 2, c: 1 } }));
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/non-finite/);
    expect(() => canonicalJson(() => 1)).toThrow(/function/);
  });
});

describe('auditHash', () => {
  it('is the SHA-256 hex of the canonical event, starting from a genesis of 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    const canonical = canonicalAuditEvent(event);
    expect(canonical).toBe(
      '{"action":"session.sign_in","actor":"account:0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c","at":"2025-01-02T03:04:05.678Z",' +
        '"details":{"a":[1,{"x":null,"y":"z"}],"b":1},"id":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","organizationId":null,' +
        `"prevHash":"${GENESIS_HASH}","seq":1,"sourceIp":"203.0.113.7","target":null,"v":1}`,
    );
    expect(auditHash(event)).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(auditHash(event)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when any hashed field changes, including the position and the link', () => {
    const base = auditHash(event);
    const variants = [
      { seq: 2 },
      { id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d' },
      { at: '2025-01-02T03:04:05.679Z' },
      { actor: 'key:x' },
      { organizationId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e' },
      { action: 'session.sign_out' },
      { target: 'run:1' },
      { sourceIp: null },
      { details: { b: 2, a: [1, { y: 'z', x: null }] } },
      { details: null },
      { prevHash: 'f'.repeat(64) },
    ];
    for (const variant of variants) expect(auditHash({ ...event, ...variant })).not.toBe(base);
  });

  it('does not depend on the key order of details (jsonb reorders them)', () => {
    expect(auditHash({ ...event, details: { a: [1, { x: null, y: 'z' }], b: 1 } })).toBe(auditHash(event));
  });
});

describe('storable values', () => {
  it('gives details as they read back from JSON storage', () => {
    const at = new Date('2025-01-02T03:04:05.678Z');
    expect(storableDetails({ at, skip: undefined, list: [1, 'a'], nested: { ok: true } })).toEqual({
      at: '2025-01-02T03:04:05.678Z',
      list: [1, 'a'],
      nested: { ok: true },
    });
    expect(storableDetails(undefined)).toBeNull();
    expect(storableDetails(null)).toBeNull();
  });

  it('replaces NUL and lone surrogates, which PostgreSQL cannot store, and keeps valid pairs', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText('x\uD800y\uDC00')).toBe('x\uFFFDy\uFFFD');
    expect(storableText('emoji 😀')).toBe('emoji 😀');
    expect(storableDetails({ 'k\u0000': ['v\u0000'] })).toEqual({ 'k\uFFFD': ['v\uFFFD'] });
  });
});
