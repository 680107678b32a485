import type { SyncStatus } from '@synctrail/types';
import { Link } from '@tanstack/react-router';
import { Loader2 } from 'lucide-react';
import type { IntegrationItem } from '@/features/integrations/integrations.queries';
import { cn } from '@/lib/cn';
import { formatRelative } from '@/lib/format';
import { useNow } from '@/lib/use-now';

type Health = SyncStatus | 'NONE';

/** Each cell's colour says the last run's status; its words say it too. */
const HEALTH: Record<Health, { cell: string; label: string; dot: string }> = {
  OK: { cell: 'border-green-300 bg-green-50 hover:bg-green-100', label: 'OK', dot: 'bg-green-600' },
  INFO: { cell: 'border-blue-300 bg-blue-50 hover:bg-blue-100', label: 'Info', dot: 'bg-blue-600' },
  WARNING: {
    cell: 'border-amber-300 bg-amber-50 hover:bg-amber-100',
    label: 'Warning',
    dot: 'bg-amber-500',
  },
  ERROR: { cell: 'border-red-300 bg-red-50 hover:bg-red-100', label: 'Error', dot: 'bg-red-600' },
  NONE: { cell: 'border-slate-300 bg-slate-50 hover:bg-slate-100', label: 'No run yet', dot: 'bg-slate-400' },
};

export const HEALTH_LEGEND = (['OK', 'INFO', 'WARNING', 'ERROR', 'NONE'] as const).map((h) => ({
  health: h,
  dot: HEALTH[h].dot,
  label: h === 'NONE' ? 'No run yet or pending' : HEALTH[h].label,
}));

/** A run still queued says nothing yet about how syncing goes: its cell is neutral until it starts. */
export function healthOf(integration: IntegrationItem): Health {
  const run = integration.lastRun;
  return run === null || run.progress === 'PENDING' ? 'NONE' : run.status;
}

function runText(run: IntegrationItem['lastRun'], health: Health): string {
  if (run === null) return 'No run yet';
  if (run.progress === 'PENDING') return 'Run pending';
  if (run.progress === 'RUNNING' || run.progress === 'ABORTION_PENDING')
    return `Running: ${HEALTH[health].label} so far`;
  if (run.progress === 'ABORTED') return `Last run aborted: ${HEALTH[health].label}`;
  return `Last run: ${HEALTH[health].label}`;
}

/** `1 of 35 runs failed (3%)`, or that there was no run in the last 24 hours. */
export function errorRateText({ runs, errors }: { runs: number; errors: number }): string {
  if (runs === 0) return 'No run in 24 h';
  const rate = (errors / runs) * 100;
  const percent = errors === 0 ? '0%' : rate < 1 ? '<1%' : `${Math.round(rate)}%`;
  return `${errors} of ${runs} run${runs === 1 ? '' : 's'} failed in 24 h (${percent})`;
}

/** One integration of the grid: a link to Sync Logging filtered to it. */
export function OverviewCell({ integration }: { integration: IntegrationItem }) {
  const now = useNow(30_000);
  const health = healthOf(integration);
  const style = HEALTH[health];
  const run = integration.lastRun;
  const running = run !== null && (run.progress === 'RUNNING' || run.progress === 'ABORTION_PENDING');
  return (
    <Link
      to="/runs"
      search={{ organizationId: integration.organizationId, integrationType: integration.type }}
      data-testid="overview-cell"
      data-health={health}
      className={cn(
        'flex min-w-48 flex-col gap-1 rounded-md border px-3 py-2 text-left text-sm transition-colors',
        style.cell,
      )}
    >
      <span className="font-medium text-foreground">{integration.name}</span>
      <span className="flex items-center gap-1.5 text-xs font-semibold text-slate-800">
        {running ? (
          <Loader2 className="size-3 animate-spin" aria-hidden />
        ) : (
          <span className={cn('size-2 rounded-full', style.dot)} aria-hidden />
        )}
        {runText(run, health)}
      </span>
      <span className="text-xs text-slate-700">{errorRateText(integration.last24h)}</span>
      {run !== null && (
        <span className="text-xs text-slate-700">
          <time dateTime={run.requestedAt}>{formatRelative(run.requestedAt, now)}</time>
          {integration.status !== 'ACTIVE' && ' · inactive'}
        </span>
      )}
    </Link>
  );
}
