import type { Page } from '@synctrail/types';
import { infiniteQueryOptions, type QueryKey } from '@tanstack/react-query';
import { api, type Query } from './client';

/** A keyset-paged list as an infinite query: each page asks for the next with the last `nextCursor`. */
export function pagedQuery<T>(queryKey: QueryKey, path: string, query: Query, limit = 100) {
  return infiniteQueryOptions({
    queryKey,
    queryFn: ({ pageParam, signal }) =>
      api<Page<T>>(path, { query: { ...query, limit, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page<T>) => last.nextCursor ?? undefined,
  });
}
