import { Page, TimelineEntry, TimelineQuery } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { IdParams, READ_ERRORS } from '../http/route-schemas.js';

/** A sync user's timeline (the third seed's user page): what happened to them, in time order. */
export function timelineRoutes(app: App, s: Services) {
  app.get(
    '/api/v1/users/:id/timeline',
    {
      schema: {
        tags: ['users'],
        summary: "A sync user's timeline: runs, failing actions, issues and calls, interleaved",
        description:
          'Newest first by (`at`, `kind`, `id`); `sort=asc` for oldest first; keyset paged (`limit` 50 by default, ' +
          'at most 1,000). Entries: the user’s runs (at their request time); the WARNING and ERROR actions of ' +
          'those runs; each issue when first seen (`opened`, ERROR) and, once resolved, when resolved ' +
          '(`resolved`, OK); the organization’s calls of one of those runs (`matchedBy: run`) or whose login ' +
          'is the user’s email or external id in any case (`matchedBy: login`), ERROR when they failed (HTTP ' +
          '400 or more, SSO_FAILED, SLO_FAILED). `kind` and `status` filters take several values; `from` is ' +
          'inclusive, `to` exclusive. Readable with the `read` scope: no payloads are in it.',
        params: IdParams,
        querystring: TimelineQuery,
        response: { 200: Page(TimelineEntry), ...READ_ERRORS },
      },
    },
    (req) => s.timeline.list(req.access, req.params.id, req.query),
  );
}
