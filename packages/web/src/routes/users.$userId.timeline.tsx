import { useInfiniteQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { FilterBar } from '@/components/filter-bar';
import { LiveToggle } from '@/components/live-toggle';
import { TIMELINE_FILTERS } from '@/features/timeline/timeline-filters';
import { TimelineList } from '@/features/timeline/timeline-list';
import { userTimelineQuery } from '@/features/timeline/timeline.queries';
import { hasFilters, parseSearch, toApiQuery, viewMoment, type Search } from '@/lib/filters';
import { timeZoneName } from '@/lib/format';

export const Route = createFileRoute('/users/$userId/timeline')({
  validateSearch: (raw: Record<string, unknown>): Search => {
    const { sort: _sort, ...search } = parseSearch(TIMELINE_FILTERS, raw);
    return search;
  },
  component: UserTimeline,
});

/**
 * Timeline: the user's sessions, the failing actions inside them, their issues opened and resolved
 * and the API calls made for them, on one time axis, newest first.
 */
function UserTimeline() {
  const { userId } = Route.useParams();
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/users/$userId/timeline' });
  const searchKey = JSON.stringify(search);
  const now = useMemo(() => viewMoment(), [searchKey]);
  const query = useMemo(() => toApiQuery(TIMELINE_FILTERS, search, now), [search, now]);
  const timeline = useInfiniteQuery(userTimelineQuery(userId, query));
  const filtered = hasFilters(TIMELINE_FILTERS, search);
  return (
    <>
      <FilterBar defs={TIMELINE_FILTERS} search={search} onChange={(next) => void navigate({ search: next })}>
        <span className="pb-2 text-xs text-muted-foreground">Times in {timeZoneName()}</span>
        <LiveToggle />
      </FilterBar>
      <TimelineList
        query={timeline}
        userId={userId}
        emptyTitle={filtered ? 'Nothing matches these filters' : 'Nothing happened for this user yet'}
        emptyHint={
          filtered
            ? 'Show more kinds, clear the status or widen the date range.'
            : 'Sessions, failing actions, issues and API calls appear here as they happen.'
        }
      />
    </>
  );
}
