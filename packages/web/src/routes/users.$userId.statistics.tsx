import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { DataTable } from '@/components/data-table';
import { ExportLinks } from '@/components/export-links';
import { FilterBar } from '@/components/filter-bar';
import { LiveToggle } from '@/components/live-toggle';
import { allIntegrationsQuery } from '@/features/integrations/integrations.queries';
import { SESSION_FILTERS } from '@/features/users/session-filters';
import { useSessionColumns } from '@/features/users/session-columns';
import { userQuery, userRunsQuery } from '@/features/users/users.queries';
import { hasFilters, parseSearch, toApiQuery, viewMoment, type Search } from '@/lib/filters';
import { timeZoneName } from '@/lib/format';

export const Route = createFileRoute('/users/$userId/statistics')({
  validateSearch: (raw: Record<string, unknown>): Search => parseSearch(SESSION_FILTERS, raw),
  component: UserStatistics,
});

/** Statistics: the user's sync sessions, newest first; Download Logs fetches one session's .zip. */
function UserStatistics() {
  const { userId } = Route.useParams();
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/users/$userId/statistics' });
  const setSearch = (next: Search) => void navigate({ search: next });
  const user = useQuery(userQuery(userId)).data;
  const integrations = useQuery(allIntegrationsQuery).data?.items;
  const options = useMemo(() => {
    const changes = (integrations ?? [])
      .filter((i) => i.organizationId === user?.organizationId && i.capabilities.partialSync)
      .map((i) => `${i.type.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_CHANGES`);
    return {
      trigger: ['FULL_SYNC_JOB', 'FULL_SYNC_MANUAL', ...new Set(changes)].map((t) => ({
        value: t,
        label: t,
      })),
    };
  }, [integrations, user?.organizationId]);

  const searchKey = JSON.stringify(search);
  const now = useMemo(() => viewMoment(), [searchKey]);
  const query = useMemo(() => toApiQuery(SESSION_FILTERS, search, now), [search, now]);
  const runs = useInfiniteQuery(userRunsQuery(userId, query));
  const columns = useSessionColumns();
  const order = search.sort === 'asc' ? 'asc' : 'desc';
  const filtered = hasFilters(SESSION_FILTERS, search);

  return (
    <>
      <FilterBar defs={SESSION_FILTERS} search={search} onChange={setSearch} options={options}>
        <LiveToggle />
        <ExportLinks path={`/users/${userId}/runs`} query={query} />
      </FilterBar>
      <DataTable
        label="Sync sessions"
        columns={columns}
        query={runs}
        rowKey={(run) => run.id}
        rowClassName={(run) => (run.status === 'ERROR' ? 'bg-red-50/60' : undefined)}
        emptyTitle={filtered ? 'No sessions match these filters' : 'No sync session for this user yet'}
        emptyHint={
          filtered
            ? 'Clear a filter or widen the date range.'
            : `Sessions appear here as the connector syncs this user. Times in ${timeZoneName()}.`
        }
        sort={{
          columnId: 'date',
          order,
          onToggle: () => setSearch({ ...search, sort: order === 'desc' ? 'asc' : undefined }),
        }}
        estimateRowHeight={53}
      />
    </>
  );
}
