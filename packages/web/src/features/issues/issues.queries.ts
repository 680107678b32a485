import type { Issue, IssueListItem, Page } from '@synctrail/types';
import { queryOptions } from '@tanstack/react-query';
import { api } from '@/api/client';
import { pagedQuery } from '@/api/paged';

/** A sync user's issues, keyset paged (most recently seen first). */
export const userIssuesQuery = (userId: string, query: Record<string, string>) =>
  pagedQuery<Issue>(['user', userId, 'issues', query], `/users/${userId}/issues`, query);

/** Every issue of a user, unfiltered: what the filters offer (object types, directions). */
export const userIssueFacetsQuery = (userId: string) =>
  queryOptions({
    queryKey: ['user', userId, 'issue-facets'],
    queryFn: ({ signal }) => api<Page<Issue>>(`/users/${userId}/issues`, { query: { limit: 1000 }, signal }),
    staleTime: 60_000,
  });

/** The most issues `/issues` groups in the browser; past that it says the groups are partial. */
export const ALL_ISSUES_CAP = 10_000;

export interface AllIssues {
  items: IssueListItem[];
  /** More issues match than were read (the cap was reached). */
  truncated: boolean;
}

/**
 * Every issue matching the filters, read page after page (1,000 at a time) so that the groups of
 * `/issues` count every occurrence, not just the first page's.
 */
export const allIssuesQuery = (query: Record<string, string>) =>
  queryOptions({
    queryKey: ['issues', 'all', query],
    queryFn: async ({ signal }): Promise<AllIssues> => {
      const items: IssueListItem[] = [];
      let cursor: string | undefined;
      do {
        const page = await api<Page<IssueListItem>>('/issues', {
          query: { ...query, limit: 1000, cursor },
          signal,
        });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && items.length < ALL_ISSUES_CAP);
      return { items, truncated: cursor !== undefined };
    },
    placeholderData: (previous) => previous,
  });
