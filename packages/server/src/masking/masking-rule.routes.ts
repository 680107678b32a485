import { Type } from '@sinclair/typebox';
import { MaskingRule, MaskingRuleCreate, MaskingRuleTest, MaskingRuleTestResult } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { recordAudit } from '../audit/audit-request.js';
import { IdParams, READ_ERRORS, WRITE_ERRORS } from '../http/route-schemas.js';

const MaskingRuleRef = Type.Ref(MaskingRule);
const RuleParams = Type.Object({
  id: Type.String({ maxLength: 100 }),
  ruleId: Type.String({ maxLength: 100 }),
});

/** An organization's own masking rules: its admins (and operators) list, add and remove them. */
export function maskingRuleRoutes(app: App, s: Services) {
  app.get(
    '/api/v1/organizations/:id/masking-rules',
    {
      schema: {
        tags: ['masking'],
        summary: "List an organization's masking rules",
        description:
          'The built-in rules (credentials, tokens, card numbers…) always apply and are not listed.',
        params: IdParams,
        response: {
          200: Type.Object({ items: Type.Array(MaskingRuleRef), nextCursor: Type.Null() }),
          ...READ_ERRORS,
        },
      },
    },
    async (req) => ({ items: await s.masking.list(req.access, req.params.id), nextCursor: null }),
  );
  app.post(
    '/api/v1/organizations/:id/masking-rules',
    {
      schema: {
        tags: ['masking'],
        summary: 'Add a masking rule',
        description:
          '`field`: values of fields and headers of that name (exact or glob, case-insensitive) are masked. ' +
          '`pattern`: every match of the regular expression in text is masked. Applies to data ingested from now on ' +
          '(other server processes within 10 seconds).',
        params: IdParams,
        body: MaskingRuleCreate,
        response: { 201: MaskingRuleRef, ...WRITE_ERRORS },
      },
    },
    async (req, reply) => {
      const rule = await s.masking.create(req.access, req.params.id, req.body, (created) =>
        recordAudit(s, req, {
          action: 'masking_rule.create',
          organizationId: created.organizationId,
          target: `masking_rule:${created.id}`,
          details: { name: created.name, kind: created.kind },
        }),
      );
      return reply.status(201).send(rule);
    },
  );
  app.post(
    '/api/v1/organizations/:id/masking-rules/test',
    {
      schema: {
        tags: ['masking'],
        summary: 'Try a masking rule on a sample, storing nothing',
        description:
          'Masks `sample` as a body is masked at ingest (JSON field by field, a form or query string `a=b&c=d` ' +
          'pair by pair, other text by patterns) with the organization’s rules, the built-in ones and this ' +
          'one: `masked` is the result, `changed` whether this rule changed it, `byRule` the values it masked. ' +
          'A rule that could not be added answers the same 400 as `POST /masking-rules`. Nothing is stored or ' +
          'audited. For admins of the organization and operators.',
        params: IdParams,
        body: MaskingRuleTest,
        response: { 200: MaskingRuleTestResult, ...WRITE_ERRORS },
      },
    },
    (req) => s.masking.test(req.access, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/organizations/:id/masking-rules/:ruleId',
    {
      schema: {
        tags: ['masking'],
        summary: 'Remove a masking rule',
        description: 'Data already masked by it stays masked.',
        params: RuleParams,
        response: { 200: MaskingRuleRef, ...WRITE_ERRORS },
      },
    },
    (req) =>
      s.masking.remove(req.access, req.params.id, req.params.ruleId, (removed) =>
        recordAudit(s, req, {
          action: 'masking_rule.delete',
          organizationId: removed.organizationId,
          target: `masking_rule:${removed.id}`,
          details: { name: removed.name, kind: removed.kind },
        }),
      ),
  );
}
