import type { Run } from '@synctrail/types';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, createFileRoute, useNavigate } from '@tanstack/react-router';
import { ArrowLeft, Download, FileText } from 'lucide-react';
import { useMemo } from 'react';
import { apiUrl } from '@/api/client';
import { DataTable } from '@/components/data-table';
import { FilterBar } from '@/components/filter-bar';
import { Page } from '@/components/page';
import { ErrorState, LoadingState } from '@/components/states';
import { Button } from '@/components/ui/button';
import { ACTION_FILTERS } from '@/features/actions/action-filters';
import { actionColumns } from '@/features/actions/action-columns';
import { ActionPanel } from '@/features/actions/action-panel';
import { actionListQuery } from '@/features/actions/actions.queries';
import { RunCalls } from '@/features/calls/run-calls';
import { CancelSyncButton } from '@/features/runs/run-columns';
import { RunFiles } from '@/features/runs/run-files';
import { RunSummary } from '@/features/runs/run-summary';
import { runQuery } from '@/features/runs/runs.queries';
import { hasFilters, parseSearch, toApiQuery, type Search } from '@/lib/filters';
import { formatAbsolute, formatCount, timeZoneName } from '@/lib/format';
import { integrationTypeLabel } from '@/lib/labels';
import { cn } from '@/lib/cn';

const TABS = ['actions', 'files', 'calls'] as const;
type Tab = (typeof TABS)[number];

export const Route = createFileRoute('/runs/$runId')({
  validateSearch: (raw: Record<string, unknown>): Search => {
    const search = parseSearch(ACTION_FILTERS, raw);
    const tab = TABS.find((t) => t === raw.tab);
    if (tab !== undefined && tab !== 'actions') search.tab = tab;
    if (typeof raw.seq === 'string' && /^\d{1,10}$/.test(raw.seq)) search.seq = raw.seq;
    if (typeof raw.call === 'string' && /^[0-9a-f-]{36}$/i.test(raw.call)) search.call = raw.call;
    if (raw.part === 'response') search.part = 'response';
    return search;
  },
  loaderDeps: ({ search }) => search,
  // The run and the first page of its actions are asked for together.
  loader: ({ context, params, deps }) => {
    if (deps.tab === undefined)
      void context.queryClient.prefetchInfiniteQuery(
        actionListQuery(params.runId, toApiQuery(ACTION_FILTERS, deps, 0)),
      );
    return context.queryClient.ensureQueryData(runQuery(params.runId));
  },
  pendingComponent: () => <LoadingState />,
  errorComponent: ({ error }) => <ErrorState error={error} />,
  component: LoggingDetails,
});

function LoggingDetails() {
  const { runId } = Route.useParams();
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/runs/$runId' });
  const setSearch = (next: Search, replace = false) => void navigate({ search: next, replace });
  const { data: run, error } = useQuery(runQuery(runId));
  const tab: Tab = (search.tab as Tab | undefined) ?? 'actions';

  if (run === undefined) return error === null ? <LoadingState /> : <ErrorState error={error} />;
  return (
    <Page
      scroll
      title="Logging details"
      description={
        <>
          {integrationTypeLabel(run.integrationType)}
          {run.name !== null && ` · ${run.name}`} · {formatAbsolute(run.startedAt ?? run.requestedAt)}{' '}
          {timeZoneName()}
        </>
      }
      actions={
        <div className="flex items-center gap-2">
          <Button variant="ghost" size="sm" asChild>
            <Link to="/runs">
              <ArrowLeft aria-hidden /> Sync Logging
            </Link>
          </Button>
          <CancelSyncButton run={run} />
          <Button variant="outline" size="sm" asChild>
            <a href={apiUrl(`/runs/${run.id}/report.pdf`)} download>
              <FileText aria-hidden /> Report PDF
            </a>
          </Button>
          <Button variant="outline" size="sm" asChild>
            <a href={apiUrl(`/runs/${run.id}/bundle`)} download>
              <Download aria-hidden /> Download logs
            </a>
          </Button>
        </div>
      }
    >
      <RunSummary run={run} />
      <div role="tablist" aria-label="Run contents" className="flex gap-1 border-b border-border">
        {TABS.map((t) => (
          <button
            key={t}
            role="tab"
            type="button"
            aria-selected={tab === t}
            onClick={() => setSearch({ ...(t === 'actions' ? {} : { tab: t }) })}
            className={cn(
              '-mb-px cursor-pointer border-b-2 px-3 py-2 text-sm font-medium',
              tab === t
                ? 'border-primary text-foreground'
                : 'border-transparent text-muted-foreground hover:text-foreground',
            )}
          >
            {t === 'actions'
              ? `Actions (${formatCount(run.counters.processed)})`
              : t === 'files'
                ? 'Log files'
                : 'API calls'}
          </button>
        ))}
      </div>
      {tab === 'actions' && <RunActions run={run} search={search} setSearch={setSearch} />}
      {tab === 'files' && <RunFiles runId={run.id} />}
      {tab === 'calls' && (
        <RunCalls
          run={run}
          openCall={search.call}
          part={search.part === 'response' ? 'response' : 'request'}
          onOpen={(call, part) =>
            setSearch({ ...search, call, ...(part === 'response' ? { part } : { part: undefined }) })
          }
          onClose={() => setSearch({ ...search, call: undefined, part: undefined })}
        />
      )}
    </Page>
  );
}

function RunActions({
  run,
  search,
  setSearch,
}: {
  run: Run;
  search: Search;
  setSearch: (s: Search, replace?: boolean) => void;
}) {
  const query = useMemo(() => toApiQuery(ACTION_FILTERS, search, 0), [search]);
  const actions = useInfiniteQuery(actionListQuery(run.id, query));
  const columns = useMemo(
    () => actionColumns((action) => setSearch({ ...search, seq: String(action.seq) })),
    [search, setSearch],
  );
  const open = useMemo(
    () =>
      search.seq === undefined
        ? null
        : (actions.data?.pages.flatMap((p) => p.items).find((a) => String(a.seq) === search.seq) ?? null),
    [actions.data, search.seq],
  );
  // Actions read in the order they happened, as a log does; the header turns them around.
  const order = search.sort === 'desc' ? 'desc' : 'asc';
  return (
    <>
      <FilterBar
        defs={ACTION_FILTERS}
        search={search}
        onChange={(next) => setSearch({ ...next, seq: undefined })}
      />
      <DataTable
        label="Actions"
        columns={columns}
        query={actions}
        rowKey={(action) => String(action.seq)}
        onRowClick={(action) => setSearch({ ...search, seq: String(action.seq) })}
        rowClassName={(action) =>
          action.status === 'ERROR'
            ? 'bg-red-50/60'
            : action.status === 'WARNING'
              ? 'bg-amber-50/50'
              : undefined
        }
        emptyTitle={
          hasFilters(ACTION_FILTERS, search)
            ? 'No actions match these filters'
            : 'This run has no actions yet'
        }
        sort={{
          columnId: 'at',
          order,
          onToggle: () => setSearch({ ...search, sort: order === 'asc' ? 'desc' : undefined }),
        }}
        estimateRowHeight={57}
        height="calc(100vh - 8rem)"
      />
      <ActionPanel action={open} onClose={() => setSearch({ ...search, seq: undefined })} />
    </>
  );
}
