import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Timestamp } from './schema-helpers.js';
import { RunFilters } from './runs.js';

export const HISTOGRAM_BUCKETS = ['hour', 'day'] as const;
export type HistogramBucket = (typeof HISTOGRAM_BUCKETS)[number];

/** The most buckets one histogram may span (from the first to the last, empty ones included). */
export const MAX_HISTOGRAM_BUCKETS = 1000;

export const RunHistogramQuery = Type.Object(
  {
    ...RunFilters,
    bucket: Type.Optional(
      Type.String({
        maxLength: 10,
        description:
          '`hour` or `day` (any case). Default: `hour` when `from` is given and the range (to `to`, or now) ' +
          'spans at most 3 days, `day` otherwise.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RunHistogramQuery = Static<typeof RunHistogramQuery>;

export const StatusCounts = Type.Object({
  OK: Type.Integer(),
  INFO: Type.Integer(),
  WARNING: Type.Integer(),
  ERROR: Type.Integer(),
});
export type StatusCounts = Static<typeof StatusCounts>;

/**
 * Runs per time bucket (by `requestedAt`, UTC), stacked by status, for the filters of the runs list.
 * Buckets without runs are left out; `items` are in time order.
 */
export const RunHistogram = Type.Object(
  {
    bucket: StringEnum(HISTOGRAM_BUCKETS),
    items: Type.Array(
      Type.Object({
        start: Timestamp,
        counts: StatusCounts,
      }),
    ),
  },
  { $id: 'RunHistogram' },
);
export type RunHistogram = Static<typeof RunHistogram>;
