import type { Organization, OrganizationListItem, SyncUser, SyncUserListItem } from '@synctrail/types';
import { keepPreviousData, queryOptions, type QueryClient } from '@tanstack/react-query';
import { api } from '@/api/client';
import { pagedQuery } from '@/api/paged';

/** The organizations list (`GET /organizations`: each with its figures); operators see all of them. */
export const organizationListQuery = (query: Record<string, string>) => ({
  ...pagedQuery<OrganizationListItem>(['organizations', 'list', query], '/organizations', query),
  // The rows stay while a new filter loads, so the search box in the header keeps its focus.
  placeholderData: keepPreviousData,
});

export const organizationQuery = (id: string) =>
  queryOptions({
    queryKey: ['organization', id],
    queryFn: ({ signal }) => api<Organization>(`/organizations/${id}`, { signal }),
  });

/** An organization's sync users with their newest session and open issues. */
export const syncUserListQuery = (organizationId: string, query: Record<string, string>) => ({
  ...pagedQuery<SyncUserListItem>(
    ['organization', organizationId, 'users', 'list', query],
    `/organizations/${organizationId}/users`,
    query,
  ),
  // Another filter of the same organization keeps the rows while it loads; another organization does not.
  placeholderData: <T>(previous: T | undefined, previousQuery?: { queryKey: readonly unknown[] }) =>
    previousQuery?.queryKey[1] === organizationId ? previous : undefined,
});

export const setOrganizationSync = (id: string, syncEnabled: boolean) =>
  api<Organization>(`/organizations/${id}`, { method: 'PATCH', body: { syncEnabled } });

export const setUserSync = (id: string, syncEnabled: boolean) =>
  api<SyncUser>(`/users/${id}`, { method: 'PATCH', body: { syncEnabled } });

/** After a sync switch: every list and page that shows whether an organization or a user syncs. */
export async function afterSyncChange(client: QueryClient, organizationId: string): Promise<void> {
  await Promise.all([
    client.invalidateQueries({ queryKey: ['organizations'] }),
    client.invalidateQueries({ queryKey: ['organization', organizationId] }),
    client.invalidateQueries({ queryKey: ['integrations'] }),
  ]);
}
