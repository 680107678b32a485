import type { SessionListItem } from '@synctrail/types';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createFileRoute, redirect, useNavigate } from '@tanstack/react-router';
import { Tooltip } from 'radix-ui';
import { useCallback, useId, useMemo } from 'react';
import { DataTable } from '@/components/data-table';
import { ExportLinks } from '@/components/export-links';
import { FilterBar } from '@/components/filter-bar';
import { LiveToggle } from '@/components/live-toggle';
import { NativeSelect } from '@/components/ui/input';
import { JobDetailsPanel } from '@/features/job-details/job-details-panel';
import { userLabel } from '@/features/organizations/user-columns';
import { organizationUsersQuery } from '@/features/runs/runs.queries';
import { ColumnPicker, useColumnChoice } from '@/features/statistics/column-picker';
import {
  DEFAULT_SESSION_COLUMNS,
  SESSION_COLUMNS,
  exportColumns,
  sessionColumns,
} from '@/features/statistics/statistics-columns';
import {
  ORDERS,
  STATISTICS_DEFAULTS,
  STATISTICS_FILTERS,
  orderChoice,
  orderOf,
  withOrder,
  type OrderChoice,
} from '@/features/statistics/statistics-filters';
import { organizationSessionsQuery } from '@/features/statistics/statistics.queries';
import { hasFilters, parseSearch, toApiQuery, viewMoment, type Search } from '@/lib/filters';

const COLUMN_IDS = new Set<string>(SESSION_COLUMNS.map((c) => c.id));

export const Route = createFileRoute('/organizations/$organizationId/statistics')({
  validateSearch: (raw: Record<string, unknown>): Search => {
    const search = parseSearch(STATISTICS_FILTERS, raw);
    if (raw.orderBy === 'status' || raw.orderBy === 'requestedAt') search.orderBy = raw.orderBy;
    if (typeof raw.cols === 'string') {
      const cols = raw.cols.split(',').filter((id) => COLUMN_IDS.has(id));
      if (cols.length > 0) search.cols = cols.join(',');
    }
    if (typeof raw.job === 'string' && /^[0-9a-f-]{36}$/i.test(raw.job)) search.job = raw.job;
    return search;
  },
  // Statistics opens on the errors, worst first: the defaults go into the URL, where they can be removed.
  beforeLoad: ({ search, params }) => {
    if (Object.keys(search).length === 0)
      throw redirect({
        to: '/organizations/$organizationId/statistics',
        params,
        search: STATISTICS_DEFAULTS,
        replace: true,
      });
  },
  loaderDeps: ({ search }) => ({ ...search, job: undefined, cols: undefined }),
  loader: ({ context, params, deps }) => {
    void context.queryClient.prefetchInfiniteQuery(
      organizationSessionsQuery(params.organizationId, sessionQuery(deps, viewMoment())),
    );
  },
  component: Statistics,
});

function sessionQuery(search: Search, now: number): Record<string, string> {
  return { ...toApiQuery(STATISTICS_FILTERS, search, now), ...orderOf(search) };
}

/** The Statistics subtab: the sessions of every user of the organization, the failed ones first. */
function Statistics() {
  const { organizationId } = Route.useParams();
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/organizations/$organizationId/statistics' });
  const setSearch = useCallback(
    (next: Search, replace = false) => void navigate({ search: next, replace }),
    [navigate],
  );
  const orderId = useId();

  const users = useQuery(organizationUsersQuery(organizationId)).data?.items;
  const options = useMemo(
    () => ({ userId: (users ?? []).map((u) => ({ value: u.id, label: userLabel(u) })) }),
    [users],
  );

  // A preset range resolves once per filter change; opening a panel or picking columns asks nothing again.
  const filterKey = JSON.stringify({ ...search, job: undefined, cols: undefined });
  const query = useMemo(() => sessionQuery(JSON.parse(filterKey) as Search, viewMoment()), [filterKey]);
  const sessions = useInfiniteQuery(organizationSessionsQuery(organizationId, query));

  const columnChoice = useColumnChoice(
    'synctrail.statistics.columns',
    SESSION_COLUMNS,
    DEFAULT_SESSION_COLUMNS,
    search.cols,
    (cols) => setSearch({ ...search, cols }, true),
  );
  const visibility = useMemo(
    () => Object.fromEntries(SESSION_COLUMNS.map((c) => [c.id, columnChoice.visible.includes(c.id)])),
    [columnChoice.visible],
  );
  const open = useCallback(
    (run: SessionListItem) => setSearch({ ...search, job: run.id }),
    [search, setSearch],
  );
  const columns = useMemo(() => sessionColumns(open), [open]);
  const openRow = useMemo(
    () => sessions.data?.pages.flatMap((p) => p.items).find((r) => r.id === search.job),
    [sessions.data, search.job],
  );
  const order = orderOf(search);
  const filtered = hasFilters(STATISTICS_FILTERS, search);

  return (
    <Tooltip.Provider delayDuration={250}>
      <FilterBar defs={STATISTICS_FILTERS} search={search} onChange={setSearch} options={options}>
        <div className="flex flex-col gap-1">
          <label htmlFor={orderId} className="text-xs font-medium text-muted-foreground">
            Order
          </label>
          <NativeSelect
            id={orderId}
            value={orderChoice(search)}
            onChange={(event) => setSearch(withOrder(search, event.target.value as OrderChoice))}
          >
            {ORDERS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </NativeSelect>
        </div>
        <LiveToggle />
        <ExportLinks
          path={`/organizations/${organizationId}/runs`}
          query={{ ...query, columns: exportColumns(columnChoice.visible), bom: 'true' }}
        />
        <ColumnPicker
          columns={SESSION_COLUMNS}
          visible={columnChoice.visible}
          defaults={DEFAULT_SESSION_COLUMNS}
          onChange={columnChoice.choose}
        />
      </FilterBar>
      <DataTable
        label="Synchronization sessions"
        columns={columns}
        query={sessions}
        rowKey={(run) => run.id}
        columnVisibility={visibility}
        rowClassName={(run) => (run.status === 'ERROR' ? 'bg-red-50/60' : undefined)}
        emptyTitle={filtered ? 'No sessions match these filters' : 'No synchronization session yet'}
        emptyHint={
          filtered
            ? search.status === 'ERROR'
              ? 'No session of this organization failed in this period. Remove the Status filter to see them all.'
              : 'Clear a filter or widen the date range.'
            : 'Sessions appear here as connectors report them.'
        }
        sort={
          order.orderBy === 'status'
            ? {
                columnId: 'status',
                order: order.sort,
                labels: { desc: 'Errors first', asc: 'OK first' },
                onToggle: () => setSearch(withOrder(search, order.sort === 'desc' ? 'status-asc' : 'status')),
              }
            : {
                columnId: 'run',
                order: order.sort,
                onToggle: () => setSearch(withOrder(search, order.sort === 'desc' ? 'oldest' : 'newest')),
              }
        }
        estimateRowHeight={57}
      />
      <JobDetailsPanel
        runId={search.job}
        userLabel={openRow === undefined ? undefined : (openRow.userName ?? openRow.userEmail ?? undefined)}
        onClose={() => setSearch({ ...search, job: undefined })}
      />
    </Tooltip.Provider>
  );
}
