import { gunzipSync } from 'node:zlib';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OtlpExportResponse } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { AppError } from '../http/errors.js';
import { handleError } from '../http/error-handler.js';
import { refuseForeignCharset } from '../http/content-type.js';
import { exceedsDepth, MAX_JSON_DEPTH, refuseDeepJson } from '../http/input-guard.js';
import { errors } from '../http/route-schemas.js';
import { decodeTraceRequestProto, encodeRpcStatusProto, encodeTraceResponseProto } from './otlp-proto.js';
import { spansOf } from './otlp-spans.js';
import { partialSuccessMessage } from './otlp.service.js';

/** Where OTLP/HTTP exporters post traces by default, and the same under the API's prefix. */
export const OTLP_TRACES_PATHS = ['/v1/traces', '/api/v1/otlp/v1/traces'] as const;

const PROTOBUF = 'application/x-protobuf';

interface Decoded {
  encoding: 'protobuf' | 'json';
  message: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** How an OTLP request was encoded: its answer (and its errors) go back the same way. */
    otlpEncoding?: 'protobuf' | 'json';
  }
}

function isProtobuf(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith(PROTOBUF);
}

/** The body without its `Content-Encoding` (gzip or none), never inflated past `maxBytes`. */
function decompressed(request: FastifyRequest, body: Buffer, maxBytes: number): Buffer {
  const encoding = String(request.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip') {
    throw new AppError(
      'unsupported_media_type',
      `Content-Encoding ${encoding} is not accepted on OTLP/HTTP; send gzip or no encoding.`,
    );
  }
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError(
        'payload_too_large',
        `The body inflates to more than ${maxBytes} bytes; export fewer spans per request.`,
      );
    }
    throw new AppError(
      'invalid_body',
      'The body is declared gzip but is not valid gzip data. Nothing was stored.',
      undefined,
      {
        cause: error,
      },
    );
  }
}

function parse(request: FastifyRequest, raw: Buffer, maxBytes: number): Decoded {
  const body = decompressed(request, raw, maxBytes);
  if (isProtobuf(request)) {
    try {
      return { encoding: 'protobuf', message: decodeTraceRequestProto(body) };
    } catch (error) {
      throw new AppError(
        'invalid_body',
        `The body is not a protobuf ExportTraceServiceRequest (${(error as Error).message}). Nothing was stored.`,
        undefined,
        { cause: error },
      );
    }
  }
  refuseForeignCharset(request.headers['content-type']);
  const text = body.toString('utf8');
  if (text.trim() === '') return { encoding: 'json', message: {} };
  if (exceedsDepth(text, MAX_JSON_DEPTH)) refuseDeepJson();
  try {
    return { encoding: 'json', message: JSON.parse(text) as unknown };
  } catch (error) {
    throw new AppError(
      'invalid_body',
      `The body is not valid JSON: ${(error as Error).message}. Nothing was stored.`,
    );
  }
}

/** OTLP answers in the request's encoding: a protobuf `google.rpc.Status` to a protobuf request. */
function otlpErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const encoding = request.otlpEncoding ?? (isProtobuf(request) ? 'protobuf' : 'json');
  const known =
    error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
      ? new AppError(
          'unsupported_media_type',
          `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted here; OTLP/HTTP sends application/x-protobuf or application/json.`,
        )
      : error;
  if (encoding === 'json' || !(known instanceof AppError))
    return handleError(known as FastifyError, request, reply);
  // gRPC status codes, as OTLP's Status carries them.
  const grpc =
    known.status === 401
      ? 16
      : known.status === 403
        ? 7
        : known.status === 429
          ? 8
          : known.status >= 500
            ? 13
            : 3;
  return reply.status(known.status).type(PROTOBUF).send(encodeRpcStatusProto(grpc, known.message));
}

/** `POST /v1/traces`: OTLP/HTTP trace export (protobuf or JSON, optionally gzip), stored as calls. */
export function otlpRoutes(app: App, s: Services, batchMaxBytes: number) {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      [PROTOBUF, 'application/json'],
      { parseAs: 'buffer' },
      (request, body, done) => {
        try {
          const decoded = parse(request, body as Buffer, batchMaxBytes);
          request.otlpEncoding = decoded.encoding;
          done(null, decoded);
        } catch (error) {
          done(error as Error, undefined);
        }
      },
    );
    scope.setErrorHandler(otlpErrorHandler);
    for (const url of OTLP_TRACES_PATHS) {
      scope.post(
        url,
        {
          bodyLimit: batchMaxBytes,
          schema: {
            tags: ['calls'],
            summary: 'Receive OpenTelemetry traces (OTLP/HTTP): HTTP spans become calls',
            ...(url === OTLP_TRACES_PATHS[0] ? {} : { hide: true }),
            description:
              'An OTLP `ExportTraceServiceRequest`, as `application/x-protobuf` or `application/json` (OTLP/JSON), ' +
              'optionally `Content-Encoding: gzip`, sent with an ingest key (`Authorization: Bearer st_…`). HTTP client spans ' +
              "(kind CLIENT) are stored as OUTGOING calls from the resource's `service.name`, HTTP server spans (kind SERVER) " +
              'as INCOMING calls to it; other spans are skipped. `synctrail.run.id` attaches a call to a run; ' +
              '`synctrail.action`, `synctrail.request_type`, `synctrail.login`, `synctrail.app.from` / `synctrail.app.to` label it. ' +
              "The answer is an `ExportTraceServiceResponse` in the request's encoding; its `partialSuccess` counts the " +
              'rejected spans and says why. Also served at `/api/v1/otlp/v1/traces`.',
            consumes: [PROTOBUF, 'application/json'],
            produces: [PROTOBUF, 'application/json'],
            response: { 200: OtlpExportResponse, ...errors(400, 401, 403, 413, 415, 429) },
          },
        },
        async (req, reply) => {
          const decoded = req.body as Decoded | undefined;
          const spans = spansOf(decoded?.message ?? {}, decoded?.encoding === 'protobuf' ? 'base64' : 'hex');
          const result = await s.otlp.ingest(req.access, spans);
          const message = partialSuccessMessage(result);
          const partial =
            message === undefined ? undefined : { rejectedSpans: result.rejected, errorMessage: message };
          if (decoded?.encoding === 'protobuf')
            return reply.status(200).type(PROTOBUF).send(encodeTraceResponseProto(partial));
          return reply.status(200).send(partial ? { partialSuccess: partial } : {});
        },
      );
    }
  });
}
