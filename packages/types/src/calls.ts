import { Type, type Static } from '@sinclair/typebox';
import { Count, Id, Nullable, StringEnum, Timestamp } from './schema-helpers.js';
import { CALL_ACTION, CALL_DIRECTION } from './enums.js';
import { ListFilter, PageQuery } from './pagination.js';
import { ExportQuery } from './exports.js';

export const HttpMessage = Type.Object(
  {
    headers: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())])),
    ),
    body: Type.Optional(Nullable(Type.String({ maxLength: 1_000_000 }))),
  },
  { additionalProperties: false },
);
export type HttpMessage = Static<typeof HttpMessage>;

const RequestType = Type.String({
  pattern: '^[A-Z][A-Z0-9_]{0,63}$',
  description:
    '`AUTHENTICATION_APPLICATIONS`, `AUTHENTICATION_CONNECTIONS`, `LOGOUT_APPLICATIONS`, `LOGOUT_CONNECTIONS`, or another upper-case identifier.',
});

/** One API call as a connector reports it. */
export const CallInput = Type.Object(
  {
    organizationId: Type.Optional(Id),
    at: Type.Optional(Timestamp),
    direction: StringEnum(CALL_DIRECTION),
    appFrom: Type.String({ minLength: 1, maxLength: 100 }),
    appTo: Type.String({ minLength: 1, maxLength: 100 }),
    action: Type.Optional(StringEnum(CALL_ACTION, { default: 'NA' })),
    requestType: Type.Optional(Nullable(RequestType)),
    login: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
    method: Type.String({ pattern: '^[A-Z]{1,16}$' }),
    url: Type.String({ minLength: 1, maxLength: 8000 }),
    statusCode: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 999 }))),
    durationMs: Type.Optional(Nullable(Count())),
    request: Type.Optional(HttpMessage),
    response: Type.Optional(HttpMessage),
    runId: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false },
);
export type CallInput = Static<typeof CallInput>;

export const MAX_CALLS_PER_BATCH = 10_000;
export const CallBatch = Type.Array(CallInput, { maxItems: MAX_CALLS_PER_BATCH });

const CallSummaryProperties = {
  id: Id,
  organizationId: Id,
  runId: Nullable(Id),
  at: Timestamp,
  direction: StringEnum(CALL_DIRECTION),
  appFrom: Type.String(),
  appTo: Type.String(),
  action: StringEnum(CALL_ACTION),
  requestType: Nullable(Type.String()),
  login: Nullable(Type.String()),
  method: Type.String(),
  url: Type.String(),
  statusCode: Nullable(Type.Integer()),
  durationMs: Nullable(Type.Integer()),
};

/** A call as listed: without payloads. */
export const CallSummary = Type.Object(CallSummaryProperties, { $id: 'CallSummary' });
export type CallSummary = Static<typeof CallSummary>;

/** A call with its request and response payloads. */
const StoredHttpMessage = Type.Object({
  headers: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())])),
  body: Nullable(Type.String()),
});
export const Call = Type.Object(
  { ...CallSummaryProperties, request: StoredHttpMessage, response: StoredHttpMessage },
  { $id: 'Call' },
);
export type Call = Static<typeof Call>;

export const CallBatchResult = Type.Object({
  accepted: Type.Integer(),
  ids: Type.Array(Id),
});
export type CallBatchResult = Static<typeof CallBatchResult>;

export const CallListQuery = Type.Object(
  {
    ...PageQuery,
    ...ExportQuery,
    organizationId: ListFilter('Organization ids, comma-separated.'),
    runId: ListFilter('Run ids, comma-separated.'),
    app: ListFilter('Application on either side, comma-separated.'),
    appFrom: ListFilter('Calling applications, comma-separated.'),
    appTo: ListFilter('Called applications, comma-separated.'),
    action: ListFilter(
      'SSO_INITIATED, SSO_FAILED, SSO_SUCCESSFUL, SLO_INITIATED, SLO_FAILED, SLO_SUCCESSFUL, NA.',
    ),
    requestType: ListFilter('Request types, comma-separated.'),
    login: Type.Optional(
      Type.String({
        maxLength: 320,
        description:
          'Email or login id: matches anywhere in it, case-insensitive (from 3 characters from a text index).',
      }),
    ),
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Text anywhere in the URL or the login, case-insensitive. From 3 characters it is answered from a ' +
          'text index; shorter text is compared call by call within the other filters.',
      }),
    ),
    direction: ListFilter('OUTGOING and/or INCOMING.'),
    statusCode: ListFilter('Status codes or classes (`500`, `4xx`), comma-separated.'),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type CallListQuery = Static<typeof CallListQuery>;
