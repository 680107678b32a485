import { useInfiniteQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { DataTable } from '@/components/data-table';
import { ExportLinks } from '@/components/export-links';
import { FilterBar } from '@/components/filter-bar';
import { LiveToggle } from '@/components/live-toggle';
import { ColumnFilters } from '@/features/organizations/column-search';
import { SYNC_USER_FILTERS } from '@/features/organizations/organization-filters';
import { syncUserListQuery } from '@/features/organizations/organizations.queries';
import { syncUserColumns } from '@/features/organizations/user-columns';
import { canControl, useSession } from '@/features/session/session.queries';
import { hasFilters, parseSearch, toApiQuery, withFilter, type Search } from '@/lib/filters';

export const Route = createFileRoute('/organizations/$organizationId/users')({
  validateSearch: (raw: Record<string, unknown>): Search => parseSearch(SYNC_USER_FILTERS, raw),
  loaderDeps: ({ search }) => search,
  loader: ({ context, params, deps }) => {
    void context.queryClient.prefetchInfiniteQuery(
      syncUserListQuery(params.organizationId, toApiQuery(SYNC_USER_FILTERS, deps, 0)),
    );
  },
  component: OrganizationUsers,
});

/** The Users subtab: every sync user of the organization; red ones do not synchronize. */
function OrganizationUsers() {
  const { organizationId } = Route.useParams();
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/organizations/$organizationId/users' });
  const setSearch = (next: Search) => void navigate({ search: next });
  const session = useSession();
  const query = useMemo(() => toApiQuery(SYNC_USER_FILTERS, search, 0), [search]);
  const users = useInfiniteQuery(syncUserListQuery(organizationId, query));
  const mayControl = canControl(session, organizationId);
  const columns = useMemo(() => syncUserColumns(mayControl), [mayControl]);
  const filtered = hasFilters(SYNC_USER_FILTERS, search);
  return (
    <>
      <FilterBar defs={SYNC_USER_FILTERS} search={search} onChange={setSearch}>
        <LiveToggle />
        <ExportLinks path={`/organizations/${organizationId}/users`} query={{ ...query, bom: 'true' }} />
      </FilterBar>
      <ColumnFilters.Provider
        value={{
          syncEnabled: {
            value: search.syncEnabled,
            onChange: (value) => setSearch(withFilter(search, 'syncEnabled', value)),
          },
        }}
      >
        <DataTable
          label="Users"
          columns={columns}
          query={users}
          rowKey={(u) => u.id}
          rowClassName={(u) => (u.syncEnabled ? undefined : 'text-red-700')}
          emptyTitle={filtered ? 'No users match these filters' : 'This organization has no sync users yet'}
          emptyHint={
            filtered ? 'Clear a filter.' : 'Connectors add them with POST /api/v1/organizations/{id}/users.'
          }
          estimateRowHeight={53}
        />
      </ColumnFilters.Provider>
    </>
  );
}
