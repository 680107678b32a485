import { Type } from '@sinclair/typebox';
import {
  Action,
  ActionBatch,
  ActionBatchResult,
  ActionListQuery,
  HeartbeatResult,
  Page,
  Run,
  RunCreate,
  RunGetQuery,
  RunListQuery,
  RunHistogram,
  RunHistogramQuery,
  RunPatch,
  SessionListItem,
  SessionListQuery,
} from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { sendIdempotent } from '../http/idempotent.js';
import { IdParams, READ_ERRORS, WRITE_ERRORS } from '../http/route-schemas.js';
import { listOrExport } from '../exports/export-request.js';
import { runFormat, sendRunReport } from '../exports/pdf-request.js';
import type { Readable } from 'node:stream';

const RunRef = Type.Ref(Run);
const PdfContent = Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'A PDF.' });
const RunPage = Page(RunRef);
const SessionPage = Page(Type.Ref(SessionListItem));
const SESSION_ORDER =
  'Newest first by default (`orderBy=requestedAt`); `orderBy=status` puts the worst first (ERROR, WARNING, ' +
  'INFO, OK; `sort=asc` reverses it), newest first within a status. Each run has its sync user’s ' +
  '`userName`, `userEmail` and `userExternalId` (null without one). CSV keeps the order.';

export function runRoutes(app: App, s: Services, batchMaxBytes: number) {
  app.get(
    '/api/v1/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'List sync runs',
        description: 'Newest first by default. Filters take several values, comma-separated.',
        querystring: RunListQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: RunPage, ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: 'runs',
        schema: Run,
        page: (paging) => s.runs.list(req.access, { ...req.query, ...paging }),
      }),
  );

  app.get(
    '/api/v1/runs/histogram',
    {
      schema: {
        tags: ['runs'],
        summary: 'Runs per hour or day, stacked by status',
        description:
          'For exactly the filters of `GET /runs`. Bucketed on `requestedAt`, in UTC; buckets without runs are ' +
          'left out. At most 1,000 buckets from the first to the last (400 `invalid_filter` otherwise).',
        querystring: RunHistogramQuery,
        response: { 200: Type.Ref(RunHistogram), ...READ_ERRORS },
      },
    },
    (req) => s.histograms.histogram(req.access, req.query),
  );

  app.get(
    '/api/v1/runs/:id',
    {
      schema: {
        tags: ['runs'],
        summary: 'Get a run, or its report as PDF',
        description:
          '`format=pdf` answers the run report, exactly `GET /runs/{id}/report.pdf` (audited as `export.pdf`); ' +
          'any other format than `json` or `pdf` answers 400 `invalid_filter`.',
        params: IdParams,
        querystring: RunGetQuery,
        produces: ['application/json', 'application/pdf'],
        response: { 200: Type.Union([RunRef, PdfContent]), ...READ_ERRORS },
      },
    },
    async (req, reply) => {
      if (runFormat(req.query.format) === 'pdf') return sendRunReport(s, req, reply, req.params.id);
      return s.runs.get(req.access, req.params.id, 'read');
    },
  );

  app.get(
    '/api/v1/runs/:id/report.pdf',
    {
      schema: {
        tags: ['runs'],
        summary: 'A run report as PDF',
        description:
          'The run, its counters, error source, category and exception, and every action; paginated, streamed ' +
          'as it is drawn. Audited as `export.pdf`.',
        params: IdParams,
        produces: ['application/pdf'],
        response: { 200: PdfContent, ...READ_ERRORS },
      },
    },
    async (req, reply) => sendRunReport(s, req, reply, req.params.id),
  );

  app.post(
    '/api/v1/runs',
    {
      bodyLimit: batchMaxBytes,
      schema: {
        tags: ['runs'],
        summary: 'Start a run, or report a whole finished one',
        body: RunCreate,
        response: { 201: RunRef, ...WRITE_ERRORS },
      },
    },
    (req, reply) =>
      sendIdempotent(s, req, reply, async () => ({
        statusCode: 201,
        body: await s.runs.create(req.access, req.body),
      })),
  );

  app.patch(
    '/api/v1/runs/:id',
    {
      schema: {
        tags: ['runs'],
        summary: 'Report progress, counters, errors; finish',
        params: IdParams,
        body: RunPatch,
        response: { 200: RunRef, ...WRITE_ERRORS },
      },
    },
    (req, reply) =>
      sendIdempotent(s, req, reply, async () => ({
        statusCode: 200,
        body: await s.runs.patch(req.access, req.params.id, req.body),
      })),
  );

  app.post(
    '/api/v1/runs/:id/actions',
    {
      bodyLimit: batchMaxBytes,
      schema: {
        tags: ['runs'],
        summary: 'Append a batch of actions',
        description: 'A JSON array, or NDJSON (`application/x-ndjson`): up to 10,000 actions per request.',
        params: IdParams,
        body: ActionBatch,
        response: { 201: ActionBatchResult, ...WRITE_ERRORS },
      },
    },
    (req, reply) =>
      sendIdempotent(s, req, reply, async () => ({
        statusCode: 201,
        body: await s.runs.appendActions(req.access, req.params.id, req.body),
      })),
  );

  app.get(
    '/api/v1/runs/:id/actions',
    {
      schema: {
        tags: ['runs'],
        summary: "List a run's actions",
        description: 'In the order they were reported (oldest first by default).',
        params: IdParams,
        querystring: ActionListQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Page(Type.Ref(Action)), ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: `run-${req.params.id}-actions`,
        schema: Action,
        target: `run:${req.params.id}`,
        page: (paging) => s.runs.listActions(req.access, req.params.id, { ...req.query, ...paging }),
        stream: (batchSize) => s.runs.streamActions(req.access, req.params.id, req.query, batchSize),
        copy: (columns) => s.runs.copyActionsCsv(req.access, req.params.id, req.query, columns),
      }),
  );

  app.post(
    '/api/v1/runs/:id/heartbeat',
    {
      schema: {
        tags: ['runs'],
        summary: 'Tell Synctrail the connector is alive',
        description: 'The answer says whether an administrator asked the run to stop.',
        params: IdParams,
        response: { 200: HeartbeatResult, ...WRITE_ERRORS },
      },
    },
    (req) => s.runs.heartbeat(req.access, req.params.id),
  );

  app.get(
    '/api/v1/organizations/:id/runs',
    {
      schema: {
        tags: ['organizations'],
        summary: "Statistics: all sessions of an organization's users",
        description: SESSION_ORDER,
        params: IdParams,
        querystring: SessionListQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: SessionPage, ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: 'organization-runs',
        schema: SessionListItem,
        organizationId: req.params.id,
        target: `organization:${req.params.id}`,
        page: (paging) => s.runs.listForOrganization(req.access, req.params.id, { ...req.query, ...paging }),
      }),
  );

  app.get(
    '/api/v1/users/:id/runs',
    {
      schema: {
        tags: ['users'],
        summary: "A sync user's sessions",
        description: SESSION_ORDER,
        params: IdParams,
        querystring: SessionListQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: SessionPage, ...READ_ERRORS },
      },
    },
    (req, reply) =>
      listOrExport(s, req, reply, {
        list: 'user-runs',
        schema: SessionListItem,
        target: `user:${req.params.id}`,
        page: (paging) => s.runs.listForUser(req.access, req.params.id, { ...req.query, ...paging }),
      }),
  );
}
