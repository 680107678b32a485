import { Type } from '@sinclair/typebox';
import { AllIssuesQuery, Issue, IssueListItem, IssueListQuery, Page } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { IdParams, READ_ERRORS } from '../http/route-schemas.js';
import { listOrExport } from '../exports/export-request.js';

/** The issues of one sync user, and of every sync user the caller can see. */
export function issueRoutes(app: App, s: Services) {
  app.get(
    '/api/v1/issues',
    {
      schema: {
        tags: ['issues'],
        summary: 'List the issues of every sync user',
        description:
          'In the organizations the caller can see (an operator: all), scoped like `GET /runs`. Most recently ' +
          'seen first by default (`sort=asc` for the oldest); `from`/`to` bound the time last seen (`to` ' +
          'exclusive). Filters take several values, comma-separated. `format=csv` exports every match.',
        querystring: AllIssuesQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Page(Type.Ref(IssueListItem)), ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: 'issues',
        schema: IssueListItem,
        page: (paging) => s.issues.list(req.access, { ...req.query, ...paging }),
      }),
  );
  app.get(
    '/api/v1/users/:id/issues',
    {
      schema: {
        tags: ['users'],
        summary: "A sync user's issues",
        description: 'The filters and order of `GET /issues`, for one sync user.',
        params: IdParams,
        querystring: IssueListQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Page(Type.Ref(Issue)), ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: 'user-issues',
        schema: Issue,
        target: `user:${req.params.id}`,
        page: (paging) => s.issues.listForUser(req.access, req.params.id, { ...req.query, ...paging }),
      }),
  );
}
