import { INTEGRATION_STATUS } from '@synctrail/types/enums';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { DataTable } from '@/components/data-table';
import { ExportLinks } from '@/components/export-links';
import { FilterBar } from '@/components/filter-bar';
import { Page } from '@/components/page';
import { integrationColumns } from '@/features/integrations/integration-columns';
import { allIntegrationsQuery, integrationListQuery } from '@/features/integrations/integrations.queries';
import { organizationsQuery } from '@/features/runs/runs.queries';
import { hasFilters, parseSearch, toApiQuery, type FilterDef, type Search } from '@/lib/filters';
import { integrationTypeLabel } from '@/lib/labels';

const INTEGRATION_FILTERS: readonly FilterDef[] = [
  { key: 'organizationId', label: 'Organization', kind: 'select', pattern: /^[0-9a-f-]{36}$/i },
  { key: 'type', label: 'Integration type', kind: 'multi', pattern: /^[a-z0-9][a-z0-9._-]{0,63}$/ },
  {
    key: 'status',
    label: 'Status',
    kind: 'multi',
    options: INTEGRATION_STATUS.map((value) => ({ value, label: value })),
  },
  { key: 'q', label: 'Name', kind: 'text', placeholder: 'Part of the name' },
];

export const Route = createFileRoute('/integrations/')({
  validateSearch: (raw: Record<string, unknown>): Search => parseSearch(INTEGRATION_FILTERS, raw),
  component: Integrations,
});

function Integrations() {
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/integrations/' });
  const organizations = useQuery(organizationsQuery).data?.items;
  const all = useQuery(allIntegrationsQuery).data?.items;
  const byId = useMemo(() => new Map((organizations ?? []).map((o) => [o.id, o])), [organizations]);
  const defs = useMemo(
    () => INTEGRATION_FILTERS.filter((d) => d.key !== 'organizationId' || (organizations?.length ?? 0) > 1),
    [organizations],
  );
  const options = useMemo(
    () => ({
      organizationId: (organizations ?? []).map((o) => ({ value: o.id, label: o.name })),
      type: [...new Set((all ?? []).map((i) => i.type))]
        .sort()
        .map((t) => ({ value: t, label: integrationTypeLabel(t) })),
    }),
    [organizations, all],
  );
  const query = useMemo(() => toApiQuery(INTEGRATION_FILTERS, search, 0), [search]);
  const integrations = useInfiniteQuery(integrationListQuery(query));
  const columns = useMemo(() => integrationColumns(byId), [byId]);
  return (
    <Page
      title="Integrations"
      description="Every integration, its schedule and its last run. Run Sync starts a full synchronization now."
    >
      <FilterBar
        defs={defs}
        search={search}
        onChange={(next) => void navigate({ search: next })}
        options={options}
      >
        <ExportLinks path="/integrations" query={query} />
      </FilterBar>
      <DataTable
        label="Integrations"
        columns={columns}
        query={integrations}
        rowKey={(i) => i.id}
        emptyTitle={
          hasFilters(INTEGRATION_FILTERS, search)
            ? 'No integrations match these filters'
            : 'No integration yet'
        }
        emptyHint={
          hasFilters(INTEGRATION_FILTERS, search)
            ? 'Clear a filter.'
            : 'Create one with POST /api/v1/organizations/{id}/integrations.'
        }
        estimateRowHeight={81}
      />
    </Page>
  );
}
