import { Type } from '@sinclair/typebox';
import { IntegrationOverview, IntegrationOverviewQuery, Page } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { READ_ERRORS } from '../http/route-schemas.js';
import { listOrExport } from '../exports/export-request.js';

/** The integrations of every organization the caller may see (an organization's own list is under it). */
export function integrationRoutes(app: App, s: Services) {
  app.get(
    '/api/v1/integrations',
    {
      schema: {
        tags: ['integrations'],
        summary: 'List integrations across organizations',
        description:
          'Ordered by organization name, then integration name, then id (`sort=desc` reverses it); each with ' +
          'its organization’s name and its newest run (by request time), or null.',
        querystring: IntegrationOverviewQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Page(Type.Ref(IntegrationOverview)), ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: 'integrations',
        schema: IntegrationOverview,
        page: (paging) => s.integrations.overview(req.access, { ...req.query, ...paging }),
      }),
  );
}
