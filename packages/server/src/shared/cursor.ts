import { AppError } from '../http/errors.js';
import { unstorable } from './text.js';

/** A keyset position: the sort value (a time in ms, a text or a sequence number) and the tiebreaking id. */
export interface KeysetPosition {
  key: number | string | string[] | [rank: number, time: number];
  id: string | number;
}

/** What a list's cursor holds, so that a forged one is refused before it reaches SQL. */
export interface CursorShape {
  /**
   * `texts`: several texts (a sort on more than one text column); `rank-time`: a small rank (0–9, such
   * as a status's severity) and a time.
   */
  key: 'time' | 'text' | 'seq' | 'texts' | 'rank-time';
  /** `run-seq`: an action's run and position, as `<run uuid>/<seq>`. */
  id: 'uuid' | 'seq' | 'run-seq';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The widest instant a JavaScript Date (and both engines) holds. */
const MAX_TIME_MS = 8.64e15;
const MAX_TEXT_KEY = 1000;

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.key, position.id])).toString('base64url');
}

function fits(value: unknown, kind: CursorShape['key'] | CursorShape['id']): boolean {
  switch (kind) {
    case 'time':
      return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= MAX_TIME_MS;
    case 'seq':
      // Sequence numbers are positive 64-bit integers; beyond 2^53 JavaScript cannot hold them exactly.
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_KEY && unstorable(value) === undefined;
    case 'texts':
      return (
        Array.isArray(value) && value.length >= 2 && value.length <= 4 && value.every((v) => fits(v, 'text'))
      );
    case 'rank-time':
      return (
        Array.isArray(value) &&
        value.length === 2 &&
        Number.isInteger(value[0]) &&
        (value[0] as number) >= 0 &&
        (value[0] as number) <= 9 &&
        fits(value[1], 'time')
      );
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'run-seq': {
      if (typeof value !== 'string') return false;
      const [run, seq, ...rest] = value.split('/');
      return rest.length === 0 && fits(run, 'uuid') && /^\d{1,15}$/.test(seq ?? '');
    }
  }
}

/** Reads a cursor this API returned for a list of the given shape; anything else is a 400 `invalid_cursor`. */
export function decodeCursor(cursor: string, shape: CursorShape): KeysetPosition {
  let value: unknown;
  try {
    value = cursor.length <= 4096 ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 2 && fits(value[0], shape.key) && fits(value[1], shape.id)) {
    return { key: value[0] as KeysetPosition['key'], id: value[1] as string | number };
  }
  throw new AppError('invalid_cursor', 'The cursor is not one this list returned; start again without it.');
}

/** Splits a page of `limit + 1` rows into the page and the cursor of the next one. */
export function toPage<T>(rows: T[], limit: number, positionOf: (item: T) => KeysetPosition) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
  };
}

/** The cursor of lists of actions across runs: a time, ties broken by the run and the position in it. */
export const TIME_RUN_SEQ: CursorShape = { key: 'time', id: 'run-seq' };

/** The cursor of lists ordered by a time, ties broken by a UUID. */
export const TIME_UUID: CursorShape = { key: 'time', id: 'uuid' };
