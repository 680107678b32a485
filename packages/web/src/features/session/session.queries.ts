import type { SessionInfo } from '@synctrail/types';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, api, setCsrfToken } from '@/api/client';

/** Who is signed in, or `null`. Read before every guarded page; a 401 means "nobody". */
export const sessionQuery = queryOptions({
  queryKey: ['session'] as const,
  queryFn: async (): Promise<SessionInfo | null> => {
    try {
      const session = await api<SessionInfo>('/session', { expectUnauthorized: true });
      setCsrfToken(session.csrfToken);
      return session;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(null);
        return null;
      }
      throw error;
    }
  },
  staleTime: 60_000,
});

export function useSession(): SessionInfo | null {
  return useQuery(sessionQuery).data ?? null;
}

export async function signIn(email: string, password: string): Promise<SessionInfo> {
  const session = await api<SessionInfo>('/session', {
    method: 'POST',
    body: { email, password },
    expectUnauthorized: true,
  });
  setCsrfToken(session.csrfToken);
  return session;
}

export async function signOut(): Promise<void> {
  try {
    await api<void>('/session', { method: 'DELETE', expectUnauthorized: true });
  } finally {
    setCsrfToken(null);
  }
}

/**
 * What the signed-in person may do in an organization: operators everything, ADMINs control runs
 * and read payloads, VIEWERs read lists only. The server enforces the same; the console hides what
 * would be refused.
 */
export function roleIn(
  session: SessionInfo | null,
  organizationId: string,
): 'OPERATOR' | 'ADMIN' | 'VIEWER' | null {
  if (session === null) return null;
  if (session.account?.operator === true || session.kind === 'operatorToken') return 'OPERATOR';
  return session.memberships.find((m) => m.organizationId === organizationId)?.role ?? null;
}

export function canControl(session: SessionInfo | null, organizationId: string): boolean {
  const role = roleIn(session, organizationId);
  return role === 'OPERATOR' || role === 'ADMIN';
}

export function isOperator(session: SessionInfo | null): boolean {
  return roleIn(session, '') === 'OPERATOR';
}
