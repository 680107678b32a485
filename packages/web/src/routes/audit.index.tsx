import type { AuditEvent } from '@synctrail/types';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { DataTable } from '@/components/data-table';
import { ExportLinks } from '@/components/export-links';
import { FilterBar } from '@/components/filter-bar';
import { Page } from '@/components/page';
import { auditColumns } from '@/features/audit/audit-columns';
import { AUDIT_FILTERS } from '@/features/audit/audit-filters';
import { AuditPanel } from '@/features/audit/audit-panel';
import { auditListQuery, useActorNames, useCanReadAudit } from '@/features/audit/audit.queries';
import { VerificationBanner, VerifyChainButton, useChainCheck } from '@/features/audit/verify-chain';
import { organizationsQuery } from '@/features/runs/runs.queries';
import { isOperator, useSession } from '@/features/session/session.queries';
import { NeedsAdmin } from '@/features/settings/needs-admin';
import {
  hasFilters,
  joinMulti,
  parseSearch,
  splitMulti,
  toApiQuery,
  viewMoment,
  type Search,
} from '@/lib/filters';
import { timeZoneName } from '@/lib/format';

export const Route = createFileRoute('/audit/')({
  validateSearch: (raw: Record<string, unknown>): Search => {
    const search = parseSearch(AUDIT_FILTERS, raw);
    if (typeof raw.event === 'string' && /^\d{1,12}$/.test(raw.event)) search.event = raw.event;
    return search;
  },
  component: AuditLog,
});

function AuditLog() {
  const canRead = useCanReadAudit();
  return (
    <Page
      title="Audit log"
      description={`Who did what, when and from where: sign-ins, syncs, exports, settings changes. Newest first, times in ${timeZoneName()}.`}
    >
      {canRead ? (
        <AuditEvents />
      ) : (
        <NeedsAdmin>
          The audit log is for the administrators of an organization. Ask one of them to change your role.
        </NeedsAdmin>
      )}
    </Page>
  );
}

function AuditEvents() {
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/audit/' });
  const setSearch = (next: Search) => void navigate({ search: next });
  const session = useSession();
  const operator = isOperator(session);
  const check = useChainCheck();
  const names = useActorNames();
  const organizations = useQuery(organizationsQuery).data?.items;
  const organizationNames = useMemo(
    () => new Map((organizations ?? []).map((o) => [o.id, o.name])),
    [organizations],
  );
  const { event, ...filters } = search;
  const defs = useMemo(
    () => AUDIT_FILTERS.filter((d) => d.key !== 'organizationId' || (organizations?.length ?? 0) > 1),
    [organizations],
  );
  const options = useMemo(() => {
    // Everyone whose name is known, plus an actor the URL names that is not (a key, a failed sign-in).
    const actors = [...names.entries()]
      .filter(([actor]) => actor.startsWith('account:'))
      .map(([value, label]) => ({ value, label }))
      .sort((a, b) => a.label.localeCompare(b.label));
    for (const actor of splitMulti(filters.actor))
      if (!actors.some((a) => a.value === actor))
        actors.push({ value: actor, label: names.get(actor) ?? actor });
    return {
      actor: actors,
      organizationId: (organizations ?? []).map((o) => ({ value: o.id, label: o.name })),
    };
  }, [names, organizations, filters.actor]);

  const searchKey = JSON.stringify(filters);
  const now = useMemo(() => viewMoment(), [searchKey]);
  const query = useMemo(() => toApiQuery(AUDIT_FILTERS, filters, now), [searchKey, now]);
  const events = useInfiniteQuery(auditListQuery(query));
  const openEvent = (e: AuditEvent) => setSearch({ ...search, event: String(e.seq) });
  const columns = useMemo(
    () => auditColumns(names, organizationNames, openEvent),
    [names, organizationNames, search],
  );
  const open = useMemo(
    () =>
      event === undefined
        ? null
        : (events.data?.pages.flatMap((p) => p.items).find((e) => String(e.seq) === event) ?? null),
    [events.data, event],
  );
  const order = search.sort === 'asc' ? 'asc' : 'desc';
  const filtered = hasFilters(AUDIT_FILTERS, filters);

  return (
    <>
      <FilterBar defs={defs} search={filters} onChange={setSearch} options={options}>
        {operator && <VerifyChainButton check={check} />}
        <ExportLinks path="/audit" query={query} />
      </FilterBar>
      {operator && <VerificationBanner check={check} />}
      <DataTable
        label="Audit events"
        columns={columns}
        query={events}
        rowKey={(e) => e.id}
        onRowClick={openEvent}
        emptyTitle={filtered ? 'No events match these filters' : 'No audit event yet'}
        emptyHint={
          filtered
            ? 'Clear a filter or widen the date range.'
            : 'Sign-ins, syncs started, exports and settings changes are recorded here.'
        }
        sort={{
          columnId: 'at',
          order,
          onToggle: () => setSearch({ ...search, sort: order === 'desc' ? 'asc' : undefined }),
        }}
        estimateRowHeight={53}
      />
      <AuditPanel
        event={open}
        names={names}
        organizationName={open?.organizationId ? (organizationNames.get(open.organizationId) ?? null) : null}
        onClose={() => setSearch({ ...search, event: undefined })}
        onFilter={(key, value) => setSearch({ ...filters, [key]: joinMulti([value]), event: undefined })}
      />
    </>
  );
}
