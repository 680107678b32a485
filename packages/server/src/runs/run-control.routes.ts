import { Type } from '@sinclair/typebox';
import { ChangeNotification, LeaseRequest, LeaseResult, Run, SyncTrigger } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { sendIdempotent } from '../http/idempotent.js';
import { audited, recordAudit } from '../audit/audit-request.js';
import { IdParams, WRITE_ERRORS } from '../http/route-schemas.js';

const RunRef = Type.Ref(Run);

/** Starting and stopping syncs (the second seed: Run Sync, Cancel Sync, partial syncs). */
export function runControlRoutes(app: App, s: Services) {
  app.post(
    '/api/v1/integrations/:id/sync',
    {
      schema: {
        tags: ['run control'],
        summary: 'Trigger a full sync manually',
        description:
          'Queues a PENDING run with trigger FULL_SYNC_MANUAL for a connector to lease. 409 when the integration is INACTIVE or a full sync is already pending or running.',
        params: IdParams,
        body: SyncTrigger,
        response: { 201: RunRef, ...WRITE_ERRORS },
      },
    },
    (req, reply) =>
      sendIdempotent(s, req, reply, async () => {
        const run = await s.runControl.triggerSync(req.access, req.params.id, req.body);
        await recordAudit(s, req, {
          action: 'run.trigger',
          organizationId: run.organizationId,
          target: `run:${run.id}`,
          details: { integrationId: run.integrationId, userId: run.userId, trigger: run.trigger },
        });
        return { statusCode: 201, body: run };
      }),
  );

  app.post(
    '/api/v1/integrations/:id/changes',
    {
      schema: {
        tags: ['run control'],
        summary: 'Notify changes: queue a partial sync',
        description:
          'Queues a PENDING run with trigger `<ORIGIN>_CHANGES` (201), or answers the one still pending (200): notifications are merged.',
        params: IdParams,
        body: ChangeNotification,
        response: { 200: RunRef, 201: RunRef, ...WRITE_ERRORS },
      },
    },
    (req, reply) =>
      sendIdempotent(s, req, reply, async () => {
        const { run, created } = await s.runControl.notifyChanges(req.access, req.params.id, req.body);
        // A merged notification changes nothing an administrator needs to trace; a new run does.
        if (created) {
          await recordAudit(s, req, {
            action: 'run.changes',
            organizationId: run.organizationId,
            target: `run:${run.id}`,
            details: { integrationId: run.integrationId, trigger: run.trigger },
          });
        }
        return { statusCode: created ? 201 : 200, body: run };
      }),
  );

  app.post(
    '/api/v1/integrations/:id/lease',
    {
      schema: {
        tags: ['run control'],
        summary: 'Take the next pending run',
        description: 'The oldest PENDING run becomes RUNNING and is yours; 204 when there is none.',
        params: IdParams,
        body: LeaseRequest,
        response: { 200: LeaseResult, 204: Type.Null(), ...WRITE_ERRORS },
      },
    },
    async (req, reply) => {
      const lease = await s.runControl.lease(req.access, req.params.id, req.body.worker);
      return lease ? reply.status(200).send(lease) : reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/runs/:id/cancel',
    {
      schema: {
        tags: ['run control'],
        summary: 'Cancel a run',
        description:
          'A PENDING run becomes ABORTED; a RUNNING one ABORTION_PENDING until its connector confirms (the heartbeat tells it). 409 run_not_cancellable when the integration cannot cancel or the run is final.',
        params: IdParams,
        response: { 200: RunRef, ...WRITE_ERRORS },
      },
    },
    (req) =>
      audited(
        s,
        req,
        () => s.runControl.cancel(req.access, req.params.id),
        (run) => ({
          action: 'run.cancel',
          organizationId: run.organizationId,
          target: `run:${run.id}`,
          details: { progress: run.progress },
        }),
      ),
  );
}
