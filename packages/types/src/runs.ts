import { Type, type Static } from '@sinclair/typebox';
import { Count, Id, Nullable, StringEnum, Timestamp } from './schema-helpers.js';
import { ACTION_KIND, RUN_PROGRESS, SYNC_STATUS, TRIGGER_PATTERN } from './enums.js';
import { ListFilter, PageQuery } from './pagination.js';
import { ExportQuery } from './exports.js';

export const Trigger = Type.String({
  pattern: TRIGGER_PATTERN,
  description: '`FULL_SYNC_JOB`, `FULL_SYNC_MANUAL` or `<SYSTEM>_CHANGES` (partial sync).',
});

export const RunCounters = Type.Object({
  processed: Type.Integer({ description: 'Actions received.' }),
  creates: Type.Integer(),
  updates: Type.Integer(),
  deletes: Type.Integer(),
  warnings: Type.Integer({ description: 'Actions with status WARNING.' }),
  errors: Type.Integer({ description: 'Actions with status ERROR.' }),
  objects: Type.Integer({ description: 'Objects synchronized (reported by the connector).' }),
  changes: Type.Integer(),
  failures: Type.Integer(),
  conflicts: Type.Integer(),
  issues: Type.Integer({ description: 'Issues opened or seen again by this run.' }),
});
export type RunCounters = Static<typeof RunCounters>;

/** The counters a connector reports itself; the others are computed from actions. */
export const ReportedCounters = Type.Object(
  {
    objects: Type.Optional(Count()),
    changes: Type.Optional(Count()),
    failures: Type.Optional(Count()),
    conflicts: Type.Optional(Count()),
  },
  { additionalProperties: false },
);
export type ReportedCounters = Static<typeof ReportedCounters>;

const ErrorSource = Type.String({
  pattern: '^[A-Z][A-Z0-9_]{0,63}$',
  description: '`UNKNOWN`, `CONNECTOR`, or the external system (e.g. `MICROSOFT_EXCHANGE`).',
});

export const Run = Type.Object(
  {
    id: Id,
    organizationId: Id,
    integrationId: Id,
    integrationType: Type.String(),
    userId: Nullable(Id),
    name: Nullable(Type.String()),
    trigger: Trigger,
    progress: StringEnum(RUN_PROGRESS),
    status: StringEnum(SYNC_STATUS),
    requestedAt: Timestamp,
    startedAt: Nullable(Timestamp),
    finishedAt: Nullable(Timestamp),
    durationMs: Nullable(Type.Integer()),
    lastHeartbeatAt: Nullable(Timestamp),
    counters: RunCounters,
    errorSource: Nullable(Type.String()),
    errorCategory: Nullable(Type.String()),
    exception: Nullable(Type.String()),
    objectReport: Nullable(Type.Record(Type.String(), Type.Unknown())),
    requestedBy: Nullable(
      Type.String({ description: 'Who started it: an account or key, `schedule`, or `changes:<ORIGIN>`.' }),
    ),
    leaseOwner: Nullable(Type.String({ description: 'The connector instance that leased the run.' })),
    cancelRequestedBy: Nullable(Type.String({ description: 'Who asked the run to stop.' })),
    cancelRequestedAt: Nullable(Timestamp),
    cancellable: Type.Boolean({
      description:
        'Whether `POST /runs/{id}/cancel` would be accepted now: the run is PENDING or RUNNING and its integration can cancel.',
    }),
  },
  { $id: 'Run' },
);
export type Run = Static<typeof Run>;

const Endpoint = Type.Object(
  {
    system: Type.String({ minLength: 1, maxLength: 100 }),
    id: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    name: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  },
  { additionalProperties: false },
);

/** One action as a connector reports it. */
export const ActionInput = Type.Object(
  {
    at: Type.Optional(Timestamp),
    source: Endpoint,
    target: Endpoint,
    objectType: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    action: StringEnum(ACTION_KIND),
    status: StringEnum(SYNC_STATUS),
    message: Type.Optional(Nullable(Type.String({ maxLength: 100_000 }))),
    details: Type.Optional(Type.Unknown({ description: 'Free JSON, e.g. the field-level diff.' })),
    errorCode: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 3 }))),
  },
  { additionalProperties: false },
);
export type ActionInput = Static<typeof ActionInput>;

export const MAX_ACTIONS_PER_BATCH = 10_000;

export const ActionBatch = Type.Array(ActionInput, { maxItems: MAX_ACTIONS_PER_BATCH });

export const Action = Type.Object(
  {
    runId: Id,
    seq: Type.Integer({ description: 'Position of the action in its run, from 1.' }),
    at: Timestamp,
    source: Type.Object({
      system: Type.String(),
      id: Nullable(Type.String()),
      name: Nullable(Type.String()),
    }),
    target: Type.Object({
      system: Type.String(),
      id: Nullable(Type.String()),
      name: Nullable(Type.String()),
    }),
    objectType: Nullable(Type.String()),
    action: StringEnum(ACTION_KIND),
    status: StringEnum(SYNC_STATUS),
    message: Nullable(Type.String()),
    details: Type.Optional(Type.Unknown()),
    errorCode: Nullable(Type.Integer()),
  },
  { $id: 'Action' },
);
export type Action = Static<typeof Action>;

export const ActionBatchResult = Type.Object({
  accepted: Type.Integer(),
  firstSeq: Nullable(Type.Integer()),
  run: Type.Ref('Run'),
});
export interface ActionBatchResult {
  accepted: number;
  firstSeq: number | null;
  run: Run;
}

export const RunCreate = Type.Object(
  {
    integrationId: Id,
    userId: Type.Optional(Nullable(Id)),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    trigger: Type.Optional(Trigger),
    startedAt: Type.Optional(Timestamp),
    progress: Type.Optional(
      StringEnum(['PENDING', 'RUNNING', 'FINISHED', 'ABORTED'] as const, {
        description: 'RUNNING by default; FINISHED or ABORTED to report a whole run at once.',
      }),
    ),
    finishedAt: Type.Optional(Timestamp),
    counters: Type.Optional(ReportedCounters),
    errorSource: Type.Optional(Nullable(ErrorSource)),
    errorCategory: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    exception: Type.Optional(Nullable(Type.String({ maxLength: 100_000 }))),
    objectReport: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
    actions: Type.Optional(ActionBatch),
  },
  { additionalProperties: false },
);
export type RunCreate = Static<typeof RunCreate>;

export const RunPatch = Type.Object(
  {
    progress: Type.Optional(StringEnum(RUN_PROGRESS)),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    startedAt: Type.Optional(Timestamp),
    finishedAt: Type.Optional(Timestamp),
    counters: Type.Optional(ReportedCounters),
    errorSource: Type.Optional(Nullable(ErrorSource)),
    errorCategory: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    exception: Type.Optional(Nullable(Type.String({ maxLength: 100_000 }))),
    objectReport: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type RunPatch = Static<typeof RunPatch>;

export const HeartbeatResult = Type.Object({
  progress: StringEnum(RUN_PROGRESS),
  cancelRequested: Type.Boolean({ description: 'True when an administrator asked the run to stop.' }),
});
export type HeartbeatResult = Static<typeof HeartbeatResult>;

/** The filters of `GET /api/v1/runs`, shared by the lists of runs and the histogram. */
export const RunFilters = {
  organizationId: ListFilter('Organization ids, comma-separated.'),
  integrationId: ListFilter('Integration ids, comma-separated.'),
  integrationType: ListFilter('Integration types, comma-separated.'),
  userId: ListFilter('Sync user ids, comma-separated.'),
  name: ListFilter('Run names, comma-separated (exact).'),
  trigger: ListFilter('Triggers, comma-separated.'),
  progress: ListFilter('PENDING, RUNNING, ABORTION_PENDING, ABORTED, FINISHED; comma-separated.'),
  status: ListFilter('OK, INFO, WARNING, ERROR; comma-separated.'),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
};

export const RunListQuery = Type.Object(
  { ...PageQuery, ...ExportQuery, ...RunFilters },
  { additionalProperties: false },
);
export type RunListQuery = Static<typeof RunListQuery>;

/**
 * Orders of the lists of a sync user's or an organization's sessions: `requestedAt` (the default),
 * or `status`, worst first with `sort=desc` (ERROR, WARNING, INFO, OK), newest first within a status.
 */
export const RUN_ORDER = ['requestedAt', 'status'] as const;
export type RunOrder = (typeof RUN_ORDER)[number];

/** `GET /organizations/{id}/runs` and `GET /users/{id}/runs`. */
export const SessionListQuery = Type.Object(
  {
    ...PageQuery,
    ...ExportQuery,
    ...RunFilters,
    orderBy: Type.Optional(StringEnum(RUN_ORDER, { default: 'requestedAt' })),
  },
  { additionalProperties: false },
);
export type SessionListQuery = Static<typeof SessionListQuery>;

/** A run in the lists of sessions: with the name, email and external id of its sync user. */
export const SessionListItem = Type.Object(
  {
    ...Run.properties,
    userName: Nullable(Type.String()),
    userEmail: Nullable(Type.String()),
    userExternalId: Nullable(Type.String()),
  },
  { $id: 'SessionListItem' },
);
export type SessionListItem = Static<typeof SessionListItem>;

/** `GET /api/v1/runs/{id}`: the run as JSON, or (`format=pdf`) its report, as `GET /runs/{id}/report.pdf`. */
export const RunGetQuery = Type.Object(
  {
    format: Type.Optional(
      Type.String({
        maxLength: 10,
        description:
          '`json` (default) or `pdf`: the run report, the same file as `GET /runs/{id}/report.pdf`.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RunGetQuery = Static<typeof RunGetQuery>;

export const ActionListQuery = Type.Object(
  {
    ...PageQuery,
    ...ExportQuery,
    status: ListFilter('OK, INFO, WARNING, ERROR; comma-separated.'),
    action: ListFilter('CREATE, UPDATE, DELETE, NONE; comma-separated.'),
    objectType: ListFilter('Object types, comma-separated.'),
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          "Text anywhere in the object names, ids or message, case-insensitive, compared with each of the run's " +
          'actions (actions have no text index: it would slow every ingest).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ActionListQuery = Static<typeof ActionListQuery>;

/** `GET /api/v1/actions`: actions across runs, newest first, in the organizations the caller can see. */
export const ActionSearchQuery = Type.Object(
  {
    ...PageQuery,
    ...ExportQuery,
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Text anywhere in the message, object names or object ids, case-insensitive. Compared action by ' +
          'action, newest first, within the other filters (actions have no text index: it would slow every ' +
          'ingest), so narrow those, e.g. with `from`/`to` or `organizationId`, on a large deployment.',
      }),
    ),
    organizationId: ListFilter('Organization ids, comma-separated.'),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type ActionSearchQuery = Static<typeof ActionSearchQuery>;
