import { Type } from '@sinclair/typebox';
import { OrganizationRetention, RetentionUpdate } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { audited } from '../audit/audit-request.js';
import { IdParams, READ_ERRORS, WRITE_ERRORS } from '../http/route-schemas.js';

const RetentionRef = Type.Ref(OrganizationRetention);

/** An organization's retention policy: read by its members and operators, set by operators. */
export function retentionRoutes(app: App, s: Services) {
  app.get(
    '/api/v1/organizations/:id/retention',
    {
      schema: {
        tags: ['organizations'],
        summary: "Get an organization's retention policy",
        description:
          'The days payloads (request/response bodies, log-file contents) and records (runs, actions, calls) are ' +
          "kept, each with its source: the organization's own value or the deployment's default " +
          '(`SYNCTRAIL_RETENTION_PAYLOAD_DAYS`, `SYNCTRAIL_RETENTION_DAYS`). null keeps forever. The audit log is never removed.',
        params: IdParams,
        response: { 200: RetentionRef, ...READ_ERRORS },
      },
    },
    (req) => s.retention.get(req.access, req.params.id),
  );
  app.put(
    '/api/v1/organizations/:id/retention',
    {
      schema: {
        tags: ['organizations'],
        summary: "Set an organization's retention policy (operators)",
        description:
          "null for a value means the deployment's default. Payloads may not be kept longer than records.",
        params: IdParams,
        body: RetentionUpdate,
        response: { 200: RetentionRef, ...WRITE_ERRORS },
      },
    },
    (req) =>
      audited(
        s,
        req,
        () => s.retention.update(req.access, req.params.id, req.body),
        (r) => ({
          action: 'retention.update',
          organizationId: r.organizationId,
          target: `organization:${r.organizationId}`,
          details: { payloadDays: req.body.payloadDays, days: req.body.days },
        }),
      ),
  );
}
