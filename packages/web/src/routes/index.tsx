import { useQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { Page } from '@/components/page';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { allIntegrationsQuery } from '@/features/integrations/integrations.queries';
import { HEALTH_LEGEND } from '@/features/overview/overview-cell';
import { OverviewGrid } from '@/features/overview/overview-grid';
import { organizationsQuery } from '@/features/runs/runs.queries';
import { isOperator, useSession } from '@/features/session/session.queries';
import { formatCount } from '@/lib/format';
import { cn } from '@/lib/cn';

/** The overview: every integration the reader can see, by organization, as healthy as its last run. */
export const Route = createFileRoute('/')({
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(organizationsQuery);
    void context.queryClient.prefetchQuery(allIntegrationsQuery);
  },
  component: Overview,
});

function Overview() {
  const session = useSession();
  const organizations = useQuery(organizationsQuery);
  const integrations = useQuery({ ...allIntegrationsQuery, staleTime: 15_000 });
  const operator = isOperator(session);
  const error = organizations.error ?? integrations.error;
  const items = integrations.data?.items ?? [];
  const failing = items.filter((i) => i.lastRun?.status === 'ERROR').length;
  const runs = items.reduce((sum, i) => sum + i.last24h.runs, 0);
  const errors = items.reduce((sum, i) => sum + i.last24h.errors, 0);

  return (
    <Page
      title="Overview"
      description={
        operator
          ? 'Every organization’s integrations, coloured by the status of their last run. Open one to see its runs.'
          : 'Your organization’s integrations, coloured by the status of their last run. Open one to see its runs.'
      }
    >
      {organizations.data === undefined || integrations.data === undefined ? (
        error !== null ? (
          <ErrorState
            error={error}
            onRetry={() => {
              void organizations.refetch();
              void integrations.refetch();
            }}
          />
        ) : (
          <LoadingState />
        )
      ) : items.length === 0 ? (
        <div className="rounded-md border border-border">
          <EmptyState title="No integration yet">
            Create one with POST /api/v1/organizations/{'{id}'}/integrations.
          </EmptyState>
        </div>
      ) : (
        <>
          <div className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2 text-sm">
            <p aria-live="polite">
              {formatCount(organizations.data.items.length)} organization
              {organizations.data.items.length === 1 ? '' : 's'} · {formatCount(items.length)} integration
              {items.length === 1 ? '' : 's'} ·{' '}
              <span className={failing > 0 ? 'font-medium text-red-800' : undefined}>
                {formatCount(failing)} whose last run failed
              </span>{' '}
              · {formatCount(errors)} of {formatCount(runs)} runs failed in the last 24 hours
            </p>
            <ul aria-label="Colours" className="flex flex-wrap gap-3 text-xs text-muted-foreground">
              {HEALTH_LEGEND.map((entry) => (
                <li key={entry.health} className="flex items-center gap-1.5">
                  <span className={cn('size-2.5 rounded-full', entry.dot)} aria-hidden />
                  {entry.label}
                </li>
              ))}
            </ul>
          </div>
          <OverviewGrid organizations={organizations.data.items} integrations={items} />
        </>
      )}
    </Page>
  );
}
