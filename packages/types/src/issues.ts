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

/** The filters a list of issues takes (a user's, or all the caller may see). */
const IssueFilters = {
  state: ListFilter('OPEN and/or RESOLVED, any case; comma-separated.'),
  errorCode: ListFilter('0, 1, 2, 3; comma-separated.'),
  objectType: ListFilter('Object types, comma-separated (exact).'),
  type: ListFilter('Object types, comma-separated (exact): the same filter as `objectType`.'),
  direction: ListFilter(
    'Directions, comma-separated: `EXCHANGE → SALESFORCE` (or `EXCHANGE->SALESFORCE`, `EXCHANGE>SALESFORCE`).',
  ),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
};

export const IssueListQuery = Type.Object(
  { ...PageQuery, ...ExportQuery, ...IssueFilters },
  { additionalProperties: false },
);
export type IssueListQuery = Static<typeof IssueListQuery>;

/** `GET /api/v1/issues`: the issues of every sync user in the organizations the caller can see. */
export const AllIssuesQuery = Type.Object(
  {
    ...PageQuery,
    ...ExportQuery,
    organizationId: ListFilter('Organization ids, comma-separated.'),
    userId: ListFilter('Sync user ids, comma-separated.'),
    ...IssueFilters,
  },
  { additionalProperties: false },
);
export type AllIssuesQuery = Static<typeof AllIssuesQuery>;

/** An issue with the name and email of its sync user (the list of all issues). */
export const IssueListItem = Type.Object(
  {
    ...Issue.properties,
    userName: Nullable(Type.String()),
    userEmail: Nullable(Type.String()),
  },
  { $id: 'IssueListItem' },
);
export type IssueListItem = Static<typeof IssueListItem>;
