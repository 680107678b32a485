import { Type } from '@sinclair/typebox';
import { ErrorBody } from '@synctrail/types';

export const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

const errorRef = Type.Ref(ErrorBody);

/** The error answers a route may give, for the OpenAPI document. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, errorRef]));
}

export const READ_ERRORS = errors(400, 401, 403, 404);
export const WRITE_ERRORS = errors(400, 401, 403, 404, 409, 413, 415, 422);
