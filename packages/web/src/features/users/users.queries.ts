import type { SessionListItem, SyncUser } from '@synctrail/types';
import { queryOptions } from '@tanstack/react-query';
import { api } from '@/api/client';
import { pagedQuery } from '@/api/paged';

export const userQuery = (userId: string) =>
  queryOptions({
    queryKey: ['user', userId],
    queryFn: ({ signal }) => api<SyncUser>(`/users/${userId}`, { signal }),
    staleTime: 30_000,
  });

/**
 * A sync user's sessions. The key sits under `['runs', 'list']` so that live run events update the
 * rows in place and bring new sessions in, as they do on Sync Logging.
 */
export const userRunsQuery = (userId: string, query: Record<string, string>) =>
  pagedQuery<SessionListItem>(['runs', 'list', 'user', userId, query], `/users/${userId}/runs`, query);
