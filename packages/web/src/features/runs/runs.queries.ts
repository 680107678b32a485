import type {
  Artifact,
  CallSummary,
  Organization,
  Page,
  Run,
  RunHistogram,
  SyncUser,
} from '@synctrail/types';
import { queryOptions } from '@tanstack/react-query';
import { api, type Query } from '@/api/client';
import { pagedQuery } from '@/api/paged';

export const runListQuery = (query: Record<string, string>) =>
  pagedQuery<Run>(['runs', 'list', query], '/runs', query);

export const runQuery = (id: string) =>
  queryOptions({ queryKey: ['run', id], queryFn: ({ signal }) => api<Run>(`/runs/${id}`, { signal }) });

export const runArtifactsQuery = (id: string) =>
  queryOptions({
    queryKey: ['run', id, 'artifacts'],
    queryFn: ({ signal }) => api<Page<Artifact>>(`/runs/${id}/artifacts`, { query: { limit: 200 }, signal }),
  });

export const runCallsQuery = (id: string) =>
  pagedQuery<CallSummary>(['run', id, 'calls'], '/calls', { runId: id });

export const runHistogramQuery = (query: Query) =>
  queryOptions({
    queryKey: ['runs', 'histogram', query],
    queryFn: ({ signal }) => api<RunHistogram>('/runs/histogram', { query, signal }),
    placeholderData: (previous) => previous,
  });

/** Every organization the signed-in person can see (a deployment has tens, not thousands). */
export const organizationsQuery = queryOptions({
  queryKey: ['organizations', 'all'],
  queryFn: ({ signal }) => api<Page<Organization>>('/organizations', { query: { limit: 1000 }, signal }),
  staleTime: 5 * 60_000,
});

export const organizationUsersQuery = (organizationId: string) =>
  queryOptions({
    queryKey: ['organization', organizationId, 'users'],
    queryFn: ({ signal }) =>
      api<Page<SyncUser>>(`/organizations/${organizationId}/users`, { query: { limit: 1000 }, signal }),
    staleTime: 5 * 60_000,
  });

export const cancelRun = (id: string) => api<Run>(`/runs/${id}/cancel`, { method: 'POST' });
