import { Type } from '@sinclair/typebox';
import { Action, ActionSearchQuery, Page } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { READ_ERRORS } from '../http/route-schemas.js';
import { listOrExport } from '../exports/export-request.js';

/** Actions across runs (a run's own actions are under `/runs/{id}/actions`). */
export function actionRoutes(app: App, s: Services) {
  app.get(
    '/api/v1/actions',
    {
      schema: {
        tags: ['runs'],
        summary: 'Search actions across runs',
        description:
          'Find an object everywhere: the actions of every run in the organizations the caller can see (an ' +
          'operator: all; `organizationId=` narrows), newest first by default (`sort=asc` for the oldest). ' +
          '`q` matches anywhere in the message, object names or ids, case-insensitive: from 3 characters it is ' +
          'answered from a text index; shorter text is compared action by action, so narrow it with ' +
          '`from`/`to` (`to` exclusive) or `organizationId`. `format=csv` exports every match.',
        querystring: ActionSearchQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Page(Type.Ref(Action)), ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: 'actions',
        schema: Action,
        page: (paging) => s.actions.list(req.access, { ...req.query, ...paging }),
      }),
  );
}
