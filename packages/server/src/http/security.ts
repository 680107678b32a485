import { createHash } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../config.js';
import type { App } from './app-types.js';
import { SESSION_COOKIE } from './auth.js';
import { AppError } from './errors.js';

/** Cookies, security headers, and rate limits per credential (or per address without one). */
export async function registerSecurity(app: App, config: Config) {
  await app.register(cookie);
  await app.register(helmet, {
    // The API answers JSON; the docs page loads only its own scripts and styles.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
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
}
