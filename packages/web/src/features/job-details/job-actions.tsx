import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { ArrowRight } from 'lucide-react';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { actionListQuery } from '@/features/actions/actions.queries';
import { StatusBadge } from '@/features/runs/run-badges';
import { cn } from '@/lib/cn';
import { formatAbsolute, formatCount } from '@/lib/format';

/** How many of a session's actions the job details list; Logging details has them all. */
export const JOB_ACTIONS_SHOWN = 50;

/** The first actions of a session, oldest first, and the way to all of them. */
export function JobActions({ runId, total }: { runId: string; total: number }) {
  // The same query as Logging details' first page, so opening it afterwards is instant.
  const actions = useInfiniteQuery(actionListQuery(runId, {}));
  const shown = actions.data?.pages[0]?.items.slice(0, JOB_ACTIONS_SHOWN) ?? [];
  const all = (
    <Link
      to="/runs/$runId"
      params={{ runId }}
      className="inline-flex items-center gap-1 text-sm font-medium text-primary hover:underline"
    >
      All {formatCount(total)} actions in Logging details <ArrowRight className="size-3.5" aria-hidden />
    </Link>
  );
  if (actions.isPending) return <LoadingState />;
  if (actions.isError) return <ErrorState error={actions.error} onRetry={() => void actions.refetch()} />;
  if (shown.length === 0) return <EmptyState title="This session has no actions" />;
  return (
    <div className="flex flex-col gap-2">
      {/* Focusable, so that the keyboard scrolls it too. */}
      <div
        tabIndex={0}
        role="region"
        aria-label="First actions"
        className="max-h-96 overflow-auto rounded-md border border-border"
      >
        <table className="w-full text-sm" aria-label="Actions of the session">
          <thead className="sticky top-0 bg-muted">
            <tr className="text-left text-xs font-semibold text-muted-foreground">
              <th className="px-2 py-1.5 text-right">#</th>
              <th className="px-2 py-1.5">Time</th>
              <th className="px-2 py-1.5">Object</th>
              <th className="px-2 py-1.5">Action</th>
              <th className="px-2 py-1.5">Status</th>
              <th className="px-2 py-1.5">Message</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((action) => (
              <tr
                key={action.seq}
                data-testid="job-action"
                className={cn(
                  'border-t border-border/70 align-top',
                  action.status === 'ERROR' && 'bg-red-50/60',
                  action.status === 'WARNING' && 'bg-amber-50/50',
                )}
              >
                <td className="px-2 py-1.5 text-right text-xs text-muted-foreground tabular-nums">
                  {action.seq}
                </td>
                <td className="px-2 py-1.5 text-xs whitespace-nowrap tabular-nums">
                  {formatAbsolute(action.at).split(' ')[1]}
                </td>
                <td className="px-2 py-1.5">
                  <span className="block font-medium">{action.source.name ?? action.target.name ?? '—'}</span>
                  <span className="block text-xs text-muted-foreground">{action.objectType ?? '—'}</span>
                </td>
                <td className="px-2 py-1.5">
                  <code className="text-xs">{action.action}</code>
                </td>
                <td className="px-2 py-1.5">
                  <StatusBadge status={action.status} />
                </td>
                <td className="px-2 py-1.5 text-xs break-words">
                  {action.message ?? <span className="text-muted-foreground">(no message)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="flex flex-wrap items-center justify-between gap-2 text-xs text-muted-foreground">
        <span>
          {shown.length < total
            ? `The first ${formatCount(shown.length)} of ${formatCount(total)} actions.`
            : `All ${formatCount(total)} actions.`}
        </span>
        {all}
      </p>
    </div>
  );
}
