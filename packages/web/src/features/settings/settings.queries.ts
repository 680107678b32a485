import type {
  ApiKey,
  ApiKeyCreate,
  ApiKeyCreated,
  Integration,
  MaskingRule,
  MaskingRuleCreate,
  MaskingRuleTest,
  MaskingRuleTestResult,
  Member,
  MemberCreate,
  MemberRole,
  OrganizationRetention,
  Page,
} from '@synctrail/types';
import { queryOptions, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { api } from '@/api/client';

/**
 * An organization's settings as its admins manage them. The lists are small and unpaged (the API
 * answers them whole); each write invalidates its list so the screen shows what the server kept.
 */

export const membersQuery = (organizationId: string) =>
  queryOptions({
    queryKey: ['organization', organizationId, 'members'],
    queryFn: ({ signal }) => api<Page<Member>>(`/organizations/${organizationId}/members`, { signal }),
  });

export const apiKeysQuery = (organizationId: string) =>
  queryOptions({
    queryKey: ['organization', organizationId, 'api-keys'],
    queryFn: ({ signal }) => api<Page<ApiKey>>(`/organizations/${organizationId}/api-keys`, { signal }),
  });

export const maskingRulesQuery = (organizationId: string) =>
  queryOptions({
    queryKey: ['organization', organizationId, 'masking-rules'],
    queryFn: ({ signal }) =>
      api<Page<MaskingRule>>(`/organizations/${organizationId}/masking-rules`, { signal }),
  });

export const organizationIntegrationsQuery = (organizationId: string) =>
  queryOptions({
    queryKey: ['organization', organizationId, 'integrations'],
    queryFn: ({ signal }) =>
      api<Page<Integration>>(`/organizations/${organizationId}/integrations`, {
        query: { limit: 1000 },
        signal,
      }),
  });

export const addMember = (organizationId: string, body: MemberCreate) =>
  api<Member>(`/organizations/${organizationId}/members`, { method: 'POST', body });

export const changeMemberRole = (memberId: string, role: MemberRole) =>
  api<Member>(`/members/${memberId}`, { method: 'PATCH', body: { role } });

export const removeMember = (memberId: string) => api<Member>(`/members/${memberId}`, { method: 'DELETE' });

export const createApiKey = (organizationId: string, body: ApiKeyCreate) =>
  api<ApiKeyCreated>(`/organizations/${organizationId}/api-keys`, { method: 'POST', body });

export const revokeApiKey = (keyId: string) => api<ApiKey>(`/api-keys/${keyId}`, { method: 'DELETE' });

export const addMaskingRule = (organizationId: string, body: MaskingRuleCreate) =>
  api<MaskingRule>(`/organizations/${organizationId}/masking-rules`, { method: 'POST', body });

export const testMaskingRule = (organizationId: string, body: MaskingRuleTest) =>
  api<MaskingRuleTestResult>(`/organizations/${organizationId}/masking-rules/test`, {
    method: 'POST',
    body,
  });

export const removeMaskingRule = (organizationId: string, ruleId: string) =>
  api<MaskingRule>(`/organizations/${organizationId}/masking-rules/${ruleId}`, { method: 'DELETE' });

export const changeSchedule = (integrationId: string, schedule: string) =>
  api<Integration>(`/integrations/${integrationId}`, { method: 'PATCH', body: { schedule } });

/**
 * After a write: the list it changed is read again, and so is the audit log, which has a new event
 * the next time it is opened.
 */
export function refreshAfterWrite(client: QueryClient, queryKey: QueryKey): Promise<unknown> {
  return Promise.all([
    client.invalidateQueries({ queryKey }),
    client.invalidateQueries({ queryKey: ['audit'] }),
  ]);
}

export const retentionQuery = (organizationId: string) =>
  queryOptions({
    queryKey: ['organization', organizationId, 'retention'],
    queryFn: ({ signal }) =>
      api<OrganizationRetention>(`/organizations/${organizationId}/retention`, { signal }),
  });
