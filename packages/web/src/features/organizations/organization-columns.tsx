import type { OrganizationListItem } from '@synctrail/types';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { canControl, useSession } from '@/features/session/session.queries';
import { formatCount } from '@/lib/format';
import { searchHeader, type SearchWord } from './column-search';
import { afterSyncChange, setOrganizationSync } from './organizations.queries';
import { SyncSwitch } from './sync-switch';

const column = createColumnHelper<OrganizationListItem>();

/** What the Synchronization Status search box takes. */
export const SYNC_STATUS_WORDS: readonly SearchWord[] = [
  { word: 'Enabled', value: 'true' },
  { word: 'Disabled', value: 'false' },
];

/** Enable / Disable sync of an organization, for its ADMINs and operators. */
export function OrganizationSyncSwitch({
  organization,
}: {
  organization: { id: string; name: string; syncEnabled: boolean };
}) {
  const session = useSession();
  const client = useQueryClient();
  if (!canControl(session, organization.id)) return null;
  return (
    <SyncSwitch
      kind="organization"
      name={organization.name}
      enabled={organization.syncEnabled}
      onChange={async (syncEnabled) => {
        await setOrganizationSync(organization.id, syncEnabled);
        await afterSyncChange(client, organization.id);
      }}
    />
  );
}

const SyncStatusHeader = searchHeader(
  'Synchronization Status',
  'syncEnabled',
  'Filter by synchronization status',
  SYNC_STATUS_WORDS,
);

const figure = (key: keyof OrganizationListItem['stats'], header: string, alarm = false) =>
  column.accessor((o) => o.stats[key], {
    id: key,
    header,
    size: 116,
    meta: { align: 'right' },
    cell: (info) => (
      <span className={alarm && info.getValue() > 0 ? 'font-semibold text-red-700' : undefined}>
        {formatCount(info.getValue())}
      </span>
    ),
  });

/**
 * The columns of Organizations, as the admin panel's document lists them; the Synchronization
 * Status column carries its search box (`syncEnabled` in the URL, through `ColumnFilters`).
 */
export function organizationColumns(withActions: boolean): ColumnDef<OrganizationListItem, any>[] {
  return [
    column.accessor('name', {
      header: 'Name',
      size: 240,
      meta: { grow: true },
      cell: (info) => (
        <Link
          to="/organizations/$organizationId/users"
          params={{ organizationId: info.row.original.id }}
          className="font-medium hover:underline"
          onClick={(event) => event.stopPropagation()}
        >
          {info.getValue()}
        </Link>
      ),
    }),
    column.accessor('slug', {
      header: 'Slug',
      size: 160,
      cell: (info) => <code className="text-xs">{info.getValue()}</code>,
    }),
    column.accessor('syncEnabled', {
      id: 'syncStatus',
      header: SyncStatusHeader,
      size: 190,
      cell: (info) => (info.getValue() ? 'Enabled' : 'Disabled'),
    }),
    figure('integrations', 'Integrations'),
    figure('users', 'Users'),
    figure('runs24h', 'Runs (24 h)'),
    figure('errors24h', 'Errors (24 h)', true),
    ...(withActions
      ? [
          column.display({
            id: 'actions',
            header: 'Actions',
            size: 140,
            cell: (info) => <OrganizationSyncSwitch organization={info.row.original} />,
          }),
        ]
      : []),
  ];
}
