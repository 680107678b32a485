import type { Socket } from 'node:net';
import type { FastifyReply, FastifyServerOptions } from 'fastify';
import { AppError, errorJson } from './errors.js';

/** Errors Fastify raises before a route runs (a URL it cannot decode) answer in the wire format too. */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, _req, reply) => {
  const known =
    error.code === 'FST_ERR_BAD_URL'
      ? new AppError('invalid_url', 'The URL is not valid percent-encoded UTF-8; encode it again.')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new AppError(
            'uri_too_long',
            'A path parameter is longer than 100 characters; ids are shorter than that.',
          )
        : new AppError('bad_request', 'The request could not be routed; check its URL and headers.');
  // The reply is typed for no route (none matched); it is a plain FastifyReply here.
  const plain = reply as unknown as FastifyReply;
  void plain
    .status(known.status)
    .type('application/json; charset=utf-8')
    .send(errorJson(known.code, known.message));
};

const CLIENT_ERRORS: Record<
  string,
  [status: number, code: Parameters<typeof errorJson>[0], message: string]
> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'headers_too_large',
    'The URL and headers together are larger than 16 kB; send a shorter URL or fewer headers.',
  ],
  HPE_URI_TOO_LONG: [414, 'uri_too_long', 'The URL is too long; send long filters in fewer, shorter values.'],
};

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
};

/**
 * Requests Node's HTTP parser refuses (malformed, headers too large) never reach Fastify; the
 * answer is written on the socket, still in the wire format, and the connection is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [
    400,
    'bad_request' as const,
    'The request is not valid HTTP/1.1; nothing was read.',
  ];
  const body = errorJson(code, message);
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
