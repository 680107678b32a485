import { Type } from '@sinclair/typebox';
import { Member, MemberCreate, MemberPatch } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { audited } from '../audit/audit-request.js';
import { IdParams, READ_ERRORS, WRITE_ERRORS } from '../http/route-schemas.js';

const MemberRef = Type.Ref(Member);

export function memberRoutes(app: App, s: Services) {
  app.get(
    '/api/v1/organizations/:id/members',
    {
      schema: {
        tags: ['members'],
        summary: "List an organization's members",
        params: IdParams,
        response: {
          200: Type.Object({ items: Type.Array(MemberRef), nextCursor: Type.Null() }),
          ...READ_ERRORS,
        },
      },
    },
    async (req) => ({ items: await s.accounts.listMembers(req.access, req.params.id), nextCursor: null }),
  );
  app.post(
    '/api/v1/organizations/:id/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Add a member (ADMIN or VIEWER)',
        description: 'Creates the account when the email is new; an existing account keeps its password.',
        params: IdParams,
        body: MemberCreate,
        response: { 201: MemberRef, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => {
      const member = await audited(
        s,
        req,
        () => s.accounts.addMember(req.access, req.params.id, req.body),
        (m) => ({
          action: 'member.add',
          organizationId: m.organizationId,
          target: `member:${m.id}`,
          details: { email: m.email, role: m.role },
        }),
      );
      return reply.status(201).send(member);
    },
  );
  app.patch(
    '/api/v1/members/:id',
    {
      schema: {
        tags: ['members'],
        summary: "Change a member's role",
        params: IdParams,
        body: MemberPatch,
        response: { 200: MemberRef, ...WRITE_ERRORS },
      },
    },
    async (req) =>
      (
        await audited(
          s,
          req,
          () => s.accounts.updateMember(req.access, req.params.id, req.body),
          ({ before, after }) => ({
            action: 'member.update',
            organizationId: after.organizationId,
            target: `member:${after.id}`,
            details: { email: after.email, role: { from: before.role, to: after.role } },
          }),
        )
      ).after,
  );
  app.delete(
    '/api/v1/members/:id',
    {
      schema: {
        tags: ['members'],
        summary: 'Remove a member',
        params: IdParams,
        response: { 200: MemberRef, ...WRITE_ERRORS },
      },
    },
    (req) =>
      audited(
        s,
        req,
        () => s.accounts.removeMember(req.access, req.params.id),
        (m) => ({
          action: 'member.remove',
          organizationId: m.organizationId,
          target: `member:${m.id}`,
          details: { email: m.email, role: m.role },
        }),
      ),
  );
}
