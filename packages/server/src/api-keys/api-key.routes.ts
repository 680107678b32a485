import { Type } from '@sinclair/typebox';
import { ApiKey, ApiKeyCreate, ApiKeyCreated } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { audited } from '../audit/audit-request.js';
import { IdParams, READ_ERRORS, WRITE_ERRORS } from '../http/route-schemas.js';

const ApiKeyRef = Type.Ref(ApiKey);

export function apiKeyRoutes(app: App, s: Services) {
  app.get(
    '/api/v1/organizations/:id/api-keys',
    {
      schema: {
        tags: ['api keys'],
        summary: "List an organization's API keys (never their tokens)",
        params: IdParams,
        response: {
          200: Type.Object({ items: Type.Array(ApiKeyRef), nextCursor: Type.Null() }),
          ...READ_ERRORS,
        },
      },
    },
    async (req) => ({ items: await s.apiKeys.list(req.access, req.params.id), nextCursor: null }),
  );
  app.post(
    '/api/v1/organizations/:id/api-keys',
    {
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key',
        description:
          'Scopes: `ingest` (write runs, actions, calls, artifacts, users; no reading back), `read`, `admin`. The token is in this answer only.',
        params: IdParams,
        body: ApiKeyCreate,
        response: { 201: ApiKeyCreated, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => {
      const created = await audited(
        s,
        req,
        () => s.apiKeys.create(req.access, req.params.id, req.body),
        ({ key }) => ({
          action: 'api_key.create',
          organizationId: key.organizationId,
          target: `api_key:${key.id}`,
          details: { name: key.name, scopes: key.scopes },
        }),
      );
      return reply.status(201).send(created);
    },
  );
  app.delete(
    '/api/v1/api-keys/:id',
    {
      schema: {
        tags: ['api keys'],
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 200: ApiKeyRef, ...WRITE_ERRORS },
      },
    },
    (req) =>
      audited(
        s,
        req,
        () => s.apiKeys.revoke(req.access, req.params.id),
        (key) => ({
          action: 'api_key.revoke',
          organizationId: key.organizationId,
          target: `api_key:${key.id}`,
          details: { name: key.name },
        }),
      ),
  );
}
