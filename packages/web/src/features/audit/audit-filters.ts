import type { FilterDef } from '@/lib/filters';
import { AUDIT_ACTION_OPTIONS } from './audit-labels';

/** The audit log's filters: who, what, which organization, when. The API matches actors exactly. */
export const AUDIT_FILTERS: readonly FilterDef[] = [
  { key: 'actor', label: 'Who', kind: 'multi', pattern: /^[a-z_]{2,20}:[^,\s]{1,320}$/i },
  { key: 'action', label: 'What', kind: 'multi', options: AUDIT_ACTION_OPTIONS },
  { key: 'organizationId', label: 'Organization', kind: 'select', pattern: /^[0-9a-f-]{36}$/i },
  { key: 'range', label: 'Date range', kind: 'range' },
];
