import { useInfiniteQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { DataTable } from '@/components/data-table';
import { ExportLinks } from '@/components/export-links';
import { FilterBar } from '@/components/filter-bar';
import { Page } from '@/components/page';
import { ColumnFilters } from '@/features/organizations/column-search';
import { organizationColumns } from '@/features/organizations/organization-columns';
import { ORGANIZATION_FILTERS } from '@/features/organizations/organization-filters';
import { organizationListQuery } from '@/features/organizations/organizations.queries';
import { canControl, isOperator, useSession } from '@/features/session/session.queries';
import { hasFilters, parseSearch, toApiQuery, withFilter, type Search } from '@/lib/filters';

export const Route = createFileRoute('/organizations/')({
  validateSearch: (raw: Record<string, unknown>): Search => parseSearch(ORGANIZATION_FILTERS, raw),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => {
    void context.queryClient.prefetchInfiniteQuery(
      organizationListQuery(toApiQuery(ORGANIZATION_FILTERS, deps, 0)),
    );
  },
  component: Organizations,
});

function Organizations() {
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/organizations/' });
  const session = useSession();
  const setSearch = (next: Search) => void navigate({ search: next });
  const query = useMemo(() => toApiQuery(ORGANIZATION_FILTERS, search, 0), [search]);
  const organizations = useInfiniteQuery(organizationListQuery(query));
  const operator = isOperator(session);
  const mayControl =
    operator || (session?.memberships ?? []).some((m) => canControl(session, m.organizationId));
  const columns = useMemo(() => organizationColumns(mayControl), [mayControl]);
  const filtered = hasFilters(ORGANIZATION_FILTERS, search);
  return (
    <Page
      title="Organizations"
      description={
        operator
          ? 'Every organization, whether it synchronizes, and its runs and errors of the last 24 hours. Red: synchronization disabled.'
          : 'Your organizations, whether they synchronize, and their runs and errors of the last 24 hours. Red: synchronization disabled.'
      }
    >
      <FilterBar defs={ORGANIZATION_FILTERS} search={search} onChange={setSearch}>
        <ExportLinks path="/organizations" query={{ ...query, bom: 'true' }} />
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
          label="Organizations"
          columns={columns}
          query={organizations}
          rowKey={(o) => o.id}
          onRowClick={(o) =>
            void navigate({ to: '/organizations/$organizationId/users', params: { organizationId: o.id } })
          }
          rowClassName={(o) => (o.syncEnabled ? undefined : 'text-red-700')}
          emptyTitle={filtered ? 'No organizations match these filters' : 'No organization yet'}
          emptyHint={filtered ? 'Clear a filter.' : 'Create one with POST /api/v1/organizations.'}
          estimateRowHeight={45}
        />
      </ColumnFilters.Provider>
    </Page>
  );
}
