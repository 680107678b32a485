import { PassThrough } from 'node:stream';
import type { LiveMessage, LiveSubscriber } from './live-event-hub.js';

export interface EventStreamOptions {
  /** Whether the listener may see this organization's events now. */
  wants: (organizationId: string) => boolean;
  /** A comment line this often keeps proxies from closing an idle stream; credentials are checked again too. */
  heartbeatMs: number;
  /** The reconnection delay the client is told (`retry:`). */
  retryMs: number;
  /** Checks the credentials again (each heartbeat); false ends the stream, and the reconnect is refused. */
  revalidate: () => Promise<boolean>;
  /** A client this far behind is cut off (it reconnects and resumes with `Last-Event-ID`). */
  maxBufferedBytes?: number;
  onEnd: () => void;
}

/** What a stream starts with, after the `retry:` hint: what the client missed, or a reset. */
export type StreamOpening =
  { replay: readonly LiveMessage[] } | { reset: { id: number; reason: string } } | { live: true };

function frame(id: number, event: string, data: unknown): string {
  // JSON.stringify escapes line breaks, so one `data:` line holds the whole event.
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * One open `GET /api/v1/events`: the Server-Sent Events wire format over a stream Fastify sends.
 * Messages that arrive before `begin` (while the replay is read) wait, so nothing falls between the
 * replay and the live events.
 */
export class EventStream implements LiveSubscriber {
  readonly body = new PassThrough();
  private waiting: LiveMessage[] | undefined = [];
  private after = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(private readonly options: EventStreamOptions) {
    // The client went away: the response stream is destroyed, and so is this.
    this.body.once('close', () => this.close());
  }

  /** Starts the stream: ids up to `after` are the client's already (or replayed now). */
  begin(after: number, opening: StreamOpening): void {
    if (this.ended) return;
    this.write(`retry: ${this.options.retryMs}\n\n`);
    if ('reset' in opening) {
      // After a reset the client knows nothing: it carries on from the reset's id.
      this.write(frame(opening.reset.id, 'reset', { kind: 'reset', reason: opening.reset.reason }));
      this.after = opening.reset.id;
    } else {
      if ('replay' in opening) this.send(opening.replay);
      this.after = Math.max(this.after, after);
    }
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    this.send(waiting);
    this.heartbeat = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  deliver(messages: readonly LiveMessage[]): void {
    if (this.waiting) this.waiting.push(...messages);
    else this.send(messages);
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    this.body.end();
    this.options.onEnd();
  }

  private send(messages: readonly LiveMessage[]): void {
    for (const message of messages) {
      if (message.id <= this.after || !this.options.wants(message.organizationId)) continue;
      this.after = message.id;
      this.write(frame(message.id, message.data.kind, message.data));
    }
  }

  private async beat(): Promise<void> {
    const still = await this.options.revalidate().catch(() => false);
    if (!still) return this.close();
    this.write(': keep-alive\n\n');
  }

  private write(text: string): void {
    if (this.ended) return;
    const buffered = this.body.writableLength + this.body.readableLength;
    if (buffered > (this.options.maxBufferedBytes ?? 1024 * 1024)) return this.close();
    this.body.write(text);
  }
}
