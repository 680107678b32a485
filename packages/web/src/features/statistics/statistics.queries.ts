import type { SessionListItem } from '@synctrail/types';
import { pagedQuery } from '@/api/paged';

/** The sessions of every user of an organization (`GET /organizations/{id}/runs`), keyset paged. */
export const organizationSessionsQuery = (organizationId: string, query: Record<string, string>) => ({
  ...pagedQuery<SessionListItem>(
    ['organization', organizationId, 'sessions', query],
    `/organizations/${organizationId}/runs`,
    query,
  ),
  placeholderData: <T>(previous: T | undefined, previousQuery?: { queryKey: readonly unknown[] }) =>
    previousQuery?.queryKey[1] === organizationId ? previous : undefined,
});
