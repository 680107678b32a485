import {
  HISTOGRAM_BUCKETS,
  MAX_HISTOGRAM_BUCKETS,
  type HistogramBucket,
  type RunHistogram,
  type RunHistogramQuery,
  type StatusCounts,
} from '@synctrail/types';
import type { Access } from '../auth/access.js';
import { AppError } from '../http/errors.js';
import { matchEnum } from '../shared/enum-aliases.js';
import type { RunRepository } from './run.repository.js';
import { parseRunFilters } from './run-filters.js';

const SIZE_MS: Record<HistogramBucket, number> = { hour: 3_600_000, day: 86_400_000 };
/** A range up to this long is drawn by the hour unless told otherwise. */
const HOURLY_UP_TO_MS = 3 * SIZE_MS.day;

const floorTo = (time: number, size: number) => time - (((time % size) + size) % size);

/** Runs per hour or day, stacked by status (the bar chart above the Sync Logging list). */
export class RunHistogramService {
  constructor(
    private readonly runs: RunRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async histogram(access: Access, query: RunHistogramQuery): Promise<RunHistogram> {
    const filters = parseRunFilters(access, query);
    const bucket = this.bucketOf(query.bucket, filters.from, filters.to);
    const size = SIZE_MS[bucket];
    // The span is known before reading when the range is: refuse a huge one without reading.
    if (filters.from && filters.to) this.checkSpan(bucket, filters.from.getTime(), filters.to.getTime() - 1);
    const rows = await this.runs.histogram(filters, bucket);
    const items = new Map<string, StatusCounts>();
    for (const row of rows) {
      let counts = items.get(row.start);
      if (!counts) items.set(row.start, (counts = { OK: 0, INFO: 0, WARNING: 0, ERROR: 0 }));
      counts[row.status] += row.runs;
    }
    const starts = [...items.keys()];
    if (starts.length > 0) {
      const first = filters.from ? floorTo(filters.from.getTime(), size) : Date.parse(starts[0]!);
      const last = filters.to ? filters.to.getTime() - 1 : Date.parse(starts[starts.length - 1]!);
      this.checkSpan(bucket, first, last);
    }
    return { bucket, items: [...items].map(([start, counts]) => ({ start, counts })) };
  }

  /** As asked (any case), or by the hour for a range of up to 3 days, by the day otherwise. */
  private bucketOf(asked: string | undefined, from: Date | undefined, to: Date | undefined): HistogramBucket {
    if (asked !== undefined) {
      const bucket = matchEnum(asked, HISTOGRAM_BUCKETS) as HistogramBucket | undefined;
      if (bucket === undefined) {
        throw new AppError(
          'invalid_filter',
          `Unknown bucket "${asked}"; allowed values: ${HISTOGRAM_BUCKETS.join(', ')}.`,
          { filter: 'bucket', invalid: [asked], allowed: HISTOGRAM_BUCKETS },
        );
      }
      return bucket;
    }
    if (!from) return 'day';
    return (to ?? this.now()).getTime() - from.getTime() <= HOURLY_UP_TO_MS ? 'hour' : 'day';
  }

  private checkSpan(bucket: HistogramBucket, first: number, last: number): void {
    const size = SIZE_MS[bucket];
    const buckets = Math.max(1, (floorTo(last, size) - floorTo(first, size)) / size + 1);
    if (buckets > MAX_HISTOGRAM_BUCKETS) {
      throw new AppError(
        'invalid_filter',
        `This histogram would span ${buckets} ${bucket === 'hour' ? 'hours' : 'days'}; at most ${MAX_HISTOGRAM_BUCKETS.toLocaleString('en-US')} buckets: narrow from/to${bucket === 'hour' ? ' or use bucket=day' : ''}.`,
        { filter: 'bucket', buckets, limit: MAX_HISTOGRAM_BUCKETS },
      );
    }
  }
}
