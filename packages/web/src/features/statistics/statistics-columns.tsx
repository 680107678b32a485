import type { SessionListItem } from '@synctrail/types';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { formatCount } from '@/lib/format';
import { ColumnLabel } from './column-label';
import { ExceptionCell, ObjectReportCell, RunCell, SessionActions, StatusCell } from './session-cells';
import { errorCategoryLabel, errorSourceLabel, totalChanges } from './session-text';

const column = createColumnHelper<SessionListItem>();

/**
 * The columns a person can show or hide, in the document's order, with the API fields they export
 * as (`columns=` of the CSV export). Objects ⏍ (the report), Total Changes and Conflicts are hidden
 * until picked. ⏍ marks the columns whose cells copy their value: `ColumnLabel` draws it as an icon,
 * since few fonts have the character.
 */
export const SESSION_COLUMNS = [
  { id: 'user', label: 'User', hidden: false, fields: ['userName', 'userEmail'] },
  { id: 'run', label: 'Run', hidden: false, fields: ['startedAt', 'finishedAt'] },
  { id: 'status', label: 'Status', hidden: false, fields: ['status', 'progress'] },
  { id: 'objectReport', label: 'Objects', copyable: true, hidden: true, fields: ['objectReport'] },
  { id: 'objects', label: 'Objects', hidden: false, fields: ['counters.objects'] },
  { id: 'changes', label: 'Changes', hidden: false, fields: ['counters.changes'] },
  { id: 'failures', label: 'Failures', hidden: false, fields: ['counters.failures'] },
  {
    id: 'totalChanges',
    label: 'Total Changes',
    hidden: true,
    fields: ['counters.creates', 'counters.updates', 'counters.deletes'],
  },
  { id: 'errorSource', label: 'Error Source', hidden: false, fields: ['errorSource'] },
  { id: 'errorCategory', label: 'Error Category', hidden: false, fields: ['errorCategory'] },
  { id: 'exception', label: 'Exception', copyable: true, hidden: false, fields: ['exception'] },
  { id: 'issues', label: 'Issues', hidden: false, fields: ['counters.issues'] },
  { id: 'conflicts', label: 'Conflicts', hidden: true, fields: ['counters.conflicts'] },
] as const;

export type SessionColumnId = (typeof SESSION_COLUMNS)[number]['id'];

export const DEFAULT_SESSION_COLUMNS: SessionColumnId[] = SESSION_COLUMNS.filter((c) => !c.hidden).map(
  (c) => c.id,
);

/** The CSV export's `columns=` for the columns on screen. */
export function exportColumns(visible: readonly string[]): string {
  return ['id', ...SESSION_COLUMNS.filter((c) => visible.includes(c.id)).flatMap((c) => [...c.fields])].join(
    ',',
  );
}

const counter = (
  id: SessionColumnId,
  header: string,
  value: (run: SessionListItem) => number,
  options: { alarm?: boolean; title?: string } = {},
) =>
  column.accessor(value, {
    id,
    header: () => <span title={options.title}>{header}</span>,
    size: 78,
    meta: { align: 'right' },
    cell: (info) => (
      <span className={options.alarm && info.getValue() > 0 ? 'font-semibold text-red-700' : undefined}>
        {formatCount(info.getValue())}
      </span>
    ),
  });

/** The Statistics subtab's columns; `onOpen` opens a session's job details. */
export function sessionColumns(onOpen: (run: SessionListItem) => void): ColumnDef<SessionListItem, any>[] {
  return [
    column.accessor((run) => run.userName ?? run.userEmail ?? run.userExternalId ?? '—', {
      id: 'user',
      header: 'User',
      size: 150,
      meta: { grow: true },
      cell: (info) =>
        info.row.original.userId === null ? (
          <span className="text-muted-foreground">No user</span>
        ) : (
          <a
            href={`/users/${info.row.original.userId}`}
            className="font-medium hover:underline"
            title={info.row.original.userEmail ?? undefined}
            onClick={(event) => event.stopPropagation()}
          >
            {info.getValue()}
          </a>
        ),
    }),
    column.display({
      id: 'run',
      header: 'Run',
      size: 150,
      cell: (info) => <RunCell run={info.row.original} />,
    }),
    column.accessor('status', {
      header: 'Status',
      size: 104,
      cell: (info) => <StatusCell run={info.row.original} onOpen={() => onOpen(info.row.original)} />,
    }),
    column.accessor('objectReport', {
      header: () => <ColumnLabel label="Objects" copyable />,
      size: 200,
      cell: (info) => <ObjectReportCell report={info.getValue()} />,
    }),
    counter('objects', 'Objects', (r) => r.counters.objects, { title: 'Objects synchronized' }),
    counter('changes', 'Changes', (r) => r.counters.changes, { title: 'Changes made by the session' }),
    counter('failures', 'Failures', (r) => r.counters.failures, { alarm: true }),
    counter('totalChanges', 'Total Changes', (r) => totalChanges(r.counters), {
      title: 'Creates, updates and deletes attempted, failed ones included',
    }),
    column.accessor(errorSourceLabel, { id: 'errorSource', header: 'Error Source', size: 160 }),
    column.accessor((r) => errorCategoryLabel(r.errorCategory), {
      id: 'errorCategory',
      header: 'Error Category',
      size: 150,
    }),
    column.accessor('exception', {
      header: () => <ColumnLabel label="Exception" copyable />,
      size: 230,
      meta: { grow: true },
      cell: (info) => <ExceptionCell exception={info.getValue()} />,
    }),
    counter('issues', 'Issues', (r) => r.counters.issues, { title: 'Issues opened or seen again' }),
    counter('conflicts', 'Conflicts', (r) => r.counters.conflicts),
    column.display({
      id: 'actions',
      header: 'Actions',
      size: 80,
      cell: (info) => <SessionActions run={info.row.original} onOpen={() => onOpen(info.row.original)} />,
    }),
  ];
}
