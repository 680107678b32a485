import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { EventStreamQuery } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import type { Authenticator } from '../http/auth.js';
import { READ_ERRORS } from '../http/route-schemas.js';
import { EventStream } from './event-stream.js';

const EventStreamBody = Type.Unsafe<Readable>({
  type: 'string',
  description:
    '`text/event-stream`. Each message: `id:` (increasing), `event:` run | calls | reset, `data:` one JSON ' +
    'object of the `LiveEvent` schema (its `kind` is the event name). Comment lines (`: keep-alive`) every ' +
    '15 s; `retry:` at the start.',
});

export interface LiveEventRouteOptions {
  authenticator: Authenticator;
  heartbeatMs: number;
  retryMs: number;
}

/** `GET /api/v1/events`: run and call changes as Server-Sent Events, scoped like the lists. */
export function liveEventRoutes(app: App, s: Services, options: LiveEventRouteOptions) {
  app.get(
    '/api/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Live events (Server-Sent Events)',
        description:
          'A `run` event (the run as `GET /runs/{id}` answers it) when a run is created, triggered, leased, ' +
          'patched, gets actions, heartbeats, is cancelled, finishes or is reaped; a `calls` event when calls ' +
          'are ingested. Several changes of one run within a moment arrive as one event. Reconnecting with ' +
          '`Last-Event-ID` resumes after it; `reset` says the client must refetch (the events after it are no ' +
          'longer kept: one hour). An operator hears every organization, anyone else their own; ' +
          '`organizationId` narrows it (404 for one the caller cannot see).',
        querystring: EventStreamQuery,
        produces: ['text/event-stream'],
        response: { 200: EventStreamBody, ...READ_ERRORS },
      },
    },
    async (req, reply) => {
      const live = s.liveStreams;
      const organizations = await live.scope(req.access, req.query.organizationId);
      const lastEventId = live.lastEventId(req.headers['last-event-id'], req.query.lastEventId);
      let access = req.access;
      const stream = new EventStream({
        wants: (organizationId) =>
          access.canSee(organizationId) &&
          (organizations === 'all' || organizations.includes(organizationId)),
        heartbeatMs: options.heartbeatMs,
        retryMs: options.retryMs,
        // A revoked key, an expired session or a removed membership ends the stream.
        revalidate: async () => {
          access = await options.authenticator.authenticate(req);
          return access.has('read');
        },
        onEnd: () => live.hub.unsubscribe(stream),
      });
      const watermark = await live.hub.subscribe(stream);
      try {
        stream.begin(lastEventId ?? watermark, await live.opening(lastEventId, watermark, organizations));
      } catch (error) {
        stream.close();
        throw error;
      }
      reply.raw.once('close', () => stream.close());
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        .send(stream.body);
    },
  );
}
