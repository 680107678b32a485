import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from './services.js';
import { requestHash } from '../idempotency/idempotency.service.js';

/**
 * Runs a write under the request's `Idempotency-Key` (if any) and sends its answer; a retry gets the
 * first answer back, marked with `Idempotent-Replayed: true`.
 */
export async function sendIdempotent<T>(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  write: () => Promise<{ statusCode: number; body: T }>,
  hashParts: readonly unknown[] = [request.body],
) {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  // Only a keyed request is ever compared with a retry: spare the others hashing a 10,000-action body.
  const hash = key === undefined ? '' : requestHash([request.method, request.url, ...hashParts]);
  const result = await services.idempotency.run(request.access.actor, key, hash, write);
  if (result.replayed) void reply.header('idempotent-replayed', 'true');
  return reply.status(result.statusCode).send(result.body);
}
