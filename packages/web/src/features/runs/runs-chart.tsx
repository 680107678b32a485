import { SYNC_STATUS, type SyncStatus } from '@synctrail/types/enums';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { errorMessage, type Query } from '@/api/client';
import { formatCount } from '@/lib/format';
import { STATUS_COLOURS } from './run-badges';
import type { RunHistogram } from '@synctrail/types';
import { runHistogramQuery } from './runs.queries';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The window the chart spans when the list has no date range: the last 30 days. */
export function chartWindow(query: Record<string, string>, now: number): { from: string; to: string } {
  const to = query.to ?? new Date(now).toISOString();
  const from = query.from ?? new Date(Date.parse(to) - 30 * DAY).toISOString();
  return { from, to };
}

/** Stacked sums per bucket, bottom (OK) to top (ERROR): uPlot draws stacks as cumulative series. */
export function stackedSeries(histogram: RunHistogram): {
  x: number[];
  stacks: number[][];
  totals: number[];
} {
  const x = histogram.items.map((item) => Date.parse(item.start) / 1000);
  const stacks: number[][] = [];
  let running = histogram.items.map(() => 0);
  for (const status of SYNC_STATUS) {
    running = running.map((sum, i) => sum + histogram.items[i]!.counts[status]);
    stacks.push(running);
  }
  return { x, stacks, totals: running };
}

interface RunsChartProps {
  query: Record<string, string>;
  now: number;
  onSelectRange: (range: { from: string; to: string }) => void;
}

/** Runs per hour or day for the list's filters, stacked by status; a click on a bar narrows the range. */
export function RunsChart({ query, now, onSelectRange }: RunsChartProps) {
  const window = useMemo(() => chartWindow(query, now), [query, now]);
  const span = Date.parse(window.to) - Date.parse(window.from);
  const bucket: 'hour' | 'day' = span <= 3 * DAY ? 'hour' : 'day';
  const histogramQuery: Query = { ...query, ...window, bucket };
  delete histogramQuery.sort;
  const { data, error, isPending } = useQuery(runHistogramQuery(histogramQuery));
  const container = useRef<HTMLDivElement>(null);
  const onSelect = useRef(onSelectRange);
  onSelect.current = onSelectRange;

  useEffect(() => {
    const element = container.current;
    if (element === null || data === undefined || data.items.length === 0) return;
    const { x, stacks } = stackedSeries(data);
    const step = data.bucket === 'hour' ? HOUR : DAY;
    const bars = uPlot.paths.bars!({ size: [0.8, 40], align: 1 });
    const plot = new uPlot(
      {
        width: element.clientWidth,
        height: 120,
        padding: [8, 8, 0, 0],
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        legend: { show: false },
        scales: { x: { time: true, range: [Date.parse(window.from) / 1000, Date.parse(window.to) / 1000] } },
        axes: [
          { stroke: '#526173', grid: { show: false }, ticks: { stroke: '#e2e8f0' } },
          { stroke: '#526173', grid: { stroke: '#eef2f6' }, size: 44, ticks: { show: false } },
        ],
        // Drawn top of the stack first so each lower status paints over the part it owns.
        series: [
          {},
          ...[...SYNC_STATUS].reverse().map((status: SyncStatus) => ({
            label: status,
            fill: STATUS_COLOURS[status],
            stroke: STATUS_COLOURS[status],
            width: 0,
            paths: bars,
            points: { show: false },
          })),
        ],
        hooks: {
          init: [
            (u: uPlot) => {
              u.over.addEventListener('click', () => {
                const index = u.cursor.idx;
                if (index === null || index === undefined) return;
                const start = x[index]! * 1000;
                onSelect.current({
                  from: new Date(start).toISOString(),
                  to: new Date(start + step).toISOString(),
                });
              });
            },
          ],
        },
      },
      [x, ...[...stacks].reverse()],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: 120 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, window.from, window.to]);

  const total = data === undefined ? 0 : stackedSeries(data).totals.reduce((a, b) => a + b, 0);
  return (
    <section aria-label="Runs over time" className="rounded-md border border-border px-3 pt-2 pb-1">
      <div className="flex items-center gap-4 text-xs text-muted-foreground">
        <span className="font-medium text-foreground">
          Runs per {bucket} · {formatCount(total)} in range
        </span>
        {SYNC_STATUS.map((status) => (
          <span key={status} className="flex items-center gap-1">
            <span
              className="inline-block size-2.5 rounded-sm"
              style={{ background: STATUS_COLOURS[status] }}
              aria-hidden
            />
            {status}
          </span>
        ))}
        <span className="ml-auto">Click a bar to narrow the date range</span>
      </div>
      {error !== null && !isPending ? (
        <p className="py-8 text-center text-sm text-muted-foreground">
          The chart could not be loaded: {errorMessage(error)}
        </p>
      ) : data !== undefined && data.items.length === 0 ? (
        <p className="py-8 text-center text-sm text-muted-foreground">No runs in this range.</p>
      ) : (
        <div ref={container} className="h-[120px] cursor-pointer" data-testid="runs-chart" />
      )}
    </section>
  );
}
