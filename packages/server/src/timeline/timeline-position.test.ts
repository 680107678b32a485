import { describe, expect, it } from 'vitest';
import {
  actionEntryId,
  callEntryId,
  compareEntries,
  decodeTimelineCursor,
  encodeTimelineCursor,
  issueEntryId,
  runEntryId,
  streamBound,
} from './timeline-position.js';

const A = '01900000-0000-7000-8000-00000000000a';
const B = '01900000-0000-7000-8000-00000000000b';

describe('timeline positions', () => {
  it('orders entries at one time by kind, then by their stream key', () => {
    const at = 1_000;
    const ids = [
      runEntryId(A),
      issueEntryId(A, 'resolved'),
      issueEntryId(A, 'opened'),
      callEntryId(B),
      actionEntryId(B, 2),
      actionEntryId(A, 10),
      actionEntryId(A, 9),
    ];
    const sorted = [...ids].sort((x, y) => compareEntries({ at, id: x }, { at, id: y }));
    expect(sorted).toEqual([...ids].reverse());
    expect(compareEntries({ at: 1, id: runEntryId(A) }, { at: 2, id: actionEntryId(A, 1) })).toBeLessThan(0);
  });

  it('reads back its own cursors, split into kind and key', () => {
    const id = actionEntryId(A, 42);
    expect(decodeTimelineCursor(encodeTimelineCursor({ at: 5, id }))).toEqual({
      at: 5,
      id,
      kind: 'action',
      rest: [A, '0000000042'],
    });
  });

  it.each([
    ['not base64 JSON', 'garbage'],
    ['a bad kind', Buffer.from(JSON.stringify([1, `session:${A}`])).toString('base64url')],
    ['an unpadded sequence', Buffer.from(JSON.stringify([1, `action:${A}:42`])).toString('base64url')],
    ['a time beyond dates', Buffer.from(JSON.stringify([9e15, runEntryId(A)])).toString('base64url')],
    ['an upper-case id', Buffer.from(JSON.stringify([1, runEntryId(A.toUpperCase())])).toString('base64url')],
  ])('refuses a cursor with %s', (_what, cursor) => {
    expect(() => decodeTimelineCursor(cursor)).toThrow(/cursor is not one this list returned/);
  });

  it('resumes other kinds at the cursor’s time only when they come after it', () => {
    // Newest first, kinds descending: after a call at time t come the actions at t, not the issues.
    expect(streamBound('action', { kind: 'call' }, 'desc')).toBe('beyond-or-at');
    expect(streamBound('issue', { kind: 'call' }, 'desc')).toBe('beyond');
    expect(streamBound('issue', { kind: 'call' }, 'asc')).toBe('beyond-or-at');
    expect(streamBound('call', { kind: 'call' }, 'asc')).toBe('key');
  });
});
