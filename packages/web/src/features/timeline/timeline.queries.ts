import type { TimelineEntry } from '@synctrail/types';
import { pagedQuery } from '@/api/paged';

/** A sync user's timeline, newest first, keyset paged. */
export const userTimelineQuery = (userId: string, query: Record<string, string>) =>
  pagedQuery<TimelineEntry>(['user', userId, 'timeline', query], `/users/${userId}/timeline`, query);
