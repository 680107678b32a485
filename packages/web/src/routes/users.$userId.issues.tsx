import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { DataTable } from '@/components/data-table';
import { ExportLinks } from '@/components/export-links';
import { FilterBar } from '@/components/filter-bar';
import { LiveToggle } from '@/components/live-toggle';
import { USER_ISSUE_COLUMNS } from '@/features/issues/issue-columns';
import { USER_ISSUE_FILTERS, issueFacetOptions } from '@/features/issues/issue-filters';
import { userIssueFacetsQuery, userIssuesQuery } from '@/features/issues/issues.queries';
import { hasFilters, parseSearch, toApiQuery, viewMoment, type Search } from '@/lib/filters';

export const Route = createFileRoute('/users/$userId/issues')({
  validateSearch: (raw: Record<string, unknown>): Search => parseSearch(USER_ISSUE_FILTERS, raw),
  component: UserIssues,
});

/** Issues: the objects of this user that could not be synced, most recently seen first. */
function UserIssues() {
  const { userId } = Route.useParams();
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/users/$userId/issues' });
  const setSearch = (next: Search) => void navigate({ search: next });
  const facets = useQuery(userIssueFacetsQuery(userId)).data?.items;
  const options = useMemo(() => {
    const { types, directions } = issueFacetOptions(facets ?? []);
    return { type: types, direction: directions };
  }, [facets]);
  const searchKey = JSON.stringify(search);
  const now = useMemo(() => viewMoment(), [searchKey]);
  const query = useMemo(() => toApiQuery(USER_ISSUE_FILTERS, search, now), [search, now]);
  const issues = useInfiniteQuery(userIssuesQuery(userId, query));
  const filtered = hasFilters(USER_ISSUE_FILTERS, search);
  return (
    <>
      <FilterBar defs={USER_ISSUE_FILTERS} search={search} onChange={setSearch} options={options}>
        <LiveToggle />
        <ExportLinks path={`/users/${userId}/issues`} query={query} />
      </FilterBar>
      <DataTable
        label="Synchronization issues"
        columns={USER_ISSUE_COLUMNS}
        query={issues}
        rowKey={(issue) => issue.id}
        rowClassName={(issue) => (issue.state === 'RESOLVED' ? 'text-muted-foreground' : undefined)}
        emptyTitle={filtered ? 'No issues match these filters' : 'No synchronization issue for this user'}
        emptyHint={
          filtered
            ? 'Clear a filter or widen the date range.'
            : 'An issue is logged when an object cannot be created, updated or deleted.'
        }
        sort={{
          columnId: 'lastSeenAt',
          order: search.sort === 'asc' ? 'asc' : 'desc',
          onToggle: () => setSearch({ ...search, sort: search.sort === 'asc' ? undefined : 'asc' }),
        }}
        estimateRowHeight={65}
      />
    </>
  );
}
