import type { Action } from '@synctrail/types';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { TimeCell } from '@/components/time-cell';
import { StatusBadge } from '@/features/runs/run-badges';
import { codeLabel } from '@/lib/labels';

const column = createColumnHelper<Action>();

function Endpoint({ side }: { side: Action['source'] }) {
  return (
    <div className="leading-tight">
      <span className="block font-medium">{side.name ?? '—'}</span>
      <span className="block text-xs text-muted-foreground">
        {codeLabel(side.system)}
        {side.id !== null && <span className="font-mono"> · {side.id}</span>}
      </span>
    </div>
  );
}

/** The columns of Logging details; the message opens the action's full text and details. */
export function actionColumns(onOpen: (action: Action) => void): ColumnDef<Action, any>[] {
  return [
    column.accessor('at', { header: 'Date', size: 165, cell: (info) => <TimeCell iso={info.getValue()} /> }),
    column.accessor('source', {
      header: 'Source',
      size: 220,
      cell: (info) => <Endpoint side={info.getValue()} />,
    }),
    column.accessor('target', {
      header: 'Target',
      size: 220,
      cell: (info) => <Endpoint side={info.getValue()} />,
    }),
    column.accessor('objectType', {
      header: 'Object type',
      size: 130,
      cell: (info) => info.getValue() ?? '—',
    }),
    column.accessor('action', {
      header: 'Action',
      size: 90,
      cell: (info) => <code className="text-xs">{info.getValue()}</code>,
    }),
    column.accessor('status', {
      header: 'Status',
      size: 110,
      cell: (info) => <StatusBadge status={info.getValue()} />,
    }),
    column.accessor('message', {
      header: 'Message',
      size: 320,
      meta: { grow: true },
      cell: (info) => (
        <button
          type="button"
          className="line-clamp-2 w-full cursor-pointer text-left hover:underline"
          onClick={(event) => {
            event.stopPropagation();
            onOpen(info.row.original);
          }}
        >
          {info.getValue() ?? <span className="text-muted-foreground">(no message)</span>}
        </button>
      ),
    }),
  ];
}
