import type { Run } from '@synctrail/types';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { Ban } from 'lucide-react';
import { useMemo } from 'react';
import { errorMessage } from '@/api/client';
import { Button } from '@/components/ui/button';
import { useNow } from '@/lib/use-now';
import {
  elapsedMs,
  formatAbsolute,
  formatCount,
  formatDuration,
  formatRelative,
  timeZoneName,
} from '@/lib/format';
import { integrationTypeLabel } from '@/lib/labels';
import { canControl, useSession } from '@/features/session/session.queries';
import { ProgressBadge, StatusBadge } from './run-badges';
import { cancelRun } from './runs.queries';

const column = createColumnHelper<Run>();

/** When the run started, or was asked for while it waits. */
export function runTime(run: Run): string {
  return run.startedAt ?? run.requestedAt;
}

function RunDate({ run }: { run: Run }) {
  const now = useNow(30_000);
  const at = runTime(run);
  return (
    <Link
      to="/runs/$runId"
      params={{ runId: run.id }}
      className="font-medium text-primary hover:underline"
      title={`${at} (${timeZoneName()})`}
    >
      <span className="block tabular-nums whitespace-nowrap">{formatAbsolute(at)}</span>
      <span className="block text-xs font-normal text-muted-foreground">{formatRelative(at, now)}</span>
    </Link>
  );
}

function RunDuration({ run }: { run: Run }) {
  const now = useNow(1000);
  const live = run.finishedAt === null && run.startedAt !== null;
  return (
    <span className="tabular-nums whitespace-nowrap">
      {formatDuration(live ? elapsedMs(run.startedAt, null, now) : run.durationMs)}
    </span>
  );
}

/** Cancel Sync, for people allowed to, on runs whose integration can stop one in progress. */
export function CancelSyncButton({ run }: { run: Run }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: () => cancelRun(run.id),
    onSuccess: (updated) => {
      queryClient.setQueryData(['run', run.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['runs', 'list'] });
    },
  });
  if (!run.cancellable || !canControl(session, run.organizationId)) return null;
  return (
    <span className="flex flex-col items-start gap-1">
      <Button
        variant="outline"
        size="xs"
        disabled={mutation.isPending}
        onClick={(event) => {
          event.stopPropagation();
          mutation.mutate();
        }}
      >
        <Ban aria-hidden /> Cancel Sync
      </Button>
      {mutation.isError && (
        <span role="alert" className="text-xs text-red-700">
          {errorMessage(mutation.error)}
        </span>
      )}
    </span>
  );
}

const counter = (key: keyof Run['counters'], header: string) =>
  column.accessor((run) => run.counters[key], {
    id: key,
    header,
    size: 80,
    meta: { align: 'right' },
    cell: (info) => formatCount(info.getValue()),
  });

/** The columns of Sync Logging, as the second document lists them (plus Organization for operators). */
export function useRunColumns(organizationNames: Map<string, string> | null): ColumnDef<Run, any>[] {
  return useMemo(
    () => [
      column.accessor(runTime, {
        id: 'date',
        header: 'Date',
        size: 178,
        cell: (info) => <RunDate run={info.row.original} />,
      }),
      ...(organizationNames === null
        ? []
        : [
            column.accessor((run) => organizationNames.get(run.organizationId) ?? '—', {
              id: 'organization',
              header: 'Organization',
              size: 140,
            }),
          ]),
      column.accessor('integrationType', {
        header: 'Type',
        size: 120,
        cell: (info) => integrationTypeLabel(info.getValue()),
      }),
      column.accessor('name', {
        header: 'Name',
        size: 140,
        meta: { grow: true },
        cell: (info) => info.getValue() ?? '—',
      }),
      column.accessor('trigger', {
        header: 'Trigger',
        size: 158,
        cell: (info) => <code className="text-xs">{info.getValue()}</code>,
      }),
      column.accessor('progress', {
        header: 'Progress',
        size: 152,
        cell: (info) => <ProgressBadge progress={info.getValue()} />,
      }),
      column.display({
        id: 'duration',
        header: 'Duration',
        size: 96,
        cell: (info) => <RunDuration run={info.row.original} />,
      }),
      column.accessor('status', {
        header: 'Status',
        size: 105,
        cell: (info) => <StatusBadge status={info.getValue()} />,
      }),
      counter('processed', 'Processed'),
      counter('updates', 'Updates'),
      counter('warnings', 'Warnings'),
      counter('errors', 'Errors'),
      column.display({
        id: 'actions',
        header: 'Actions',
        size: 128,
        cell: (info) => <CancelSyncButton run={info.row.original} />,
      }),
    ],
    [organizationNames],
  );
}
