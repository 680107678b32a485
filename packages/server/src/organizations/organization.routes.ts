import { Type } from '@sinclair/typebox';
import {
  Integration,
  IntegrationCreate,
  IntegrationListQuery,
  IntegrationPatch,
  Organization,
  OrganizationCreate,
  OrganizationListItem,
  OrganizationListQuery,
  OrganizationPatch,
  Page,
  SyncUser,
  SyncUserListItem,
  SyncUserListQuery,
  SyncUserPatch,
  SyncUserUpsert,
} from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { sendIdempotent } from '../http/idempotent.js';
import { audited, changedFields, recordAudit } from '../audit/audit-request.js';
import { IdParams, READ_ERRORS, WRITE_ERRORS } from '../http/route-schemas.js';
import { listOrExport } from '../exports/export-request.js';

const OrganizationRef = Type.Ref(Organization);
const IntegrationRef = Type.Ref(Integration);
const SyncUserRef = Type.Ref(SyncUser);

/** Organizations, their integrations and their sync users (the third seed's admin panel). */
export function organizationRoutes(app: App, s: Services) {
  app.get(
    '/api/v1/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: 'List organizations',
        description:
          'By name (`sort=desc` reverses it), each with its figures: integrations, sync users, and the runs ' +
          'requested in the 24 hours before the request and how many of them are ERROR. CSV has them as ' +
          '`stats.*` columns.',
        querystring: OrganizationListQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Page(Type.Ref(OrganizationListItem)), ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: 'organizations',
        schema: OrganizationListItem,
        page: (paging) => s.organizations.list(req.access, { ...req.query, ...paging }),
      }),
  );
  app.post(
    '/api/v1/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Create an organization',
        body: OrganizationCreate,
        response: { 201: OrganizationRef, ...WRITE_ERRORS },
      },
    },
    (req, reply) =>
      sendIdempotent(s, req, reply, async () => {
        const organization = await s.organizations.create(req.access, req.body);
        await recordAudit(s, req, {
          action: 'organization.create',
          organizationId: organization.id,
          target: `organization:${organization.id}`,
          details: { name: organization.name },
        });
        return { statusCode: 201, body: organization };
      }),
  );
  app.get(
    '/api/v1/organizations/:id',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Get an organization',
        params: IdParams,
        response: { 200: OrganizationRef, ...READ_ERRORS },
      },
    },
    (req) => s.organizations.get(req.access, req.params.id, 'read'),
  );
  app.patch(
    '/api/v1/organizations/:id',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Rename an organization or enable / disable its sync',
        params: IdParams,
        body: OrganizationPatch,
        response: { 200: OrganizationRef, ...WRITE_ERRORS },
      },
    },
    (req) =>
      audited(
        s,
        req,
        () => s.organizations.update(req.access, req.params.id, req.body),
        (o) => ({
          action: 'organization.update',
          organizationId: o.id,
          target: `organization:${o.id}`,
          details: { ...req.body },
        }),
      ),
  );

  app.get(
    '/api/v1/organizations/:id/integrations',
    {
      schema: {
        tags: ['integrations'],
        summary: "List an organization's integrations",
        params: IdParams,
        querystring: IntegrationListQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Page(IntegrationRef), ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: 'integrations',
        schema: Integration,
        organizationId: req.params.id,
        page: (paging) => s.integrations.list(req.access, req.params.id, { ...req.query, ...paging }),
      }),
  );
  app.post(
    '/api/v1/organizations/:id/integrations',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Create an integration',
        params: IdParams,
        body: IntegrationCreate,
        response: { 201: IntegrationRef, ...WRITE_ERRORS },
      },
    },
    (req, reply) =>
      sendIdempotent(s, req, reply, async () => {
        const integration = await s.integrations.create(req.access, req.params.id, req.body);
        await recordAudit(s, req, {
          action: 'integration.create',
          organizationId: integration.organizationId,
          target: `integration:${integration.id}`,
          details: { name: integration.name, type: integration.type },
        });
        return { statusCode: 201, body: integration };
      }),
  );
  app.get(
    '/api/v1/integrations/:id',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Get an integration',
        params: IdParams,
        response: { 200: IntegrationRef, ...READ_ERRORS },
      },
    },
    (req) => s.integrations.get(req.access, req.params.id, 'read'),
  );
  app.patch(
    '/api/v1/integrations/:id',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Change an integration (status, schedule, capabilities, configuration)',
        params: IdParams,
        body: IntegrationPatch,
        response: { 200: IntegrationRef, ...WRITE_ERRORS },
      },
    },
    (req) =>
      audited(
        s,
        req,
        () => s.integrations.update(req.access, req.params.id, req.body),
        // Field names only: a configuration snapshot may hold secrets.
        (i) => ({
          action: 'integration.update',
          organizationId: i.organizationId,
          target: `integration:${i.id}`,
          details: changedFields(req.body),
        }),
      ),
  );

  app.get(
    '/api/v1/organizations/:id/users',
    {
      schema: {
        tags: ['users'],
        summary: "List an organization's sync users",
        description:
          'Oldest first (`sort=desc` reverses it), each with their newest run by request time (`lastRun`, or ' +
          'null) and how many of their issues are OPEN; CSV has `lastRun.*` and `openIssues` as columns.',
        params: IdParams,
        querystring: SyncUserListQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Page(Type.Ref(SyncUserListItem)), ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: 'users',
        schema: SyncUserListItem,
        organizationId: req.params.id,
        page: (paging) => s.users.list(req.access, req.params.id, { ...req.query, ...paging }),
      }),
  );
  app.post(
    '/api/v1/organizations/:id/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a sync user, or update the one with the same externalId',
        description: 'Answers 201 when the user was created, 200 when an existing one was updated.',
        params: IdParams,
        body: SyncUserUpsert,
        response: { 200: SyncUserRef, 201: SyncUserRef, ...WRITE_ERRORS },
      },
    },
    (req, reply) =>
      sendIdempotent(s, req, reply, async () => {
        const { user, created } = await s.users.upsert(req.access, req.params.id, req.body);
        return { statusCode: created ? 201 : 200, body: user };
      }),
  );
  app.get(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Get a sync user',
        params: IdParams,
        response: { 200: SyncUserRef, ...READ_ERRORS },
      },
    },
    (req) => s.users.get(req.access, req.params.id, 'read'),
  );
  app.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Change a sync user (e.g. disable sync)',
        params: IdParams,
        body: SyncUserPatch,
        response: { 200: SyncUserRef, ...WRITE_ERRORS },
      },
    },
    (req) =>
      audited(
        s,
        req,
        () => s.users.update(req.access, req.params.id, req.body),
        (u) => ({
          action: 'user.update',
          organizationId: u.organizationId,
          target: `user:${u.id}`,
          details: { ...req.body },
        }),
      ),
  );
}
