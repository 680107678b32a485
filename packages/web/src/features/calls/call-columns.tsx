import type { CallSummary } from '@synctrail/types';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { ArrowDownLeft, ArrowUpRight } from 'lucide-react';
import { TimeCell } from '@/components/time-cell';
import { Badge } from '@/components/ui/badge';
import { formatDuration } from '@/lib/format';
import { codeLabel, requestTypeLabel } from '@/lib/labels';

const column = createColumnHelper<CallSummary>();

function StatusCode({ code }: { code: number | null }) {
  if (code === null) return <span className="text-muted-foreground">—</span>;
  const tone = code >= 500 ? 'error' : code >= 400 ? 'warning' : code >= 300 ? 'info' : 'ok';
  return <Badge tone={tone}>{code}</Badge>;
}

export type PayloadPart = 'request' | 'response';

/** The Connector Log's columns; `onOpen` is absent for people who may not read payloads. */
export function callColumns(
  onOpen: ((call: CallSummary, part: PayloadPart) => void) | null,
): ColumnDef<CallSummary, any>[] {
  return [
    column.accessor('at', { header: 'Time', size: 165, cell: (info) => <TimeCell iso={info.getValue()} /> }),
    column.accessor('direction', {
      header: 'Direction',
      size: 105,
      cell: (info) => (
        <span className="inline-flex items-center gap-1">
          {info.getValue() === 'OUTGOING' ? (
            <ArrowUpRight className="size-3.5" aria-hidden />
          ) : (
            <ArrowDownLeft className="size-3.5" aria-hidden />
          )}
          {codeLabel(info.getValue())}
        </span>
      ),
    }),
    column.accessor('appFrom', { header: 'From', size: 130 }),
    column.accessor('appTo', { header: 'To', size: 130 }),
    column.accessor('action', {
      header: 'Action',
      size: 120,
      cell: (info) => (info.getValue() === 'NA' ? 'NA' : codeLabel(info.getValue())),
    }),
    column.accessor('requestType', {
      header: 'Request type',
      size: 175,
      cell: (info) => (info.getValue() === null ? '—' : requestTypeLabel(info.getValue()!)),
    }),
    column.accessor('login', { header: 'Login', size: 185, cell: (info) => info.getValue() ?? '—' }),
    column.accessor('method', {
      header: 'Method',
      size: 80,
      cell: (info) => <code className="text-xs">{info.getValue()}</code>,
    }),
    column.accessor('url', {
      header: 'URL',
      size: 200,
      meta: { grow: true },
      cell: (info) => (
        <span className="line-clamp-2 font-mono text-xs break-all" title={info.getValue()}>
          {info.getValue()}
        </span>
      ),
    }),
    column.accessor('statusCode', {
      header: 'Status',
      size: 80,
      cell: (info) => <StatusCode code={info.getValue()} />,
    }),
    column.accessor('durationMs', {
      header: 'Duration',
      size: 95,
      meta: { align: 'right' },
      cell: (info) => formatDuration(info.getValue()),
    }),
    column.display({
      id: 'payload',
      header: 'Payload',
      size: 140,
      cell: (info) =>
        onOpen === null ? (
          <span className="text-xs text-muted-foreground" title="Payloads are shown to administrators">
            —
          </span>
        ) : (
          <span className="flex gap-3">
            {(['request', 'response'] as const).map((part) => (
              <button
                key={part}
                type="button"
                className="cursor-pointer text-primary hover:underline"
                onClick={(event) => {
                  event.stopPropagation();
                  onOpen(info.row.original, part);
                }}
              >
                {part === 'request' ? 'Request' : 'Response'}
              </button>
            ))}
          </span>
        ),
    }),
  ];
}
