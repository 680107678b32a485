import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '@synctrail/types';
import { AppError } from './errors.js';

interface ValidationIssue {
  path: string;
  message: string;
}

function describe(error: NonNullable<FastifyError['validation']>[number], context: string): ValidationIssue {
  const base = `${context}${error.instancePath}`;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    return { path: `${base}/${String(params.additionalProperty)}`, message: 'is not a known field' };
  }
  if (error.keyword === 'required') {
    return { path: `${base}/${String(params.missingProperty)}`, message: 'is required' };
  }
  if (error.keyword === 'enum') {
    return { path: base, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
  }
  return { path: base, message: error.message ?? 'is invalid' };
}

function reply(res: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  const body: ErrorBody = { error: { code, message, ...(details !== undefined ? { details } : {}) } };
  return res.status(status).send(body);
}

/** One place turns every error into `{ error: { code, message, details? } }`. */
export function handleError(error: FastifyError, request: FastifyRequest, res: FastifyReply) {
  if (error instanceof AppError) return reply(res, error.status, error.code, error.message, error.details);
  if (error.validation) {
    const issues = error.validation.map((e) => describe(e, error.validationContext ?? 'body'));
    const tooMany = error.validation.find((e) => e.keyword === 'maxItems' && e.instancePath === '');
    if (tooMany && error.validationContext === 'body') {
      const limit = (tooMany.params as { limit: number }).limit;
      return reply(
        res,
        400,
        'batch_too_large',
        `A batch holds at most ${limit} items; split it and send the parts.`,
        {
          limit,
        },
      );
    }
    const first = issues[0];
    const message = first ? `${first.path.replace(/^\w+\//, '')} ${first.message}`.trim() : 'invalid request';
    return reply(res, 400, 'validation_failed', `Invalid request: ${message}.`, issues);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply(
        res,
        413,
        'payload_too_large',
        'The request body is larger than this endpoint accepts; send less per request.',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply(
        res,
        415,
        'unsupported_media_type',
        `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted here; send application/json.`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return reply(res, 400, 'invalid_body', `The body is not valid JSON: ${error.message}`);
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && error.code === undefined)) {
    return reply(res, 400, 'invalid_body', `The body could not be read: ${error.message}`);
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return reply(
      res,
      error.statusCode,
      error.statusCode === 404 ? 'not_found' : 'invalid_body',
      error.message,
    );
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply(
    res,
    500,
    'server_error',
    'Something went wrong on our side; it has been logged. Retry later.',
  );
}
