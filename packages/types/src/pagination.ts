import { Type, type TSchema } from '@sinclair/typebox';
import { StringEnum } from './schema-helpers.js';
import { SORT_ORDER } from './enums.js';

/** A page of a list: pass `nextCursor` back as `cursor` to read the next one; `null` means the end. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  });
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  sort: Type.Optional(
    StringEnum(SORT_ORDER, {
      description: 'Order; each list documents its default (newest first for time-ordered lists).',
    }),
  ),
};

/** A comma-separated multi-value filter, e.g. `status=ERROR,WARNING`. */
export const ListFilter = (description: string) =>
  Type.Optional(Type.String({ maxLength: 2000, description }));
