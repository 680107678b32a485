import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { App } from '../http/app-types.js';
import { AppError } from '../http/errors.js';

/** Paths the console never answers: the API, its docs and the health checks keep their own 404s. */
const NOT_CONSOLE = /^\/(api|docs|healthz|readyz)(\/|$)/;
/** Fastify's default `maxParamLength`: the longest path parameter the router takes. */
const MAX_PARAM_LENGTH = 100;
/** A file at the top of the build (`favicon.ico`, `robots.txt`), as opposed to a console URL. */
const TOP_LEVEL_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.[A-Za-z0-9]+$/;

const NOT_BUILT_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Synctrail: the console is not built</title></head>
<body>
<h1>The Synctrail console is not built</h1>
<p>Run <code>npm run build</code> in the repository (it builds the console into <code>packages/web/dist</code>),
or point <code>SYNCTRAIL_CONSOLE_DIR</code> at a built console, then reload this page.</p>
<p>The API is running: see <a href="/docs">/docs</a>.</p>
</body>
</html>
`;

function wantsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/i.test(request.headers.accept ?? '');
}

/**
 * The web console, a single-page app built by Vite into `dir`: hashed assets under `/assets/` kept a
 * year, `index.html` revalidated on every load, and `index.html` again for any other page a browser
 * asks for (`/runs/…` on reload), so that the app's router takes over. Public routes: the console
 * signs in through the API, which is where authentication is decided. Whether the console is built
 * is checked per request, so building it does not need a restart.
 */
export async function consoleRoutes(app: App, dir: string): Promise<void> {
  const assets = join(dir, 'assets');
  const index = join(dir, 'index.html');
  const built = () => existsSync(index);

  const sendIndex = (reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });

  const notBuilt = (request: FastifyRequest, reply: FastifyReply) => {
    if (!wantsHtml(request)) {
      throw new AppError(
        'console_not_built',
        `The web console is not built: run \`npm run build\` (or set SYNCTRAIL_CONSOLE_DIR to a built console; looked in ${dir}).`,
      );
    }
    return reply
      .status(404)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(NOT_BUILT_HTML);
  };

  await app.register(async (scope) => {
    // Only `reply.sendFile`: the routes are ours, so that each is declared (and public) here.
    // (An unbuilt console is answered per request below, not warned about at start.)
    await scope.register(fastifyStatic, { root: dir, serve: false, wildcard: false, suppressWarning: true });

    scope.get('/assets/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      const file = (request.params as { '*': string })['*'];
      if (!existsSync(assets)) return reply.callNotFound();
      // Vite names assets by their content hash: a name never changes meaning.
      return reply.sendFile(file, assets, { maxAge: 365 * 24 * 3600 * 1000, immutable: true });
    });

    scope.get('/', { config: { public: true }, schema: { hide: true } }, async (request, reply) =>
      built() ? sendIndex(reply) : notBuilt(request, reply),
    );

    scope.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      // The decoded path, as the router matched it: `/%61pi/…` is `/api/…`.
      const file = (request.params as { '*': string })['*'];
      const path = `/${file}`;
      if (NOT_CONSOLE.test(path)) {
        // Without this route, an API path whose parameter is over-long is refused by the router
        // (414); the catch-all must not turn that into a 404.
        if (path.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH)) {
          throw new AppError(
            'uri_too_long',
            `A path parameter is longer than ${MAX_PARAM_LENGTH} characters; ids are shorter than that.`,
          );
        }
        return reply.callNotFound();
      }
      if (TOP_LEVEL_FILE.test(file) && built() && isFile(join(dir, file))) {
        return reply.header('cache-control', 'no-cache').sendFile(file, dir, { cacheControl: false });
      }
      if (!wantsHtml(request)) return reply.callNotFound();
      return built() ? sendIndex(reply) : notBuilt(request, reply);
    });
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
