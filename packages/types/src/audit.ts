import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, StringEnum, Timestamp } from './schema-helpers.js';
import { ListFilter, PageQuery } from './pagination.js';
import { ExportQuery } from './exports.js';

/**
 * Every administrative act the audit log records. New acts are added here (and only here), so that
 * `GET /api/v1/audit?action=` can reject a misspelled filter.
 */
export const AUDIT_ACTIONS = [
  'session.sign_in',
  'session.sign_in_failed',
  'session.sign_out',
  'run.trigger',
  'run.changes',
  'run.cancel',
  'export.csv',
  'export.pdf',
  'bundle.download',
  'artifact.download',
  'call.payload_view',
  'api_key.create',
  'api_key.revoke',
  'member.add',
  'member.update',
  'member.remove',
  'account.create',
  'account.update',
  'organization.create',
  'organization.update',
  'integration.create',
  'integration.update',
  'user.update',
  'masking_rule.create',
  'masking_rule.delete',
  'settings.update',
  'retention.pass',
  'retention.update',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One administrative act. Events form a hash chain in `seq` order: `hash` is the SHA-256 of the
 * event's canonical form, which includes `prevHash`, the hash of the event before it.
 *
 * @example
 * { "seq": 42, "action": "run.cancel", "actor": "account:0190…", "organizationId": "0190…",
 *   "target": "run:0190…", "sourceIp": "203.0.113.7", "details": { "progress": "RUNNING" }, … }
 */
export const AuditEvent = Type.Object(
  {
    seq: Type.Integer({ minimum: 1, description: 'Position in the chain: 1, 2, 3… without gaps.' }),
    id: Id,
    at: Timestamp,
    actor: Type.String({
      description: 'Who acted: `account:<id>`, `key:<id>`, `operator:bootstrap`, `email:<address>`…',
    }),
    organizationId: Nullable(Id),
    action: StringEnum(AUDIT_ACTIONS),
    target: Nullable(Type.String({ description: 'What was acted on, e.g. `run:<id>`, `api_key:<id>`.' })),
    sourceIp: Nullable(Type.String({ description: 'The address the request came from.' })),
    details: Nullable(Type.Record(Type.String(), Type.Unknown())),
    prevHash: Type.String({ description: 'SHA-256 (hex) of the previous event; 64 zeros for the first.' }),
    hash: Type.String({ description: 'SHA-256 (hex) of this event in canonical form.' }),
  },
  { $id: 'AuditEvent' },
);
export type AuditEvent = Static<typeof AuditEvent>;

export const AuditListQuery = Type.Object(
  {
    ...PageQuery,
    ...ExportQuery,
    actor: ListFilter('Actors, comma-separated (exact), e.g. `account:<id>`.'),
    action: ListFilter('Actions, comma-separated, e.g. `run.cancel,run.trigger`.'),
    organizationId: ListFilter('Organization ids, comma-separated.'),
    target: ListFilter('Targets, comma-separated (exact), e.g. `run:<id>`.'),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type AuditListQuery = Static<typeof AuditListQuery>;

/**
 * What `synctrail audit verify`, `GET /api/v1/audit/verify` (operators) and `AuditService.verify` find.
 *
 * @example
 * { "ok": true, "count": 1289, "headHash": "9f86d081884c7d65…" }
 * { "ok": false, "seq": 42, "problem": "edited", "message": "event 42 does not match its hash…", "event": { … } }
 */
export const AuditVerification = Type.Union(
  [
    Type.Object({
      ok: Type.Literal(true),
      count: Type.Integer({ description: 'Events verified.' }),
      headHash: Type.String({
        description:
          'The hash of the last event: note it somewhere else to detect a wholesale rewrite later.',
      }),
    }),
    Type.Object({
      ok: Type.Literal(false),
      seq: Type.Integer({ description: 'The first event (or missing position) that breaks the chain.' }),
      problem: StringEnum(['edited', 'inserted', 'deleted'] as const),
      message: Type.String(),
      event: Nullable(
        Type.Object(AuditEvent.properties, {
          description: 'The offending event as stored; null for a deleted position.',
        }),
      ),
    }),
  ],
  { $id: 'AuditVerification' },
);
export type AuditVerification = Static<typeof AuditVerification>;
