import { AppError } from '../http/errors.js';

/** A keyset position: the sort value (a time in ms, or a number) and the tiebreaking id. */
export interface KeysetPosition {
  key: number | string;
  id: string | number;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.key, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (typeof value[0] === 'number' || typeof value[0] === 'string') &&
      (typeof value[1] === 'string' || typeof value[1] === 'number')
    ) {
      return { key: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('invalid_cursor', 'The cursor is not one this API returned; start again without it.');
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
