import type { AuditEvent, AuditVerification } from '@synctrail/types';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '@/api/client';
import { pagedQuery } from '@/api/paged';
import { organizationsQuery } from '@/features/runs/runs.queries';
import { canControl, useSession } from '@/features/session/session.queries';
import { apiKeysQuery, membersQuery } from '@/features/settings/settings.queries';

export const auditListQuery = (query: Record<string, string>) =>
  pagedQuery<AuditEvent>(['audit', 'list', query], '/audit', query);

export const verifyAuditChain = () => api<AuditVerification>('/audit/verify');

/** Who may read the audit log: operators, and the admins of at least one organization. */
export function useCanReadAudit(): boolean {
  const session = useSession();
  return (
    session?.account?.operator === true ||
    session?.kind === 'operatorToken' ||
    (session?.memberships ?? []).some((m) => m.role === 'ADMIN')
  );
}

/**
 * Names for the actors of audit events, from what the signed-in person may list: `account:<id>`
 * → the member's email, `key:<id>` → the API key's name. Operators list every organization's
 * members; an admin their organizations'. An actor nobody can resolve keeps its raw form.
 */
export function useActorNames(): Map<string, string> {
  const session = useSession();
  const organizations = useQuery(organizationsQuery).data?.items;
  const manageable = useMemo(
    () => (organizations ?? []).filter((o) => canControl(session, o.id)).map((o) => o.id),
    [organizations, session],
  );
  const members = useQueries({
    queries: manageable.map((id) => ({ ...membersQuery(id), staleTime: 60_000 })),
  });
  const keys = useQueries({ queries: manageable.map((id) => ({ ...apiKeysQuery(id), staleTime: 60_000 })) });
  const stamp = [...members, ...keys].map((q) => q.dataUpdatedAt).join(',');
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const q of keys)
      for (const k of q.data?.items ?? []) names.set(`key:${k.id}`, `API key “${k.name}”`);
    for (const q of members)
      for (const m of q.data?.items ?? []) names.set(`account:${m.accountId}`, m.email);
    if (session?.account) names.set(`account:${session.account.id}`, session.account.email);
    return names;
    // The query results change identity every render; their update times say when the data did.
  }, [stamp, session]);
}
