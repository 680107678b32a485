import type { IntegrationOverview, Page, Run } from '@synctrail/types';
import { queryOptions } from '@tanstack/react-query';
import { api } from '@/api/client';
import { pagedQuery } from '@/api/paged';

/** An integration as `GET /api/v1/integrations` lists it: with its organization and its last run. */
export type IntegrationItem = IntegrationOverview;

export const integrationListQuery = (query: Record<string, string>) =>
  pagedQuery<IntegrationItem>(['integrations', 'list', query], '/integrations', query);

/** All integrations the person can see, for filter options (types, partial-sync triggers). */
export const allIntegrationsQuery = queryOptions({
  queryKey: ['integrations', 'all'],
  queryFn: ({ signal }) => api<Page<IntegrationItem>>('/integrations', { query: { limit: 1000 }, signal }),
  staleTime: 5 * 60_000,
});

export const triggerSync = (integrationId: string) =>
  api<Run>(`/integrations/${integrationId}/sync`, { method: 'POST', body: {} });

export const notifyChanges = (integrationId: string, origin: string) =>
  api<Run>(`/integrations/${integrationId}/changes`, { method: 'POST', body: { origin } });
