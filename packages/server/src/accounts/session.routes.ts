import { Type } from '@sinclair/typebox';
import { SessionInfo, SignIn } from '@synctrail/types';
import type { App } from '../http/app-types.js';
import type { Services } from '../http/services.js';
import { SESSION_COOKIE } from '../http/auth.js';
import { AppError } from '../http/errors.js';
import { READ_ERRORS, errors } from '../http/route-schemas.js';
import { recordAudit } from '../audit/audit-request.js';

/** Console sign-in: `POST` sets the session cookie, `GET` says who is signed in, `DELETE` signs out. */
export function sessionRoutes(app: App, s: Services) {
  app.post(
    '/api/v1/session',
    {
      config: { public: true, rateLimit: { max: s.config.signInRateLimitPerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['session'],
        summary: 'Sign in',
        description: `Sets the ${SESSION_COOKIE} cookie (HttpOnly, SameSite=Lax, Secure behind TLS). Send the answer's csrfToken as X-CSRF-Token on writes.`,
        security: [],
        body: SignIn,
        response: { 200: Type.Ref(SessionInfo), ...errors(400, 401, 429) },
      },
    },
    async (req, reply) => {
      const email = req.body.email.trim().toLowerCase();
      let signedIn;
      try {
        signedIn = await s.accounts.signIn(req.body.email, req.body.password);
      } catch (error) {
        if (
          error instanceof AppError &&
          (error.code === 'unauthenticated' || error.code === 'too_many_attempts')
        ) {
          await recordAudit(s, req, {
            action: 'session.sign_in_failed',
            actor: `email:${email}`,
            target: null,
            details: { reason: error.code },
          });
        }
        throw error;
      }
      await recordAudit(s, req, {
        action: 'session.sign_in',
        actor: `account:${signedIn.account.id}`,
        target: `account:${signedIn.account.id}`,
      });
      void reply.setCookie(SESSION_COOKIE, signedIn.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: req.protocol === 'https',
        expires: new Date(signedIn.info.expiresAt!),
      });
      return signedIn.info;
    },
  );

  app.get(
    '/api/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Who am I',
        response: { 200: Type.Ref(SessionInfo), ...READ_ERRORS },
      },
    },
    async (req) => {
      const context = req.sessionContext;
      if (context)
        return s.accounts.info(context.account, context.session.csrfToken, context.session.expiresAt);
      return {
        kind: req.access.actor.startsWith('key:') ? ('apiKey' as const) : ('operatorToken' as const),
        account: null,
        memberships: [],
        csrfToken: null,
        expiresAt: null,
      };
    },
  );

  app.delete(
    '/api/v1/session',
    {
      schema: { tags: ['session'], summary: 'Sign out', response: { 204: Type.Null(), ...errors(401, 403) } },
    },
    async (req, reply) => {
      if (!req.sessionContext) throw new AppError('unauthenticated', 'There is no console session to end.');
      await s.accounts.signOut(req.sessionContext.token);
      await recordAudit(s, req, {
        action: 'session.sign_out',
        target: `account:${req.sessionContext.account.id}`,
      });
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );
}
