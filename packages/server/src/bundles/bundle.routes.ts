import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { BundleQuery, OrganizationBundleQuery } from '@synctrail/types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { IdParams, READ_ERRORS } from '../http/route-schemas.js';
import { recordAudit } from '../audit/audit-request.js';
import { attachment, exportFileName } from '../exports/export-request.js';
import type { BundlePlan } from './bundle.service.js';
import { streamBundle } from './bundle-writer.js';
import type { BundleScope } from '../metrics/metrics.js';

const ZipContent = Type.Unsafe<Readable>({
  type: 'string',
  format: 'binary',
  description: 'A .zip (ZIP64 where sizes need it) ending with `manifest.json`.',
});

const LAYOUT =
  "Each session's log files under the names of the Exchange sync log pack (the HTTP trace, configuration.xml, " +
  'the data and sync dumps, autoresolvers.xml, Site.xml, synchronization_scheme.xml, one .json per object ' +
  'type, job.txt; files of no known kind under other/), with run.json, actions.csv and calls.csv. ' +
  '`manifest.json`, the last entry, lists every file with its size and SHA-256 and the time of export. ' +
  'Streamed as it is written; needs payload access (viewers may not download log files). Audited as ' +
  '`bundle.download`.';

/** Sends a bundle; a client that goes away stops the reading of the file in progress. */
async function sendBundle(
  s: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  scope: BundleScope,
  plan: BundlePlan,
  at: Date,
) {
  if (req.method === 'HEAD') {
    attachment(reply, exportFileName(`${plan.subject}-logs`, {}, at, 'zip'), 'application/zip');
    return reply.send();
  }
  const abort = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  const body = streamBundle(plan.files, plan.manifest, {
    signal: abort.signal,
    onEnd: async ({ files, complete }) => {
      s.metrics.bundled(
        scope,
        files.reduce((sum, file) => sum + file.size, 0),
      );
      const event = {
        action: 'bundle.download' as const,
        organizationId: plan.organizationId,
        target: plan.target,
        details: { filters: plan.filters, sessions: plan.sessions(), files: files.length, complete },
      };
      if (complete) await recordAudit(s, req, event);
      else
        await recordAudit(s, req, event).catch((error: unknown) =>
          req.log.error({ err: error }, 'bundle audit'),
        );
    },
  });
  attachment(reply, exportFileName(`${plan.subject}-logs`, {}, at, 'zip'), 'application/zip');
  return reply.send(body);
}

export function bundleRoutes(app: App, s: Services) {
  app.get(
    '/api/v1/runs/:id/bundle',
    {
      schema: {
        tags: ['runs'],
        summary: "Download a session's logs as one .zip",
        description: LAYOUT,
        params: IdParams,
        produces: ['application/zip'],
        response: { 200: ZipContent, ...READ_ERRORS },
      },
    },
    async (req, reply) => {
      const at = new Date();
      return sendBundle(s, req, reply, 'run', await s.bundles.forRun(req.access, req.params.id, at), at);
    },
  );

  app.get(
    '/api/v1/users/:id/bundle',
    {
      schema: {
        tags: ['users'],
        summary: "Download a sync user's sessions in a time range as one .zip, one folder per session",
        description: `Sessions requested in [from, to), oldest first, each in a folder \`<time>_<run id>/\`. ${LAYOUT}`,
        params: IdParams,
        querystring: BundleQuery,
        produces: ['application/zip'],
        response: { 200: ZipContent, ...READ_ERRORS },
      },
    },
    async (req, reply) => {
      const at = new Date();
      return sendBundle(
        s,
        req,
        reply,
        'user',
        await s.bundles.forUser(req.access, req.params.id, req.query, at),
        at,
      );
    },
  );

  app.get(
    '/api/v1/organizations/:id/bundle',
    {
      schema: {
        tags: ['organizations'],
        summary: "Download an organization's sessions in a time range as one .zip, one folder per session",
        description: `Sessions requested in [from, to) with the given statuses, oldest first, each in a folder \`<time>_<run id>/\`. ${LAYOUT}`,
        params: IdParams,
        querystring: OrganizationBundleQuery,
        produces: ['application/zip'],
        response: { 200: ZipContent, ...READ_ERRORS },
      },
    },
    async (req, reply) => {
      const at = new Date();
      const plan = await s.bundles.forOrganization(req.access, req.params.id, req.query, at);
      return sendBundle(s, req, reply, 'organization', plan, at);
    },
  );
}
