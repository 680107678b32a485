import { Type } from '@sinclair/typebox';
import { AuditEvent, AuditListQuery, AuditVerification, Page } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { READ_ERRORS } from '../http/route-schemas.js';
import { listOrExport } from '../exports/export-request.js';

/** The audit log (read-only: events are appended by the services, never through the API). */
export function auditRoutes(app: App, s: Services) {
  app.addSchema(AuditEvent);
  app.addSchema(AuditVerification);
  app.get(
    '/api/v1/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Verify the audit log’s hash chain',
        description:
          'Walks every event in order, as `synctrail audit verify` does: `{ ok: true, count, headHash }`, or the ' +
          'first event that was edited, inserted or deleted (`{ ok: false, seq, problem, message, event }`). ' +
          'Operators only (403 for anyone else). Reads the whole log: seconds on a large one.',
        response: { 200: Type.Ref(AuditVerification), ...READ_ERRORS },
      },
    },
    (req) => s.audit.verifyFor(req.access),
  );
  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'List audit events',
        description:
          'Administrative acts, newest first by default. Operators see every event; an organization admin ' +
          "sees that organization's; viewers and ingest or read keys get 403. Filters take several values, " +
          'comma-separated; `from` is inclusive, `to` exclusive.',
        querystring: AuditListQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Page(Type.Ref(AuditEvent)), ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: 'audit',
        schema: AuditEvent,
        page: (paging) => s.audit.list(req.access, { ...req.query, ...paging }),
      }),
  );
}
