import type { Page, TimelineEntry } from '@synctrail/types';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { Loader2 } from 'lucide-react';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { TimelineItem } from './timeline-entry';

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const dayKeyFormat = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });

/** The entries by day (in the browser's zone), in the order they came: newest first. */
export function byDay(
  entries: readonly TimelineEntry[],
): { day: string; label: string; entries: TimelineEntry[] }[] {
  const days: { day: string; label: string; entries: TimelineEntry[] }[] = [];
  for (const entry of entries) {
    const date = new Date(entry.at);
    const day = dayKeyFormat.format(date);
    const last = days.at(-1);
    if (last?.day === day) last.entries.push(entry);
    else days.push({ day, label: dayFormat.format(date), entries: [entry] });
  }
  return days;
}

/**
 * One vertical list, newest first, a separator per day; the next page is read as the end of the list
 * comes into view.
 */
export function TimelineList({
  query,
  userId,
  emptyTitle,
  emptyHint,
}: {
  query: UseInfiniteQueryResult<InfiniteData<Page<TimelineEntry>>>;
  userId: string;
  emptyTitle: string;
  emptyHint: ReactNode;
}) {
  const entries = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const days = useMemo(() => byDay(entries), [entries]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const endRef = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    const end = endRef.current;
    if (end === null || !hasNextPage) return;
    const observer = new IntersectionObserver(
      (seen) => {
        if (seen.some((s) => s.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { root: scrollRef.current, rootMargin: '600px' },
    );
    observer.observe(end);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, entries.length]);

  if (query.isPending) return <LoadingState />;
  if (query.isError && entries.length === 0)
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <div
      ref={scrollRef}
      className="relative min-h-0 flex-1 overflow-auto rounded-md border border-border bg-background"
    >
      {entries.length === 0 ? (
        <EmptyState title={emptyTitle}>{emptyHint}</EmptyState>
      ) : (
        <ol aria-label="Timeline, newest first" className="px-4 pb-2">
          {days.map((day) => (
            <li key={day.day}>
              <h2 className="sticky top-0 z-20 -mx-4 border-b border-border bg-muted/95 px-4 py-1.5 text-xs font-semibold text-muted-foreground backdrop-blur">
                {day.label}
              </h2>
              <ol className="relative before:absolute before:top-0 before:bottom-0 before:left-[5.625rem] before:w-px before:bg-border">
                {day.entries.map((entry) => (
                  <TimelineItem key={entry.id} entry={entry} userId={userId} />
                ))}
              </ol>
            </li>
          ))}
        </ol>
      )}
      <div ref={endRef} aria-hidden className="h-px" />
      {(isFetchingNextPage || (query.isError && entries.length > 0)) && (
        <div className="sticky bottom-0 flex items-center justify-center gap-2 border-t border-border bg-background/95 py-2 text-sm text-muted-foreground">
          {isFetchingNextPage ? (
            <>
              <Loader2 className="size-4 animate-spin" aria-hidden /> Loading more…
            </>
          ) : (
            <span role="alert">
              The next page could not be loaded.{' '}
              <button type="button" className="underline" onClick={() => void fetchNextPage()}>
                Retry
              </button>
            </span>
          )}
        </div>
      )}
      {!hasNextPage && entries.length > 0 && (
        <p className="py-3 text-center text-xs text-muted-foreground">No older entries.</p>
      )}
    </div>
  );
}
