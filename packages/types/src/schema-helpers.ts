import { Type, type TSchema, type SchemaOptions } from '@sinclair/typebox';

/** A string enum rendered as `{ type: 'string', enum: [...] }` in JSON Schema and OpenAPI. */
export const StringEnum = <const T extends readonly string[]>(values: T, options: SchemaOptions = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/** `T | null`, the wire form of a field that may be empty. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Id = Type.String({ format: 'uuid', description: 'Identifier (UUID).' });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 time, UTC.' });

/** The largest value an `integer` column holds on both engines (PostgreSQL's int4). */
export const INT32_MAX = 2_147_483_647;

/** A non-negative count or duration a client reports, bounded like the column that stores it. */
export const Count = (options: SchemaOptions = {}) =>
  Type.Integer({ minimum: 0, maximum: INT32_MAX, ...options });
