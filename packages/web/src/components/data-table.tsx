import type { Page } from '@synctrail/types';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp, Loader2 } from 'lucide-react';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { cn } from '@/lib/cn';
import { EmptyState, ErrorState, LoadingState } from './states';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData, TValue> {
    /** The column takes the room left over (messages, URLs). */
    grow?: boolean;
    align?: 'right';
  }
}

export interface SortControl {
  columnId: string;
  order: 'asc' | 'desc';
  onToggle: () => void;
  /** What each order is called ("Errors first"); newest / oldest first by default. */
  labels?: { asc: string; desc: string };
}

const TIME_ORDER = { desc: 'Newest first', asc: 'Oldest first' };

interface DataTableProps<T> {
  label: string;
  columns: ColumnDef<T, any>[];
  query: UseInfiniteQueryResult<InfiniteData<Page<T>>>;
  rowKey: (row: T) => string;
  emptyTitle: string;
  emptyHint?: ReactNode;
  onRowClick?: (row: T) => void;
  rowClassName?: (row: T) => string | undefined;
  sort?: SortControl;
  columnVisibility?: VisibilityState;
  estimateRowHeight?: number;
  /** A fixed height, for a table inside a page that scrolls (Logging details); by default it fills its column. */
  height?: string;
}

/**
 * The one list of the console: keyset pages from an infinite query, rows virtualised so a run with
 * 100,000 actions scrolls as smoothly as one with ten, a sticky header, the next page fetched as
 * the end comes into view.
 */
export function DataTable<T>({
  label,
  columns,
  query,
  rowKey,
  emptyTitle,
  emptyHint,
  onRowClick,
  rowClassName,
  sort,
  columnVisibility,
  estimateRowHeight = 49,
  height,
}: DataTableProps<T>) {
  const rows = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: rowKey,
    state: columnVisibility === undefined ? {} : { columnVisibility },
  });
  const scrollRef = useRef<HTMLDivElement>(null);
  const tableRows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimateRowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (last >= tableRows.length - 20 && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [last, tableRows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const visible = table.getVisibleLeafColumns();
  const template = visible
    .map((c) => (c.columnDef.meta?.grow ? `minmax(${c.getSize()}px, 1fr)` : `${c.getSize()}px`))
    .join(' ');
  const minWidth = visible.reduce((sum, c) => sum + c.getSize(), 0);

  if (query.isPending) return <LoadingState />;
  if (query.isError && rows.length === 0)
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;

  return (
    <div
      ref={scrollRef}
      className={cn(
        'relative overflow-auto rounded-md border border-border bg-background',
        height === undefined ? 'min-h-0 flex-1' : 'shrink-0',
      )}
      style={height === undefined ? undefined : { height }}
    >
      <div
        role="table"
        aria-label={label}
        aria-rowcount={hasNextPage ? -1 : rows.length + 1}
        style={{ minWidth }}
      >
        <div role="rowgroup" className="sticky top-0 z-10 border-b border-border bg-muted/95 backdrop-blur">
          {table.getHeaderGroups().map((group) => (
            <div
              role="row"
              aria-rowindex={1}
              key={group.id}
              className="grid"
              style={{ gridTemplateColumns: template }}
            >
              {group.headers.map((header) => {
                const sorted = sort?.columnId === header.column.id;
                return (
                  <div
                    role="columnheader"
                    key={header.id}
                    aria-sort={sorted ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}
                    className={cn(
                      'px-3 py-2 text-left text-xs font-semibold text-muted-foreground',
                      header.column.columnDef.meta?.align === 'right' && 'text-right',
                    )}
                  >
                    {sorted ? (
                      <button
                        type="button"
                        onClick={sort.onToggle}
                        className="inline-flex items-center gap-1 hover:text-foreground"
                        title={`${(sort.labels ?? TIME_ORDER)[sort.order]}: click for ${(sort.labels ?? TIME_ORDER)[sort.order === 'desc' ? 'asc' : 'desc'].toLowerCase()}`}
                      >
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        {sort.order === 'desc' ? (
                          <ArrowDown
                            className="size-3.5"
                            aria-label={(sort.labels ?? TIME_ORDER).desc.toLowerCase()}
                          />
                        ) : (
                          <ArrowUp
                            className="size-3.5"
                            aria-label={(sort.labels ?? TIME_ORDER).asc.toLowerCase()}
                          />
                        )}
                      </button>
                    ) : (
                      flexRender(header.column.columnDef.header, header.getContext())
                    )}
                  </div>
                );
              })}
            </div>
          ))}
        </div>
        {rows.length === 0 ? (
          <div role="rowgroup">
            <div role="row">
              <div role="cell">
                <EmptyState title={emptyTitle}>{emptyHint}</EmptyState>
              </div>
            </div>
          </div>
        ) : (
          <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const row = tableRows[item.index]!;
              return (
                <div
                  role="row"
                  aria-rowindex={item.index + 2}
                  data-testid="data-row"
                  data-index={item.index}
                  key={row.id}
                  ref={virtualizer.measureElement}
                  onClick={onRowClick === undefined ? undefined : () => onRowClick(row.original)}
                  className={cn(
                    'absolute inset-x-0 grid border-b border-border/70 text-sm hover:bg-muted/60',
                    onRowClick !== undefined && 'cursor-pointer',
                    rowClassName?.(row.original),
                  )}
                  style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)` }}
                >
                  {row.getVisibleCells().map((cell) => (
                    <div
                      role="cell"
                      key={cell.id}
                      className={cn(
                        'min-w-0 px-3 py-2 break-words',
                        cell.column.columnDef.meta?.align === 'right' && 'text-right tabular-nums',
                      )}
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
      {(isFetchingNextPage || (query.isError && rows.length > 0)) && (
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
    </div>
  );
}
