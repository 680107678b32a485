import type { SortOrder, TimelineEntry, TimelineKind } from '@synctrail/types';
import { AppError } from '../http/errors.js';

/**
 * Where an entry sits on a timeline: its time and its id. Ids start with their kind (`run:<id>`,
 * `action:<runId>:<seq>`, `issue:<id>:opened|resolved`, `call:<id>`), and the kinds' first letters
 * differ, so comparing ids compares kinds first: the order (at, kind, id) is (at, id). Sequence
 * numbers are zero-padded so that an id's text order is the order of its stream's key in SQL (UUIDs
 * are lower-case: their text order is PostgreSQL's byte order).
 */
export interface TimelinePosition {
  at: number;
  id: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ENTRY_ID = new RegExp(
  `^(?:(?:run|call):${UUID}|action:${UUID}:\\d{10}|issue:${UUID}:(?:opened|resolved))$`,
);
const MAX_TIME_MS = 8.64e15;

export const runEntryId = (runId: string) => `run:${runId}`;
export const actionEntryId = (runId: string, seq: number) =>
  `action:${runId}:${String(seq).padStart(10, '0')}`;
export const issueEntryId = (issueId: string, event: 'opened' | 'resolved') => `issue:${issueId}:${event}`;
export const callEntryId = (callId: string) => `call:${callId}`;

export function positionOf(entry: TimelineEntry): TimelinePosition {
  return { at: Date.parse(entry.at), id: entry.id };
}

/** Ascending (at, id); `sort=desc` lists by its reverse. */
export function compareEntries(a: TimelinePosition, b: TimelinePosition): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function encodeTimelineCursor(position: TimelinePosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

/** A cursor as read: the position, and its id split into the kind and the rest of the key. */
export type TimelineCursor = TimelinePosition & { kind: TimelineKind; rest: string[] };

/** Reads a cursor this list returned; anything else is a 400 `invalid_cursor`, before any SQL. */
export function decodeTimelineCursor(cursor: string): TimelineCursor {
  let value: unknown;
  try {
    value = cursor.length <= 500 ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    value = undefined;
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    Number.isInteger(value[0]) &&
    Math.abs(value[0] as number) <= MAX_TIME_MS &&
    typeof value[1] === 'string' &&
    ENTRY_ID.test(value[1])
  ) {
    const [kind, ...rest] = value[1].split(':') as [TimelineKind, ...string[]];
    return { at: value[0] as number, id: value[1], kind, rest };
  }
  throw new AppError('invalid_cursor', 'The cursor is not one this list returned; start again without it.');
}

/**
 * What a stream of entries of kind `kind` must satisfy to come after `cursor` in `sort` order, as
 * seen from the stream: a time beyond the cursor's (`beyond`), or at it too when the stream's kind
 * comes after the cursor's (`beyond-or-at`); for the cursor's own kind, a key beyond its (`key`).
 */
export function streamBound(
  kind: TimelineKind,
  cursor: { kind: TimelineKind },
  sort: SortOrder,
): 'beyond' | 'beyond-or-at' | 'key' {
  if (kind === cursor.kind) return 'key';
  const after = sort === 'desc' ? kind < cursor.kind : kind > cursor.kind;
  return after ? 'beyond-or-at' : 'beyond';
}
