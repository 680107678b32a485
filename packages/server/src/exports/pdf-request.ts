import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Action, CallListQuery, CallSummary, Run } from '@synctrail/types';
import type { Services } from '../http/services.js';
import { AppError } from '../http/errors.js';
import { recordAudit } from '../audit/audit-request.js';
import { attachment, exportFileName, exportFilters, refusePaging } from './export-request.js';
import { EXPORT_PAGE_SIZE } from './export-pages.js';
import { PdfWriter, type PdfColumn, type PdfReport } from './pdf-export.js';

interface PdfExport {
  /** The file name's stem and the audit's `list`. */
  list: string;
  report: Omit<PdfReport, 'exportedAt'>;
  organizationId: string | null;
  target: string | null;
  filters: Record<string, unknown>;
  /** Draws the document; returns how many rows its tables held. */
  draw: (writer: PdfWriter) => Promise<number>;
}

/**
 * Streams a PDF as it is drawn and audits it as `export.pdf` once drawn (with `complete: false` when
 * the client went away first). A failure while drawing cuts the response short.
 */
async function sendPdf(s: Services, req: FastifyRequest, reply: FastifyReply, spec: PdfExport) {
  const at = new Date();
  if (req.method === 'HEAD') {
    attachment(reply, exportFileName(spec.list, spec.filters, at, 'pdf'), 'application/pdf');
    return reply.send();
  }
  const writer = new PdfWriter({ ...spec.report, exportedAt: at });
  reply.raw.once('close', () => writer.abort());
  const audit = (rows: number, complete: boolean) => {
    s.metrics.exported(spec.list, 'pdf', rows);
    return recordAudit(s, req, {
      action: 'export.pdf',
      organizationId: spec.organizationId,
      target: spec.target,
      details: { list: spec.list, filters: spec.filters, rows, complete },
    });
  };
  void (async () => {
    let rows = 0;
    try {
      rows = await spec.draw(writer);
      const complete = !writer.stream.destroyed;
      await audit(rows, complete);
      if (complete) writer.end();
    } catch (error) {
      await audit(rows, false).catch(() => undefined);
      req.log.error({ err: error }, 'pdf export failed');
      writer.stream.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  attachment(reply, exportFileName(spec.list, spec.filters, at, 'pdf'), 'application/pdf');
  return reply.send(writer.stream);
}

const time = (value: string | null) => (value ? value.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');

const CALL_COLUMNS: PdfColumn[] = [
  { header: 'Time', width: 13, value: (c: CallSummary) => time(c.at) },
  { header: 'Direction', width: 7, value: (c: CallSummary) => c.direction },
  { header: 'From', width: 10, value: (c: CallSummary) => c.appFrom },
  { header: 'To', width: 10, value: (c: CallSummary) => c.appTo },
  { header: 'Action', width: 9, value: (c: CallSummary) => c.action },
  { header: 'Request type', width: 12, value: (c: CallSummary) => c.requestType },
  { header: 'Login', width: 14, value: (c: CallSummary) => c.login },
  { header: 'Method', width: 5, value: (c: CallSummary) => c.method },
  { header: 'URL', width: 18, value: (c: CallSummary) => c.url },
  { header: 'Status', width: 5, value: (c: CallSummary) => c.statusCode },
  { header: 'ms', width: 4, value: (c: CallSummary) => c.durationMs },
];

const endpoint = (e: Action['source']) =>
  [e.system, e.id, e.name].filter((p) => p !== null && p !== '').join(' · ');

const ACTION_COLUMNS: PdfColumn[] = [
  { header: '#', width: 4, value: (a: Action) => a.seq },
  { header: 'Time', width: 12, value: (a: Action) => time(a.at) },
  { header: 'Source', width: 16, value: (a: Action) => endpoint(a.source) },
  { header: 'Target', width: 16, value: (a: Action) => endpoint(a.target) },
  { header: 'Object type', width: 8, value: (a: Action) => a.objectType },
  { header: 'Action', width: 6, value: (a: Action) => a.action },
  { header: 'Status', width: 6, value: (a: Action) => a.status },
  { header: 'Code', width: 4, value: (a: Action) => a.errorCode },
  { header: 'Message', width: 28, value: (a: Action) => a.message },
];

function filterLine(filters: Record<string, unknown>): string {
  const parts = Object.entries(filters).map(([k, v]) => `${k}=${String(v)}`);
  return `Filters: ${parts.length > 0 ? parts.join('  ') : 'none'}`;
}

/** `GET /calls?format=pdf`: the connector log as filtered, without payloads. */
export async function sendCallsPdf(
  s: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  query: CallListQuery,
) {
  refusePaging(req);
  const filters = exportFilters(req);
  const batches = await s.calls.streamSummaries(req.access, query, EXPORT_PAGE_SIZE);
  const mine = req.access.organizations;
  return sendPdf(s, req, reply, {
    list: 'calls',
    report: { title: 'Connector log', subtitle: [filterLine(filters)] },
    organizationId: mine !== 'all' && mine.length === 1 ? (mine[0] ?? null) : null,
    target: null,
    filters,
    draw: async (writer) => {
      writer.startTable(CALL_COLUMNS);
      let rows = 0;
      for await (const batch of batches) {
        rows += batch.length;
        if (!(await writer.rows(batch))) break;
      }
      return rows;
    },
  });
}

/** The formats of one run: `json` (the run) or `pdf` (its report); anything else is a 400 naming them. */
export function runFormat(format: string | undefined): 'json' | 'pdf' {
  if (format === undefined || format === 'json' || format === 'pdf') return format ?? 'json';
  throw new AppError(
    'invalid_filter',
    `A run is answered as json or pdf (its report), not ${JSON.stringify(format)}; ` +
      'its actions are exported as csv by GET /api/v1/runs/{id}/actions?format=csv.',
    { filter: 'format', invalid: [format], allowed: ['json', 'pdf'] },
  );
}

/** `GET /runs/{id}/report.pdf` and `GET /runs/{id}?format=pdf`: the run, its counters and errors, and its actions. */
export async function sendRunReport(s: Services, req: FastifyRequest, reply: FastifyReply, runId: string) {
  const run: Run = await s.runs.get(req.access, runId, 'read');
  const actions = await s.runs.streamActions(req.access, run.id, {}, EXPORT_PAGE_SIZE);
  return sendPdf(s, req, reply, {
    list: `run-${run.id}-report`,
    report: {
      title: `Sync run ${run.name ?? run.id}`,
      subtitle: [
        `Run ${run.id} · ${run.integrationType} · ${run.trigger} · ${run.progress} · status ${run.status}`,
      ],
    },
    organizationId: run.organizationId,
    target: `run:${run.id}`,
    filters: {},
    draw: async (writer) => {
      writer.heading('Run');
      writer.fields([
        ['Id', run.id],
        ['Name', run.name],
        ['Organization', run.organizationId],
        ['Integration', `${run.integrationType} (${run.integrationId})`],
        ['Sync user', run.userId],
        ['Trigger', run.trigger],
        ['Progress', run.progress],
        ['Status', run.status],
        ['Requested', time(run.requestedAt)],
        ['Started', time(run.startedAt)],
        ['Finished', time(run.finishedAt)],
        ['Duration (ms)', run.durationMs],
      ]);
      writer.heading('Counters');
      writer.startTable(
        Object.keys(run.counters).map((name) => ({
          header: name,
          width: 1,
          value: (counters: Record<string, number>) => counters[name],
        })),
      );
      await writer.rows([run.counters]);
      writer.heading('Errors');
      writer.fields([
        ['Error source', run.errorSource],
        ['Error category', run.errorCategory],
        ['Exception', run.exception],
      ]);
      writer.heading('Actions');
      writer.startTable(ACTION_COLUMNS);
      let rows = 0;
      for await (const batch of actions) {
        rows += batch.length;
        if (!(await writer.rows(batch))) break;
      }
      return rows;
    },
  });
}
