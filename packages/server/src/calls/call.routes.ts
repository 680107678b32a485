import { Type } from '@sinclair/typebox';
import { Call, CallBatch, CallBatchResult, CallListQuery, CallSummary, Page } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { sendIdempotent } from '../http/idempotent.js';
import { recordAudit } from '../audit/audit-request.js';
import { IdParams, READ_ERRORS, WRITE_ERRORS } from '../http/route-schemas.js';
import { exportFormat, listOrExport, sendCsvExport } from '../exports/export-request.js';
import { sendCallsPdf } from '../exports/pdf-request.js';

export function callRoutes(app: App, s: Services, batchMaxBytes: number) {
  app.post(
    '/api/v1/calls',
    {
      bodyLimit: batchMaxBytes,
      config: { capturedPayloads: true },
      schema: {
        tags: ['calls'],
        summary: 'Append a batch of API calls (the connector log)',
        description:
          'A JSON array, or NDJSON (`application/x-ndjson`): up to 10,000 calls per request, stored all or none. ' +
          '`organizationId` is implied by an organization API key and required with operator credentials. ' +
          'Secrets in headers, JSON and form bodies and URL parameters are masked before they are stored.',
        body: CallBatch,
        response: { 201: CallBatchResult, ...WRITE_ERRORS },
      },
    },
    (req, reply) =>
      sendIdempotent(s, req, reply, async () => ({
        statusCode: 201,
        body: await s.calls.append(req.access, req.body),
      })),
  );

  app.get(
    '/api/v1/calls',
    {
      schema: {
        tags: ['calls'],
        summary: 'List API calls',
        description:
          'Newest first by default, without payloads. Filters take several values, comma-separated. ' +
          '`format=csv` (or `Accept: text/csv`) streams every matching call as CSV, with request and response ' +
          '(bodies for those with payload access); `format=pdf` streams the connector log as a PDF.',
        produces: ['application/json', 'text/csv', 'application/pdf'],
        querystring: CallListQuery,
        response: { 200: Page(Type.Ref(CallSummary)), ...READ_ERRORS },
      },
    },
    async (req, reply) =>
      exportFormat(req) === 'pdf'
        ? ((await sendCallsPdf(s, req, reply, req.query)) as never)
        : exportFormat(req) === 'csv'
          ? // With payloads: bodies for those who may see them, as on GET /calls/{id}.
            ((await sendCsvExport(s, req, reply, {
              list: 'calls',
              schema: Call,
              stream: (batchSize) => s.calls.streamWithPayloads(req.access, req.query, batchSize),
              copy: async (columns) => s.calls.copyCsv(req.access, req.query, columns),
            })) as never)
          : listOrExport(s, req, reply, {
              list: 'calls',
              schema: CallSummary,
              page: (paging) => s.calls.list(req.access, { ...req.query, ...paging }),
            }),
  );

  app.get(
    '/api/v1/calls/:id',
    {
      schema: {
        tags: ['calls'],
        summary: 'Get a call with its request and response payloads',
        description:
          'Bodies are shown to those with payload access (admins, read keys); viewers see them as null.',
        params: IdParams,
        response: { 200: Type.Ref(Call), ...READ_ERRORS },
      },
    },
    async (req) => {
      const call = await s.calls.get(req.access, req.params.id);
      // Payloads carry what the connector sent and received: every look at them is on record.
      if (call.request.body !== null || call.response.body !== null) {
        await recordAudit(s, req, {
          action: 'call.payload_view',
          organizationId: call.organizationId,
          target: `call:${call.id}`,
        });
      }
      return call;
    },
  );
}
