import type { Issue } from '@synctrail/types';
import { Link } from '@tanstack/react-router';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { TimeCell } from '@/components/time-cell';
import { formatCount } from '@/lib/format';
import { ErrorCode, IssueStateBadge, directionLabel, operationLabel } from './issue-labels';

const column = createColumnHelper<Issue>();

/** The columns of a sync user's Issues subtab, as the third document lists them. */
export const USER_ISSUE_COLUMNS: ColumnDef<Issue, any>[] = [
  column.accessor('objectType', {
    header: 'Type',
    size: 115,
    cell: (info) => info.getValue() ?? '—',
  }),
  column.accessor('objectName', {
    header: 'Name',
    size: 150,
    meta: { grow: true },
    cell: (info) => {
      const { lastRunId } = info.row.original;
      const name = info.getValue() ?? '(no name)';
      return lastRunId === null ? (
        <span className="font-medium">{name}</span>
      ) : (
        <Link
          to="/runs/$runId"
          params={{ runId: lastRunId }}
          className="font-medium text-primary hover:underline"
          title="Open the last session that saw it"
        >
          {name}
        </Link>
      );
    },
  }),
  column.accessor('direction', {
    header: 'Direction',
    size: 140,
    cell: (info) => directionLabel(info.getValue()),
  }),
  column.accessor('operation', {
    header: 'Operation name',
    size: 95,
    cell: (info) => operationLabel(info.getValue()),
  }),
  column.accessor('errorCode', {
    header: 'Error Code',
    size: 165,
    cell: (info) => <ErrorCode code={info.getValue()} />,
  }),
  column.accessor('errorText', {
    header: 'Error Text',
    size: 200,
    meta: { grow: true },
    cell: (info) => <span className="text-[13px]">{info.getValue() ?? '—'}</span>,
  }),
  column.accessor('firstSeenAt', {
    header: 'First seen',
    size: 160,
    cell: (info) => <TimeCell iso={info.getValue()} />,
  }),
  column.accessor('lastSeenAt', {
    header: 'Last seen',
    size: 160,
    cell: (info) => <TimeCell iso={info.getValue()} />,
  }),
  column.accessor('occurrences', {
    header: 'Occurrences',
    size: 95,
    meta: { align: 'right' },
    cell: (info) => formatCount(info.getValue()),
  }),
  column.accessor('state', {
    header: 'State',
    size: 90,
    cell: (info) => <IssueStateBadge state={info.getValue()} />,
  }),
];
