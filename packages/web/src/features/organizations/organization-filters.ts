import type { FilterDef } from '@/lib/filters';

const SYNC_ENABLED = [
  { value: 'true', label: 'Enabled' },
  { value: 'false', label: 'Disabled' },
] as const;

/** Organizations: a name search in the bar, the sync status at the top of its column. */
export const ORGANIZATION_FILTERS: readonly FilterDef[] = [
  { key: 'q', label: 'Name', kind: 'text', placeholder: 'Name or slug' },
  {
    key: 'syncEnabled',
    label: 'Synchronization Status',
    kind: 'select',
    options: SYNC_ENABLED,
    placement: 'column',
  },
];

/** An organization's users: a search in the bar, Synchronization Disabled at the top of its column. */
export const SYNC_USER_FILTERS: readonly FilterDef[] = [
  { key: 'q', label: 'Search', kind: 'text', placeholder: 'Name, email or external ID' },
  {
    key: 'syncEnabled',
    label: 'Synchronization Disabled',
    kind: 'select',
    options: SYNC_ENABLED,
    placement: 'column',
  },
];
