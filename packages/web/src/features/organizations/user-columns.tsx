import type { SyncUserListItem } from '@synctrail/types';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { StatusBadge } from '@/features/runs/run-badges';
import { canControl, useSession } from '@/features/session/session.queries';
import { formatAbsolute, formatCount, formatRelative, timeZoneName } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { searchHeader, type SearchWord } from './column-search';
import { afterSyncChange, setUserSync } from './organizations.queries';
import { SyncSwitch } from './sync-switch';

const column = createColumnHelper<SyncUserListItem>();

/** What the Synchronization Disabled search box takes: True = disabled, False = enabled. */
export const SYNC_DISABLED_WORDS: readonly SearchWord[] = [
  { word: 'True', value: 'false' },
  { word: 'False', value: 'true' },
];

const SyncDisabledHeader = searchHeader(
  'Synchronization Disabled',
  'syncEnabled',
  'Filter by synchronization disabled',
  SYNC_DISABLED_WORDS,
);

/** How a sync user is named on screen: by name, else email, else the external id. */
export function userLabel(user: { name: string | null; email: string | null; externalId: string }): string {
  return user.name ?? user.email ?? user.externalId;
}

function LastSession({ run }: { run: NonNullable<SyncUserListItem['lastRun']> }) {
  const now = useNow(30_000);
  const at = run.finishedAt ?? run.requestedAt;
  return (
    <span className="flex items-center gap-2">
      <Link
        to="/runs/$runId"
        params={{ runId: run.id }}
        className="leading-tight hover:underline"
        title={`${formatAbsolute(at)} ${timeZoneName()}: open the session`}
        onClick={(event) => event.stopPropagation()}
      >
        <span className="block tabular-nums whitespace-nowrap">{formatAbsolute(at)}</span>
        <span className="block text-xs">{formatRelative(at, now)}</span>
      </Link>
      <StatusBadge status={run.status} />
    </span>
  );
}

function UserSyncSwitch({ user }: { user: SyncUserListItem }) {
  const session = useSession();
  const client = useQueryClient();
  if (!canControl(session, user.organizationId)) return null;
  return (
    <SyncSwitch
      kind="user"
      name={userLabel(user)}
      enabled={user.syncEnabled}
      onChange={async (syncEnabled) => {
        await setUserSync(user.id, syncEnabled);
        await afterSyncChange(client, user.organizationId);
      }}
    />
  );
}

/** The Users subtab's columns, as the admin panel's document lists them. */
export function syncUserColumns(withActions: boolean): ColumnDef<SyncUserListItem, any>[] {
  return [
    column.accessor(userLabel, {
      id: 'name',
      header: 'Name',
      size: 200,
      meta: { grow: true },
      cell: (info) => (
        <a
          href={`/users/${info.row.original.id}`}
          className="font-medium hover:underline"
          onClick={(event) => event.stopPropagation()}
        >
          {info.getValue()}
        </a>
      ),
    }),
    column.accessor('email', {
      header: 'Email',
      size: 270,
      cell: (info) => (
        <span className="block truncate" title={info.getValue() ?? undefined}>
          {info.getValue() ?? '—'}
        </span>
      ),
    }),
    column.accessor('externalId', {
      header: 'External ID',
      size: 190,
      cell: (info) => <code className="text-xs break-all">{info.getValue()}</code>,
    }),
    column.accessor((u) => !u.syncEnabled, {
      id: 'syncDisabled',
      header: SyncDisabledHeader,
      size: 200,
      cell: (info) => (info.getValue() ? 'True' : 'False'),
    }),
    column.accessor('lastRun', {
      header: 'Last session',
      size: 250,
      cell: (info) => {
        const run = info.getValue();
        return run === null ? <span className="italic">Never synchronized</span> : <LastSession run={run} />;
      },
    }),
    column.accessor('openIssues', {
      header: 'Open issues',
      size: 100,
      meta: { align: 'right' },
      cell: (info) => (
        <span className={info.getValue() > 0 ? 'font-semibold' : undefined}>
          {formatCount(info.getValue())}
        </span>
      ),
    }),
    ...(withActions
      ? [
          column.display({
            id: 'actions',
            header: 'Actions',
            size: 140,
            cell: (info) => <UserSyncSwitch user={info.row.original} />,
          }),
        ]
      : []),
  ];
}
