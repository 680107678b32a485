import http from 'node:http';

/** One message of an event stream as a client parses it. */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
  json: any;
}

export interface SseConnection {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body of a refused request (an error in the wire format). */
  errorBody(): Promise<string>;
  messages: SseMessage[];
  comments: string[];
  retry: number | undefined;
  /** The first message (received so far or later) that matches. */
  waitFor(what: string, match: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  /** Resolves when the server ends the stream (or the connection breaks). */
  ended: Promise<void>;
  close(): void;
}

/**
 * Opens `GET <url>` as an EventSource would (Accept: text/event-stream, optional Last-Event-ID) and
 * parses what arrives: events, comments and the retry hint (https://html.spec.whatwg.org/#event-stream-interpretation).
 */
export function openEventStream(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const messages: SseMessage[] = [];
      const comments: string[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      let fields: { id?: string; event?: string; data: string[] } = { data: [] };
      const connection: SseConnection = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        errorBody: () =>
          new Promise((done) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => done(body));
          }),
        messages,
        comments,
        retry: undefined,
        ended: new Promise((done) => {
          res.once('close', () => done());
          res.once('error', () => done());
        }),
        close: () => req.destroy(),
        waitFor: (what, match, timeoutMs = 10_000) =>
          new Promise((found, fail) => {
            const check = () => {
              const hit = messages.find(match);
              if (!hit) return false;
              waiters.delete(check);
              clearTimeout(timer);
              found(hit);
              return true;
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(
                new Error(
                  `no ${what} in ${timeoutMs} ms; got ${JSON.stringify(messages.map((m) => m.event))}`,
                ),
              );
            }, timeoutMs);
            if (!check()) waiters.add(check);
          }),
      };
      if (connection.status !== 200) return resolve(connection);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (fields.data.length > 0) {
              const data = fields.data.join('\n');
              messages.push({
                id: fields.id,
                event: fields.event ?? 'message',
                data,
                json: JSON.parse(data),
              });
              for (const waiter of [...waiters]) waiter();
            }
            fields = { data: [] };
          } else if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
          } else {
            const colon = line.indexOf(':');
            const name = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (name === 'data') fields.data.push(value);
            else if (name === 'id') fields.id = value;
            else if (name === 'event') fields.event = value;
            else if (name === 'retry') connection.retry = Number(value);
          }
        }
      });
      resolve(connection);
    });
    req.on('error', reject);
  });
}
