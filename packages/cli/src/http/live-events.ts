import { createParser } from 'eventsource-parser';
import { SynctrailError } from '@synctrail/sdk';
import type { LiveEvent } from '@synctrail/types';
import { CliError } from '../exit-codes.js';
import type { ApiClient } from './api-client.js';

/** How long the stream may stay broken before a command gives up on it. */
const GIVE_UP_MS = 30_000;

export interface LiveEventOptions {
  organizationId?: string;
  signal?: AbortSignal;
  /** Called each time the stream is (re)connected, before its first event: the moment to refetch. */
  onOpen?: () => Promise<void> | void;
}

/**
 * `GET /api/v1/events` as a sequence of events: reconnects with `Last-Event-ID` when the connection
 * breaks (after the server's `retry:` delay), and gives up after 30 s without a connection. Ends when
 * `signal` aborts. A refused request (401, 403, 404) is thrown as the server's error.
 */
export async function* liveEvents(
  client: ApiClient,
  options: LiveEventOptions = {},
): AsyncGenerator<LiveEvent> {
  let lastEventId: string | undefined;
  let retryMs = 1000;
  let brokenSince: number | undefined;
  while (!options.signal?.aborted) {
    let response: Response;
    try {
      response = await client.send('GET', '/api/v1/events', {
        query: { organizationId: options.organizationId },
        headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) return;
      if (!(error instanceof SynctrailError) || (error.status !== 0 && error.status < 500)) throw error;
      brokenSince ??= Date.now();
      if (Date.now() - brokenSince > GIVE_UP_MS) {
        throw new CliError(`The live event stream is gone: ${error.message}`, undefined, { cause: error });
      }
      await pause(retryMs, options.signal);
      continue;
    }
    brokenSince = undefined;
    await options.onOpen?.();
    const queue: LiveEvent[] = [];
    const parser = createParser({
      onEvent: (message) => {
        if (message.id) lastEventId = message.id;
        try {
          queue.push(JSON.parse(message.data) as LiveEvent);
        } catch {
          // Not an event of the contract: nothing to show.
        }
      },
      onRetry: (ms) => {
        retryMs = ms;
      },
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body ?? []) {
        parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
        while (queue.length > 0) yield queue.shift()!;
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      // The connection broke: resume after the last event seen.
      void error;
    }
    if (options.signal?.aborted) return;
    brokenSince ??= Date.now();
    await pause(retryMs, options.signal);
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
