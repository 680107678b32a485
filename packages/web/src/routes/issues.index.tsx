import { useQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { ExportLinks } from '@/components/export-links';
import { FilterBar } from '@/components/filter-bar';
import { LiveToggle } from '@/components/live-toggle';
import { Page } from '@/components/page';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { ALL_ISSUE_FILTERS, issueFacetOptions } from '@/features/issues/issue-filters';
import { groupIssues } from '@/features/issues/issue-groups';
import { IssueGroupsTable } from '@/features/issues/issue-groups-table';
import { ALL_ISSUES_CAP, allIssuesQuery } from '@/features/issues/issues.queries';
import { organizationsQuery } from '@/features/runs/runs.queries';
import { formatCount, timeZoneName } from '@/lib/format';
import { hasFilters, parseSearch, toApiQuery, viewMoment, type Search } from '@/lib/filters';

/** Open issues unless the URL asks for others; both states selected shows all. */
const DEFAULT_STATE = 'OPEN';
const ALL_STATES = 'OPEN,RESOLVED';

export const Route = createFileRoute('/issues/')({
  validateSearch: (raw: Record<string, unknown>): Search => {
    const { sort: _sort, ...search } = parseSearch(ALL_ISSUE_FILTERS, raw);
    return search;
  },
  component: AllIssues,
});

function AllIssues() {
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/issues/' });
  // The filter bar shows the default state as chosen; unchoosing every state means all of them.
  const shown: Search = { ...search, state: search.state ?? DEFAULT_STATE };
  const setSearch = (next: Search) => {
    const state =
      next.state === undefined ? ALL_STATES : next.state === DEFAULT_STATE ? undefined : next.state;
    void navigate({ search: { ...next, state } });
  };
  const organizations = useQuery(organizationsQuery).data?.items;
  const showOrganizations = (organizations?.length ?? 0) > 1;
  const organizationNames = useMemo(
    () => (showOrganizations ? new Map((organizations ?? []).map((o) => [o.id, o.name])) : null),
    [organizations, showOrganizations],
  );
  const defs = useMemo(
    () => ALL_ISSUE_FILTERS.filter((d) => d.key !== 'organizationId' || showOrganizations),
    [showOrganizations],
  );
  const shownKey = JSON.stringify(shown);
  const now = useMemo(() => viewMoment(), [shownKey]);
  const query = useMemo(() => toApiQuery(ALL_ISSUE_FILTERS, shown, now), [shownKey, now]);
  const issues = useQuery(allIssuesQuery(query));
  // Object types and directions offered: those of the open issues the reader can see.
  const facets = useQuery(allIssuesQuery({ state: DEFAULT_STATE })).data?.items;
  const options = useMemo(() => {
    const { types, directions } = issueFacetOptions(facets ?? []);
    return {
      organizationId: (organizations ?? []).map((o) => ({ value: o.id, label: o.name })),
      objectType: types,
      direction: directions,
    };
  }, [facets, organizations]);
  const groups = useMemo(() => groupIssues(issues.data?.items ?? []), [issues.data]);
  const filtered = hasFilters(ALL_ISSUE_FILTERS, search);

  return (
    <Page
      title="Issues"
      description={`Objects that could not be synchronized ${showOrganizations ? 'in every organization you can see' : 'in your organization'}, grouped by object and error. Times in ${timeZoneName()}.`}
    >
      <FilterBar defs={defs} search={shown} onChange={setSearch} options={options}>
        <LiveToggle />
        <ExportLinks path="/issues" query={query} />
      </FilterBar>
      {issues.data !== undefined && issues.data.items.length > 0 && (
        <p className="text-sm text-muted-foreground" aria-live="polite">
          {formatCount(groups.length)} group{groups.length === 1 ? '' : 's'} ·{' '}
          {formatCount(issues.data.items.length)} issue{issues.data.items.length === 1 ? '' : 's'} ·{' '}
          {formatCount(new Set(issues.data.items.map((i) => i.userId)).size)} users affected
          {issues.data.truncated &&
            ` · only the ${formatCount(ALL_ISSUES_CAP)} most recently seen issues are grouped; narrow the filters to see the rest`}
        </p>
      )}
      {issues.isPending ? (
        <LoadingState />
      ) : issues.isError && issues.data === undefined ? (
        <ErrorState error={issues.error} onRetry={() => void issues.refetch()} />
      ) : groups.length === 0 ? (
        <div className="rounded-md border border-border">
          <EmptyState title={filtered ? 'No issues match these filters' : 'No open issue'}>
            {filtered
              ? 'Clear a filter or widen the date range.'
              : 'Every object of every user synchronizes. Issues appear here when one cannot be created, updated or deleted.'}
          </EmptyState>
        </div>
      ) : (
        <IssueGroupsTable groups={groups} organizationNames={organizationNames} />
      )}
    </Page>
  );
}
