import type { Call, CallSummary } from '@synctrail/types';
import { queryOptions } from '@tanstack/react-query';
import { api } from '@/api/client';
import { pagedQuery } from '@/api/paged';

export const callListQuery = (query: Record<string, string>) =>
  pagedQuery<CallSummary>(['calls', 'list', query], '/calls', query);

export const callQuery = (id: string) =>
  queryOptions({
    queryKey: ['call', id],
    queryFn: ({ signal }) => api<Call>(`/calls/${id}`, { signal }),
    staleTime: Infinity,
  });
