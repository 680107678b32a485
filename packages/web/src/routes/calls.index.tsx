import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { DataTable } from '@/components/data-table';
import { ExportLinks } from '@/components/export-links';
import { FilterBar } from '@/components/filter-bar';
import { LiveToggle } from '@/components/live-toggle';
import { Page } from '@/components/page';
import { CALL_FILTERS } from '@/features/calls/call-filters';
import { callColumns } from '@/features/calls/call-columns';
import { callListQuery } from '@/features/calls/calls.queries';
import { PayloadPanel } from '@/features/calls/payload-panel';
import { allIntegrationsQuery } from '@/features/integrations/integrations.queries';
import { organizationsQuery } from '@/features/runs/runs.queries';
import { canControl, useSession } from '@/features/session/session.queries';
import { hasFilters, parseSearch, toApiQuery, viewMoment, type Search } from '@/lib/filters';
import { timeZoneName } from '@/lib/format';

/** Applications as the fourth document lists them, plus whatever the integrations name. */
const KNOWN_APPLICATIONS = ['MangoApps', 'OAuth 2.0 Google Apps', 'OAuth 2.0 Office 365', 'NetSuite'];

export const Route = createFileRoute('/calls/')({
  validateSearch: (raw: Record<string, unknown>): Search => {
    const search = parseSearch(CALL_FILTERS, raw);
    if (typeof raw.call === 'string' && /^[0-9a-f-]{36}$/i.test(raw.call)) search.call = raw.call;
    if (raw.part === 'response') search.part = 'response';
    return search;
  },
  component: ConnectorLog,
});

function ConnectorLog() {
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/calls/' });
  const setSearch = (next: Search) => void navigate({ search: next });
  const session = useSession();
  const organizations = useQuery(organizationsQuery).data?.items;
  const integrations = useQuery(allIntegrationsQuery).data?.items;
  const showOrganizations = (organizations?.length ?? 0) > 1;
  const defs = useMemo(
    () => CALL_FILTERS.filter((d) => d.key !== 'organizationId' || showOrganizations),
    [showOrganizations],
  );
  const options = useMemo(() => {
    const apps = [...new Set([...KNOWN_APPLICATIONS, ...(integrations ?? []).map((i) => i.name)])].sort();
    const applications = apps.map((a) => ({ value: a, label: a }));
    return {
      organizationId: (organizations ?? []).map((o) => ({ value: o.id, label: o.name })),
      appFrom: applications,
      appTo: applications,
    };
  }, [organizations, integrations]);

  const { call, part, ...filters } = search;
  const searchKey = JSON.stringify(filters);
  const now = useMemo(() => viewMoment(), [searchKey]);
  const query = useMemo(() => toApiQuery(CALL_FILTERS, filters, now), [searchKey, now]);
  const calls = useInfiniteQuery(callListQuery(query));
  // Payloads are for those who may control the organization's runs; the server masks bodies for others.
  const mayRead = (organizationId: string) => canControl(session, organizationId);
  const anyReadable =
    session?.account?.operator === true || (session?.memberships ?? []).some((m) => m.role === 'ADMIN');
  const columns = useMemo(
    () =>
      callColumns(
        anyReadable
          ? (c, p) => {
              if (mayRead(c.organizationId))
                setSearch({
                  ...search,
                  call: c.id,
                  ...(p === 'response' ? { part: p } : { part: undefined }),
                });
            }
          : null,
      ),
    [anyReadable, search],
  );
  const order = search.sort === 'asc' ? 'asc' : 'desc';

  return (
    <Page
      title="Connector Log"
      description={`Outgoing and incoming API calls between your domain and other applications. Times in ${timeZoneName()}.`}
    >
      <FilterBar defs={defs} search={filters} onChange={setSearch} options={options}>
        <LiveToggle />
        <ExportLinks path="/calls" query={query} pdf />
      </FilterBar>
      <DataTable
        label="API calls"
        columns={columns}
        query={calls}
        rowKey={(c) => c.id}
        emptyTitle={
          hasFilters(CALL_FILTERS, filters) ? 'No calls match these filters' : 'No API call recorded yet'
        }
        emptyHint={
          hasFilters(CALL_FILTERS, filters)
            ? 'Clear a filter or widen the date range.'
            : 'Connectors send their calls to /api/v1/calls.'
        }
        sort={{
          columnId: 'at',
          order,
          onToggle: () => setSearch({ ...search, sort: order === 'desc' ? 'asc' : undefined }),
        }}
        estimateRowHeight={53}
      />
      <PayloadPanel
        callId={call}
        part={part === 'response' ? 'response' : 'request'}
        onClose={() => setSearch({ ...search, call: undefined, part: undefined })}
      />
    </Page>
  );
}
