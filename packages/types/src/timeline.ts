import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, StringEnum, Timestamp } from './schema-helpers.js';
import { ACTION_KIND, SYNC_STATUS } from './enums.js';
import { ListFilter, PageQuery } from './pagination.js';
import { CallSummary } from './calls.js';
import { Issue } from './issues.js';
import { LastRun } from './organizations.js';

/** What a sync user's timeline interleaves. */
export const TIMELINE_KINDS = ['run', 'action', 'issue', 'call'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/**
 * `GET /api/v1/users/{id}/timeline`: newest first (`sort=asc` for oldest first), keyset paged.
 *
 * `status` keeps the entries of those statuses: a run by its status; a failing action by its own
 * (only WARNING and ERROR actions are on the timeline); an issue is ERROR when opened and OK when
 * resolved; a call is ERROR when it failed (HTTP status 400 or more, or an action such as
 * SSO_FAILED) and OK otherwise.
 */
export const TimelineQuery = Type.Object(
  {
    ...PageQuery,
    kind: ListFilter('run, action, issue, call; comma-separated (any case). All by default.'),
    status: ListFilter('OK, INFO, WARNING, ERROR; comma-separated (any case).'),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type TimelineQuery = Static<typeof TimelineQuery>;

const TimelineRun = Type.Object({
  id: Type.String({ description: 'Unique within the timeline.' }),
  kind: Type.Literal('run'),
  at: Timestamp,
  status: StringEnum(SYNC_STATUS),
  run: Type.Object({
    ...LastRun.properties,
    integrationId: Id,
    integrationType: Type.String(),
    name: Nullable(Type.String()),
    errorSource: Nullable(Type.String()),
    errorCategory: Nullable(Type.String()),
    exception: Nullable(Type.String({ description: 'The first 500 characters.' })),
  }),
});

const TimelineAction = Type.Object({
  id: Type.String({ description: 'Unique within the timeline.' }),
  kind: Type.Literal('action'),
  at: Timestamp,
  status: StringEnum(SYNC_STATUS),
  action: Type.Object({
    runId: Id,
    seq: Type.Integer(),
    objectType: Nullable(Type.String()),
    action: StringEnum(ACTION_KIND),
    sourceSystem: Type.String(),
    sourceName: Nullable(Type.String()),
    targetSystem: Type.String(),
    targetName: Nullable(Type.String()),
    message: Nullable(Type.String()),
    errorCode: Nullable(Type.Integer()),
  }),
});

const TimelineIssue = Type.Object({
  id: Type.String({ description: 'Unique within the timeline.' }),
  kind: Type.Literal('issue'),
  at: Timestamp,
  status: StringEnum(SYNC_STATUS),
  event: StringEnum(['opened', 'resolved'] as const, {
    description: 'An issue appears twice once resolved: when it was first seen, and when resolved.',
  }),
  issue: Type.Object(Issue.properties),
});

const TimelineCall = Type.Object({
  id: Type.String({ description: 'Unique within the timeline.' }),
  kind: Type.Literal('call'),
  at: Timestamp,
  status: StringEnum(SYNC_STATUS),
  matchedBy: StringEnum(['run', 'login'] as const, {
    description:
      "`run`: the call belongs to one of the user's runs; `login`: its login is the user's email or external id.",
  }),
  call: Type.Object(CallSummary.properties),
});

/** One entry of a sync user's timeline, told apart by `kind`. */
export const TimelineEntry = Type.Union([TimelineRun, TimelineAction, TimelineIssue, TimelineCall]);
export type TimelineEntry = Static<typeof TimelineEntry>;
