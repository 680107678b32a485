import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, StringEnum, Timestamp } from './schema-helpers.js';
import { ISSUE_STATE } from './enums.js';
import { ListFilter, PageQuery } from './pagination.js';
import { ExportQuery } from './exports.js';

/** An object of a sync user that could not be synced. */
export const Issue = Type.Object(
  {
    id: Id,
    organizationId: Id,
    userId: Id,
    objectType: Nullable(Type.String()),
    objectId: Nullable(Type.String()),
    objectName: Nullable(Type.String()),
    direction: Type.String({ description: 'e.g. `EXCHANGE → SALESFORCE`.' }),
    operation: Type.String({ description: 'CREATE, UPDATE or DELETE.' }),
    errorCode: Type.Integer({
      description: '0 success/active, 1 locked/operation error, 2 already removed, 3 inaccessible.',
    }),
    errorText: Nullable(Type.String()),
    firstSeenAt: Timestamp,
    lastSeenAt: Timestamp,
    occurrences: Type.Integer(),
    state: StringEnum(ISSUE_STATE),
    lastRunId: Nullable(Id),
    resolvedAt: Nullable(Timestamp),
  },
  { $id: 'Issue' },
);
export type Issue = Static<typeof Issue>;

export const IssueListQuery = Type.Object(
  {
    ...PageQuery,
    ...ExportQuery,
    state: ListFilter('OPEN and/or RESOLVED.'),
    errorCode: ListFilter('0, 1, 2, 3; comma-separated.'),
    objectType: ListFilter('Object types, comma-separated.'),
  },
  { additionalProperties: false },
);
export type IssueListQuery = Static<typeof IssueListQuery>;
