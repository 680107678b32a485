import type { FastifyRequest } from 'fastify';
import type { AuditEvent } from '@synctrail/types';
import type { Services } from '../http/services.js';
import type { AuditRecord } from './audit.service.js';

/**
 * Records an administrative act made by this request: the actor is the request's credential (unless
 * the event names one) and the source address is the request's (`request.ip`, which honours
 * SYNCTRAIL_TRUST_PROXY).
 */
export function recordAudit(s: Services, req: FastifyRequest, event: AuditRecord): Promise<AuditEvent> {
  return s.audit.record(event, { access: req.access, sourceIp: req.ip });
}

/**
 * Performs an administrative act and records it in one transaction: the act is not acknowledged
 * without its audit event, and a failed act leaves no event behind.
 */
export function audited<T>(
  s: Services,
  req: FastifyRequest,
  act: () => Promise<T>,
  describe: (result: T) => AuditRecord,
): Promise<T> {
  return s.engine.transaction(async () => {
    const result = await act();
    await recordAudit(s, req, describe(result));
    return result;
  });
}

/** The names of the fields a PATCH body sets: what changed, never the values (they may be secrets). */
export function changedFields(body: unknown): { fields: string[] } {
  return { fields: body !== null && typeof body === 'object' ? Object.keys(body).sort() : [] };
}
