import type { Run } from '@synctrail/types';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { Download } from 'lucide-react';
import { useMemo } from 'react';
import { apiUrl } from '@/api/client';
import { Button } from '@/components/ui/button';
import { CancelSyncButton, useRunColumns } from '@/features/runs/run-columns';
import { canControl, useSession } from '@/features/session/session.queries';
import { formatAbsolute } from '@/lib/format';
import { integrationTypeLabel } from '@/lib/labels';

const column = createColumnHelper<Run>();

/** A column's id: given, or (for accessor columns) the key it reads. */
function idOf(c: ColumnDef<Run, any>): string | undefined {
  return c.id ?? ('accessorKey' in c ? String(c.accessorKey) : undefined);
}

/** Download Logs: the session's log files as one .zip, for those who may read them (not VIEWERs). */
export function DownloadLogsButton({ run }: { run: Run }) {
  const session = useSession();
  if (!canControl(session, run.organizationId)) return null;
  return (
    <Button variant="outline" size="xs" asChild>
      <a
        href={apiUrl(`/runs/${run.id}/bundle`)}
        download
        title={`The logs of the session of ${formatAbsolute(run.startedAt ?? run.requestedAt)} as a .zip`}
        onClick={(event) => event.stopPropagation()}
      >
        <Download aria-hidden /> Download Logs
      </a>
    </Button>
  );
}

/**
 * A sync user's sessions: the columns of Sync Logging (without Organization: the user has one; the
 * run's name under its type), the Actions column with Download Logs above Cancel Sync.
 */
export function useSessionColumns(): ColumnDef<Run, any>[] {
  const base = useRunColumns(null);
  return useMemo(
    () =>
      base
        .filter((c) => idOf(c) !== 'name')
        .map((c) =>
          idOf(c) === 'integrationType'
            ? column.accessor('integrationType', {
                header: 'Type',
                size: 150,
                meta: { grow: true },
                cell: (info) => (
                  <span>
                    {integrationTypeLabel(info.getValue())}
                    {info.row.original.name !== null && (
                      <span className="block text-xs text-muted-foreground">{info.row.original.name}</span>
                    )}
                  </span>
                ),
              })
            : idOf(c) === 'actions'
              ? column.display({
                  id: 'actions',
                  header: 'Actions',
                  size: 145,
                  cell: (info) => (
                    <span className="flex flex-col items-start gap-1">
                      <DownloadLogsButton run={info.row.original} />
                      <CancelSyncButton run={info.row.original} />
                    </span>
                  ),
                })
              : c,
        ),
    [base],
  );
}
