import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { DataTable } from '@/components/data-table';
import { ExportLinks } from '@/components/export-links';
import { FilterBar } from '@/components/filter-bar';
import { LiveToggle } from '@/components/live-toggle';
import { Page } from '@/components/page';
import { allIntegrationsQuery } from '@/features/integrations/integrations.queries';
import { RUN_FILTERS } from '@/features/runs/run-filters';
import { useRunColumns } from '@/features/runs/run-columns';
import { RunsChart } from '@/features/runs/runs-chart';
import { organizationUsersQuery, organizationsQuery, runListQuery } from '@/features/runs/runs.queries';
import { useSession } from '@/features/session/session.queries';
import { hasFilters, parseSearch, toApiQuery, viewMoment, withRange, type Search } from '@/lib/filters';
import { integrationTypeLabel } from '@/lib/labels';
import { timeZoneName } from '@/lib/format';

export const Route = createFileRoute('/runs/')({
  validateSearch: (raw: Record<string, unknown>): Search => parseSearch(RUN_FILTERS, raw),
  loaderDeps: ({ search }) => search,
  // The first page is asked for while the screen's code loads, not after.
  loader: ({ context, deps }) => {
    void context.queryClient.prefetchInfiniteQuery(runListQuery(toApiQuery(RUN_FILTERS, deps, viewMoment())));
  },
  component: SyncLogging,
});

function SyncLogging() {
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/runs/' });
  const session = useSession();
  const setSearch = (next: Search) => void navigate({ search: next });

  const organizations = useQuery(organizationsQuery).data?.items;
  const integrations = useQuery(allIntegrationsQuery).data?.items;
  const memberships = session?.memberships ?? [];
  const singleOrganization = session?.account?.operator
    ? undefined
    : memberships.length === 1
      ? memberships[0]!.organizationId
      : undefined;
  const userOrganization = search.organizationId ?? singleOrganization;
  const users = useQuery({
    ...organizationUsersQuery(userOrganization ?? ''),
    enabled: userOrganization !== undefined,
  }).data?.items;

  const showOrganizations = (organizations?.length ?? 0) > 1;
  const defs = useMemo(
    () =>
      RUN_FILTERS.filter((def) => (def.key === 'organizationId' ? showOrganizations : true)).filter((def) =>
        def.key === 'userId' ? userOrganization !== undefined : true,
      ),
    [showOrganizations, userOrganization],
  );
  const options = useMemo(() => {
    const types = [...new Set((integrations ?? []).map((i) => i.type))].sort();
    const changes = [
      ...new Set(
        (integrations ?? [])
          .filter((i) => i.capabilities.partialSync)
          .map((i) => `${i.type.toUpperCase()}_CHANGES`),
      ),
    ];
    return {
      organizationId: (organizations ?? []).map((o) => ({ value: o.id, label: o.name })),
      integrationType: types.map((t) => ({ value: t, label: integrationTypeLabel(t) })),
      trigger: ['FULL_SYNC_JOB', 'FULL_SYNC_MANUAL', 'LEANIX_CHANGES', ...changes].map((t) => ({
        value: t,
        label: t,
      })),
      userId: (users ?? []).map((u) => ({ value: u.id, label: u.name ?? u.email ?? u.externalId })),
    };
  }, [organizations, integrations, users]);
  const organizationNames = useMemo(
    () => (showOrganizations ? new Map((organizations ?? []).map((o) => [o.id, o.name])) : null),
    [organizations, showOrganizations],
  );

  // A preset ("last 24 hours") is resolved once per view so refetches and pages share one window.
  const searchKey = JSON.stringify(search);
  const now = useMemo(() => viewMoment(), [searchKey]);
  const query = useMemo(() => toApiQuery(RUN_FILTERS, search, now), [search, now]);
  const runs = useInfiniteQuery(runListQuery(query));
  const columns = useRunColumns(organizationNames);
  const order = search.sort === 'asc' ? 'asc' : 'desc';

  return (
    <Page
      title="Sync Logging"
      description={`Synchronization runs of your integrations, newest first. Times in ${timeZoneName()}.`}
    >
      <FilterBar defs={defs} search={search} onChange={setSearch} options={options}>
        <LiveToggle />
        <ExportLinks path="/runs" query={query} />
      </FilterBar>
      <RunsChart query={query} now={now} onSelectRange={(range) => setSearch(withRange(search, range))} />
      <DataTable
        label="Synchronization runs"
        columns={columns}
        query={runs}
        rowKey={(run) => run.id}
        emptyTitle={
          hasFilters(RUN_FILTERS, search) ? 'No runs match these filters' : 'No synchronization run yet'
        }
        emptyHint={
          hasFilters(RUN_FILTERS, search)
            ? 'Clear a filter or widen the date range.'
            : 'Runs appear here as connectors report them.'
        }
        sort={{
          columnId: 'date',
          order,
          onToggle: () => setSearch({ ...search, sort: order === 'desc' ? 'asc' : undefined }),
        }}
        estimateRowHeight={53}
      />
    </Page>
  );
}
