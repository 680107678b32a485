import { createHash } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../config.js';
import type { App } from './app-types.js';
import { SESSION_COOKIE } from './auth.js';
import { AppError } from './errors.js';

/**
 * Cookies, security headers, and rate limits: per credential (or per address without one), per
 * address whatever the credential, and on refused credentials per address, so that guessing keys
 * with a new token on every request is slowed down as much as guessing one.
 */
export async function registerSecurity(app: App, config: Config) {
  await app.register(cookie);
  await app.register(helmet, {
    // The API answers JSON; the docs page and the console (a Vite build: module scripts from
    // /assets, style attributes, small images and fonts inlined as data: URLs) load only their own
    // files, and never eval. No upgrade-insecure-requests: the server speaks plain HTTP, often on a
    // LAN address, where browsers would otherwise ask for its scripts over HTTPS and get nothing.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true },
  });
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (request) => {
      const credential = request.headers.authorization ?? request.cookies?.[SESSION_COOKIE];
      return credential ? createHash('sha256').update(credential).digest('base64url') : `ip:${request.ip}`;
    },
    // Thrown, so the error handler gives it the usual `{ error: { code, message } }` shape.
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'rate_limited',
        `Too many requests: at most ${context.max} a minute. Retry in ${context.after}.`,
        {
          retryAfter: context.after,
        },
      ),
  });

  // These run on every request before authentication (the hooks above run per route, after it).
  const perAddress = app.createRateLimit({
    max: config.addressRateLimitPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (request) => `address:${request.ip}`,
  });
  const refused = app.createRateLimit({
    max: config.refusedCredentialsPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (request) => `refused:${request.ip}`,
  });
  app.addHook('onRequest', async (request, reply) => {
    const address = await perAddress(request);
    if (!address.isAllowed && address.isExceeded) {
      reply.header('retry-after', address.ttlInSeconds);
      throw new AppError(
        'rate_limited',
        `Too many requests from your address: at most ${address.max} a minute. Retry in ${address.ttlInSeconds} s.`,
        { retryAfter: `${address.ttlInSeconds} seconds` },
      );
    }
    // Reading does not count: only refusals do (below).
    const failures = await refused(request, { increment: false });
    if (!failures.isAllowed && failures.remaining === 0) {
      reply.header('retry-after', failures.ttlInSeconds);
      throw new AppError(
        'rate_limited',
        `Too many refused credentials from your address: at most ${failures.max} a minute. Check the token or password you send, and retry in ${failures.ttlInSeconds} s.`,
        { retryAfter: `${failures.ttlInSeconds} seconds` },
      );
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode === 401) await refused(request);
  });
}
