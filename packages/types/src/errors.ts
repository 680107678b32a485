import { Type, type Static } from '@sinclair/typebox';

/** Every error the API answers with has this shape. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable snake_case code, e.g. `run_not_found`.' }),
      message: Type.String({ description: 'What went wrong and what to do about it.' }),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'Error' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** The stable error codes of the API. */
export const ERROR_CODES = [
  'validation_failed',
  'invalid_filter',
  'invalid_cursor',
  'invalid_body',
  'invalid_url',
  'bad_request',
  'uri_too_long',
  'headers_too_large',
  'unsupported_media_type',
  'payload_too_large',
  'batch_too_large',
  'organization_required',
  'unauthenticated',
  'forbidden',
  'csrf_token_invalid',
  'too_many_attempts',
  'rate_limited',
  'member_not_found',
  'member_exists',
  'api_key_not_found',
  'masking_rule_not_found',
  'not_found',
  'organization_not_found',
  'integration_not_found',
  'user_not_found',
  'run_not_found',
  'call_not_found',
  'artifact_not_found',
  'artifact_content_removed',
  'console_not_built',
  'organization_slug_taken',
  'user_external_id_taken',
  'run_final',
  'run_not_cancellable',
  'run_already_pending',
  'integration_inactive',
  'sync_disabled',
  'partial_sync_unsupported',
  'invalid_transition',
  'idempotency_key_reused',
  'idempotency_key_in_use',
  'server_error',
  'shutting_down',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
