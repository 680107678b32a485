import { Type, type Static } from '@sinclair/typebox';

/**
 * The answer to an OTLP/HTTP trace export (`POST /v1/traces`), in its OTLP/JSON form
 * (`ExportTraceServiceResponse`). `partialSuccess` is there only when spans were rejected or
 * skipped: `rejectedSpans` counts the rejected ones, `errorMessage` says why and how many were skipped.
 */
export const OtlpExportResponse = Type.Object({
  partialSuccess: Type.Optional(
    Type.Object({
      rejectedSpans: Type.Integer({ minimum: 0 }),
      errorMessage: Type.String(),
    }),
  ),
});
export type OtlpExportResponse = Static<typeof OtlpExportResponse>;

/** Span and resource attributes Synctrail reads besides OpenTelemetry's HTTP semantic conventions. */
export const OTLP_ATTRIBUTES = {
  /** The run (sync session) a call belongs to: a run id of the same organization. */
  runId: 'synctrail.run.id',
  /** With operator credentials, the organization of the spans (an ingest key implies its own). */
  organizationId: 'synctrail.organization.id',
  /** Labels, as on `POST /api/v1/calls`: `SSO_INITIATED`…, `AUTHENTICATION_APPLICATIONS`…, the user. */
  action: 'synctrail.action',
  requestType: 'synctrail.request_type',
  login: 'synctrail.login',
  /** The two sides of the call, when `service.name` and the peer are not the names wanted. */
  appFrom: 'synctrail.app.from',
  appTo: 'synctrail.app.to',
} as const;
