import type { ErrorCode } from '@synctrail/types';

/** The catalog: every error code with its HTTP status. */
const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_filter: 400,
  invalid_cursor: 400,
  invalid_body: 400,
  invalid_url: 400,
  bad_request: 400,
  uri_too_long: 414,
  headers_too_large: 431,
  unsupported_media_type: 415,
  payload_too_large: 413,
  batch_too_large: 400,
  organization_required: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_token_invalid: 403,
  too_many_attempts: 429,
  rate_limited: 429,
  member_not_found: 404,
  member_exists: 409,
  api_key_not_found: 404,
  masking_rule_not_found: 404,
  not_found: 404,
  organization_not_found: 404,
  integration_not_found: 404,
  user_not_found: 404,
  run_not_found: 404,
  call_not_found: 404,
  artifact_not_found: 404,
  artifact_content_removed: 410,
  console_not_built: 404,
  organization_slug_taken: 409,
  user_external_id_taken: 409,
  run_final: 409,
  run_not_cancellable: 409,
  run_already_pending: 409,
  integration_inactive: 409,
  sync_disabled: 409,
  partial_sync_unsupported: 409,
  invalid_transition: 409,
  idempotency_key_reused: 422,
  idempotency_key_in_use: 409,
  server_error: 500,
  shutting_down: 503,
};

/** An error a client can act on; the HTTP layer turns it into `{ error: { code, message, details } }`. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.status = STATUS[code];
  }
}

/** The wire form of an error, for the few places that answer outside Fastify's reply (client errors). */
export function errorJson(code: ErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export const notFound = (code: ErrorCode, what: string, id: string) =>
  new AppError(code, `${what} ${id} does not exist or is not visible to you.`);
