import type { FastifyInstance } from 'fastify';
import type { Engine } from '../storage/engine.js';

export interface DrainOptions {
  app: Pick<FastifyInstance, 'close' | 'server' | 'log'>;
  engine: Pick<Engine, 'close'>;
  /** How long in-flight requests may take once a signal came; then the rest is cut. */
  graceMs: number;
  /** Stopped first (the demo connector). */
  before?: () => Promise<void>;
}

/**
 * On SIGTERM or SIGINT: stop accepting, let in-flight requests finish (see http/shutdown.ts), end
 * the background jobs, close the database, and exit 0 — or, when the grace period runs out first,
 * cut the connections still open and exit 1. The process exits either way: nothing left open (a
 * client's kept-alive socket, a pool) can keep it alive.
 *
 * A second signal changes nothing: a terminal's Ctrl+C reaches both `npm start` (which forwards it)
 * and the server, and must not turn a clean drain into a forced one.
 */
export function drainOnSignals({ app, engine, graceMs, before }: DrainOptions): void {
  let draining = false;
  const drain = (signal: NodeJS.Signals) => {
    if (draining) return app.log.info({ signal }, 'already shutting down');
    draining = true;
    const started = performance.now();
    app.log.info({ signal, graceMs }, 'shutting down: finishing the requests in flight');
    const forced = setTimeout(() => {
      app.log.warn({ graceMs }, 'shutdown grace period over: closing the connections still open');
      app.server.closeAllConnections();
      process.exit(1);
    }, graceMs);
    (before?.() ?? Promise.resolve())
      .then(() => app.close())
      .then(() => engine.close())
      .then(
        () => {
          clearTimeout(forced);
          app.log.info({ ms: Math.round(performance.now() - started) }, 'shut down');
          process.exit(0);
        },
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', drain);
  process.on('SIGINT', drain);
}
