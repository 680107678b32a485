import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Artifact, ArtifactUploadQuery, Page } from '@synctrail/types';
import type { Config } from '../config.js';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { AppError } from '../http/errors.js';
import { IdParams, READ_ERRORS, WRITE_ERRORS } from '../http/route-schemas.js';
import { requestHash } from '../idempotency/idempotency.service.js';
import { recordAudit } from '../audit/audit-request.js';

const ArtifactRef = Type.Ref(Artifact);
/** The file's bytes; typed as the stream the handler sends. */
const FileContent = Type.Unsafe<Readable>({
  type: 'string',
  format: 'binary',
  description: 'The file as uploaded.',
});
const ArtifactParams = Type.Object({
  id: Type.String({ maxLength: 100 }),
  artifactId: Type.String({ maxLength: 100 }),
});

/** `attachment` with an ASCII fallback name and the exact UTF-8 one (RFC 6266 / RFC 5987). */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function artifactRoutes(app: App, s: Services, config: Config) {
  // The upload's body is the file, of any type, read as a stream by the service. The catch-all parser
  // lives in this plugin only, so JSON routes elsewhere keep rejecting what is not JSON.
  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    scope.post(
      '/api/v1/runs/:id/artifacts',
      {
        // Fastify applies no limit to a body parsed as a stream; the service counts the bytes itself.
        bodyLimit: config.artifactMaxBytes,
        schema: {
          tags: ['runs'],
          summary: 'Attach a log file to a run',
          description:
            'The request body is the file itself (any Content-Type; without one it is guessed from the name). ' +
            'Final runs accept artifacts too. A retry with the same Idempotency-Key stores nothing new.',
          params: IdParams,
          querystring: ArtifactUploadQuery,
          response: { 201: ArtifactRef, ...WRITE_ERRORS },
        },
      },
      async (req, reply) => {
        const key = header(req.headers['idempotency-key']);
        const declared = Number(header(req.headers['content-length']));
        const kind = req.query.kind ?? 'OTHER';
        try {
          const result = await s.artifacts.upload(
            req.access,
            req.params.id,
            {
              name: req.query.name,
              kind,
              contentType: header(req.headers['content-type']),
              declaredBytes: Number.isFinite(declared) ? declared : undefined,
              body: req.body instanceof Readable ? req.body : undefined,
            },
            key === undefined
              ? undefined
              : { key, hash: requestHash(['POST', 'artifacts', req.params.id, req.query.name, kind]) },
          );
          if (result.replayed) void reply.header('idempotent-replayed', 'true');
          return await reply.status(201).send(result.artifact);
        } catch (error) {
          // The rest of the file is not read: close the connection rather than drain it.
          if (error instanceof AppError && error.status === 413) void reply.header('connection', 'close');
          throw error;
        }
      },
    );
  });

  app.get(
    '/api/v1/runs/:id/artifacts',
    {
      schema: {
        tags: ['runs'],
        summary: "List a run's log files",
        description: 'Complete artifacts only, oldest first; a run has few, so there is a single page.',
        params: IdParams,
        response: { 200: Page(ArtifactRef), ...READ_ERRORS },
      },
    },
    (req) => s.artifacts.list(req.access, req.params.id),
  );

  app.get(
    '/api/v1/runs/:id/artifacts/:artifactId',
    {
      schema: {
        tags: ['runs'],
        summary: 'Download a log file',
        description:
          'The content as stored, with its Content-Type; `x-content-sha256` and the ETag carry its SHA-256.',
        params: ArtifactParams,
        response: { 200: FileContent, ...READ_ERRORS },
      },
    },
    async (req, reply) => {
      const artifact = await s.artifacts.get(req.access, req.params.id, req.params.artifactId);
      if (req.method !== 'HEAD') {
        const run = await s.runs.get(req.access, artifact.runId, 'read');
        await recordAudit(s, req, {
          action: 'artifact.download',
          organizationId: run.organizationId,
          target: `artifact:${artifact.id}`,
          details: { runId: artifact.runId, name: artifact.name, kind: artifact.kind },
        });
      }
      void reply
        .header('content-type', artifact.contentType)
        .header('content-length', String(artifact.sizeBytes))
        .header('content-disposition', contentDisposition(artifact.name))
        .header('etag', `"${artifact.sha256}"`)
        .header('x-content-sha256', artifact.sha256)
        .header('x-content-type-options', 'nosniff');
      // HEAD gets the headers without reading the content from storage.
      const content = req.method === 'HEAD' ? Readable.from([]) : s.artifacts.content(artifact);
      return reply.send(content);
    },
  );
}
