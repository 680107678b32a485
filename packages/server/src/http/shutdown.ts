import type { App } from './app-types.js';
import { AppError } from './errors.js';

/** While draining, how often connections that have just become idle are closed. */
const REAP_IDLE_EVERY_MS = 100;

/**
 * The HTTP side of a graceful shutdown, from `app.close()` on:
 *
 * - a request that still arrives on an open connection (pipelined, or sent on a kept-alive socket
 *   before the client saw it close) is answered 503 `shutting_down` in the wire format, before
 *   authentication or rate limits (Fastify's own `return503OnClosing` answers another shape);
 * - every answer sent while draining says `Connection: close`, so a socket whose request was in
 *   flight closes once answered instead of idling until the 72 s keep-alive timeout;
 * - sockets that turn idle during the drain are closed at once (Node closes only those idle when
 *   `server.close()` is called).
 *
 * Register it before any other `onRequest` hook.
 */
export function registerShutdown(app: App): void {
  let closing = false;
  let reaper: NodeJS.Timeout | undefined;

  app.addHook('preClose', async () => {
    closing = true;
    if (app.server.listening) {
      reaper = setInterval(() => app.server.closeIdleConnections(), REAP_IDLE_EVERY_MS);
      reaper.unref();
    }
  });
  app.addHook('onClose', async () => clearInterval(reaper));

  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('retry-after', '1');
    throw new AppError(
      'shutting_down',
      'This server process is shutting down; retry in a moment (another process, or this one restarted, will answer).',
    );
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (closing && request.raw.httpVersionMajor === 1) reply.header('connection', 'close');
    done(null, payload);
  });
}
