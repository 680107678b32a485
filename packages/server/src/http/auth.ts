import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Account, SessionRecord } from '../accounts/account.repository.js';
import type { AccountService } from '../accounts/account.service.js';
import type { ApiKeyService } from '../api-keys/api-key.service.js';
import { Access } from '../auth/access.js';
import { AppError } from './errors.js';

export const SESSION_COOKIE = 'synctrail_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  // Compare digests so that neither length nor content leaks through timing.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

export interface SessionContext {
  token: string;
  account: Account;
  session: SessionRecord;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request was authenticated by the console's session cookie. */
    sessionContext?: SessionContext;
  }
}

export interface Authenticator {
  authenticate(request: FastifyRequest): Promise<Access>;
}

export interface AuthenticatorDeps {
  bootstrapToken: string | undefined;
  /** Accepted on routes whose config says `metricsToken: true` (`GET /metrics`) only. */
  metricsToken?: string | undefined;
  accounts: AccountService;
  apiKeys: ApiKeyService;
}

/**
 * Bearer tokens (the deployment's bootstrap operator token, organization API keys) for programs;
 * the session cookie for the console, whose writes must also carry the session's CSRF token.
 */
export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  return {
    async authenticate(request) {
      const header = request.headers.authorization;
      if (header) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!match?.[1]) {
          throw new AppError('unauthenticated', 'Send credentials as "Authorization: Bearer <token>".');
        }
        const token = match[1];
        if (deps.bootstrapToken && sameSecret(token, deps.bootstrapToken))
          return Access.operator('operator:bootstrap');
        if (
          deps.metricsToken &&
          request.routeOptions.config.metricsToken === true &&
          sameSecret(token, deps.metricsToken)
        )
          return Access.metricsScraper();
        const access = token.startsWith('st_') ? await deps.apiKeys.authenticate(token) : undefined;
        if (access) return access;
        throw new AppError(
          'unauthenticated',
          'The token is not valid or was revoked; ask an administrator for a new key.',
        );
      }
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) {
        const found = await deps.accounts.session(cookie);
        if (!found) throw new AppError('unauthenticated', 'Your session has expired; sign in again.');
        if (!SAFE_METHODS.has(request.method)) {
          const sent = request.headers[CSRF_HEADER];
          if (typeof sent !== 'string' || !sameSecret(sent, found.session.csrfToken)) {
            throw new AppError(
              'csrf_token_invalid',
              `Writes from the console need the session's CSRF token in the ${CSRF_HEADER} header (see GET /api/v1/session).`,
            );
          }
        }
        request.sessionContext = { token: cookie, ...found };
        return deps.accounts.accessOf(found.account);
      }
      throw new AppError('unauthenticated', 'Sign in, or send an "Authorization: Bearer <token>" header.');
    },
  };
}
