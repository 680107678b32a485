import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from './schema-helpers.js';
import type { Run } from './runs.js';
import { ListFilter } from './pagination.js';

/**
 * `GET /api/v1/events` (Server-Sent Events). Each message has an `id:` (a sequence number, increasing),
 * an `event:` name equal to the data's `kind`, and JSON `data:`. Reconnecting with `Last-Event-ID`
 * (EventSource does it by itself) resumes after that id; `reset` means the events after it are no
 * longer kept (or the id is not this server's): refetch what is on screen.
 *
 * @example
 * const source = new EventSource('/api/v1/events?organizationId=' + orgId, { withCredentials: true });
 * source.addEventListener('run', (e) => {
 *   const { run } = JSON.parse(e.data) as RunLiveEvent;
 *   queryClient.setQueryData(['run', run.id], run);
 * });
 * source.addEventListener('reset', () => queryClient.invalidateQueries());
 */
export const LIVE_EVENT_NAMES = ['run', 'calls', 'reset'] as const;
export type LiveEventName = (typeof LIVE_EVENT_NAMES)[number];

/**
 * A run was created, triggered, leased, patched, got actions, heartbeated, was cancelled, finished or
 * reaped: the run as it is now (several changes within a moment arrive as one event).
 */
export const RunLiveEvent = Type.Object(
  {
    kind: Type.Literal('run'),
    run: Type.Ref('Run'),
  },
  { $id: 'RunLiveEvent' },
);
export interface RunLiveEvent {
  kind: 'run';
  run: Run;
}

/** Calls were ingested: how many, for which organization and run, and the time of the latest. */
export const CallsLiveEvent = Type.Object(
  {
    kind: Type.Literal('calls'),
    organizationId: Id,
    runId: Nullable(Id),
    count: Type.Integer({ minimum: 1 }),
    latestAt: Timestamp,
  },
  { $id: 'CallsLiveEvent' },
);
export type CallsLiveEvent = Static<typeof CallsLiveEvent>;

/** The stream cannot resume where the client left off: refetch, then carry on with the events that follow. */
export const ResetLiveEvent = Type.Object(
  {
    kind: Type.Literal('reset'),
    reason: Type.String({
      description: 'Why, for people: e.g. the events after that id are no longer kept.',
    }),
  },
  { $id: 'ResetLiveEvent' },
);
export type ResetLiveEvent = Static<typeof ResetLiveEvent>;

/** The `data:` of every message of the event stream; `kind` is also the SSE `event:` name. */
export const LiveEvent = Type.Union(
  [Type.Ref(RunLiveEvent), Type.Ref(CallsLiveEvent), Type.Ref(ResetLiveEvent)],
  { $id: 'LiveEvent' },
);
export type LiveEvent = RunLiveEvent | CallsLiveEvent | ResetLiveEvent;

export const EventStreamQuery = Type.Object(
  {
    organizationId: ListFilter(
      'Only these organizations, comma-separated (default: all the caller may see).',
    ),
    lastEventId: Type.Optional(
      Type.String({
        maxLength: 20,
        description: 'Resume after this id, like the `Last-Event-ID` header (which wins when both are sent).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EventStreamQuery = Static<typeof EventStreamQuery>;
