import type { Organization } from '@synctrail/types';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import cronstrue from 'cronstrue';
import { Play, RefreshCw } from 'lucide-react';
import { errorMessage } from '@/api/client';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { TimeCell } from '@/components/time-cell';
import { ProgressBadge, StatusBadge } from '@/features/runs/run-badges';
import { canControl, useSession } from '@/features/session/session.queries';
import { integrationTypeLabel } from '@/lib/labels';
import { notifyChanges, triggerSync, type IntegrationItem } from './integrations.queries';

const column = createColumnHelper<IntegrationItem>();

/** The cron expression in words, in UTC as the scheduler runs it. */
export function scheduleInWords(cron: string): string {
  try {
    return `${cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false })} (UTC)`;
  } catch {
    return cron;
  }
}

/** Why Run Sync cannot start a run now, or `null` when it can. */
export function syncBlockedReason(
  integration: IntegrationItem,
  organization: Organization | undefined,
): string | null {
  if (organization !== undefined && !organization.syncEnabled)
    return 'Synchronization is disabled for this organization';
  if (integration.status !== 'ACTIVE') return 'The integration is not active';
  return null;
}

function SyncButtons({
  integration,
  organization,
}: {
  integration: IntegrationItem;
  organization: Organization | undefined;
}) {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: ['integrations'] });
    await queryClient.invalidateQueries({ queryKey: ['runs', 'list'] });
  };
  const sync = useMutation({ mutationFn: () => triggerSync(integration.id), onSuccess: done });
  const changes = useMutation({
    mutationFn: () =>
      notifyChanges(integration.id, integration.type.toUpperCase().replace(/[^A-Z0-9_]/g, '_')),
    onSuccess: done,
  });
  if (!canControl(session, integration.organizationId)) return null;
  const blocked = syncBlockedReason(integration, organization);
  const error = sync.error ?? changes.error;
  const started = sync.data ?? changes.data;
  return (
    <div className="flex flex-col items-start gap-1">
      <div className="flex gap-1.5">
        <Button
          size="xs"
          disabled={blocked !== null || sync.isPending}
          title={blocked ?? 'Start a full synchronization now'}
          onClick={() => sync.mutate()}
        >
          <Play aria-hidden /> Run Sync
        </Button>
        {integration.capabilities.partialSync && (
          <Button
            size="xs"
            variant="outline"
            disabled={blocked !== null || changes.isPending}
            title={blocked ?? 'Start a partial synchronization of the latest changes'}
            onClick={() => changes.mutate()}
          >
            <RefreshCw aria-hidden /> Sync changes
          </Button>
        )}
      </div>
      {blocked !== null && <span className="text-xs text-muted-foreground">{blocked}</span>}
      {error !== null && (
        <span role="alert" className="text-xs text-red-700">
          {errorMessage(error)}
        </span>
      )}
      {started !== undefined && error === null && (
        <button
          type="button"
          className="cursor-pointer text-xs text-primary hover:underline"
          onClick={() => void navigate({ to: '/runs/$runId', params: { runId: started.id } })}
        >
          Run {started.progress.toLowerCase()}: open it
        </button>
      )}
    </div>
  );
}

export function integrationColumns(
  organizations: Map<string, Organization>,
): ColumnDef<IntegrationItem, any>[] {
  return [
    column.accessor('type', {
      header: 'Type',
      size: 160,
      cell: (info) => integrationTypeLabel(info.getValue()),
    }),
    column.accessor('name', {
      header: 'Name',
      size: 220,
      meta: { grow: true },
      cell: (info) => <span className="font-medium">{info.getValue()}</span>,
    }),
    column.accessor('organizationName', {
      header: 'Organization',
      size: 180,
      cell: (info) => {
        const organization = organizations.get(info.row.original.organizationId);
        return (
          <span className={organization?.syncEnabled === false ? 'text-red-700' : undefined}>
            {info.getValue()}
            {organization?.syncEnabled === false && <span className="block text-xs">sync disabled</span>}
          </span>
        );
      },
    }),
    column.accessor('status', {
      header: 'Status',
      size: 100,
      cell: (info) => <Badge tone={info.getValue() === 'ACTIVE' ? 'ok' : 'neutral'}>{info.getValue()}</Badge>,
    }),
    column.accessor('schedule', {
      header: 'Schedule',
      size: 210,
      cell: (info) => (
        <span className="leading-tight">
          <span className="block">{scheduleInWords(info.getValue())}</span>
          <code className="text-xs text-muted-foreground">{info.getValue()}</code>
        </span>
      ),
    }),
    column.accessor('capabilities', {
      header: 'Capabilities',
      size: 150,
      cell: (info) => (
        <span className="flex flex-wrap gap-1">
          {info.getValue().cancellable && <Badge>Cancellable</Badge>}
          {info.getValue().partialSync && <Badge>Partial sync</Badge>}
          {!info.getValue().cancellable && !info.getValue().partialSync && (
            <span className="text-muted-foreground">—</span>
          )}
        </span>
      ),
    }),
    column.accessor('lastRun', {
      header: 'Last run',
      size: 190,
      cell: (info) => {
        const run = info.getValue();
        if (run === null) return <span className="text-muted-foreground">Never ran</span>;
        return (
          <Link to="/runs/$runId" params={{ runId: run.id }} className="flex flex-col gap-1 hover:underline">
            <TimeCell iso={run.requestedAt} />
            <span className="flex gap-1">
              {run.progress === 'FINISHED' ? (
                <StatusBadge status={run.status} />
              ) : (
                <ProgressBadge progress={run.progress} />
              )}
            </span>
          </Link>
        );
      },
    }),
    column.display({
      id: 'actions',
      header: 'Actions',
      size: 255,
      cell: (info) => (
        <SyncButtons
          integration={info.row.original}
          organization={organizations.get(info.row.original.organizationId)}
        />
      ),
    }),
  ];
}
