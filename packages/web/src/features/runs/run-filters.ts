import { RUN_PROGRESS, SYNC_STATUS, TRIGGER_PATTERN } from '@synctrail/types/enums';
import type { FilterDef } from '@/lib/filters';
import { progressLabel } from '@/lib/labels';

const ID = /^[0-9a-f-]{36}$/i;

/** The filters of Sync Logging, in the order the bar shows them. */
export const RUN_FILTERS: readonly FilterDef[] = [
  { key: 'organizationId', label: 'Organization', kind: 'select', pattern: ID },
  {
    key: 'integrationType',
    label: 'Integration type',
    kind: 'multi',
    pattern: /^[a-z0-9][a-z0-9._-]{0,63}$/,
  },
  { key: 'name', label: 'Name', kind: 'text', placeholder: 'Exact name', maxLength: 200 },
  { key: 'trigger', label: 'Trigger', kind: 'multi', pattern: new RegExp(TRIGGER_PATTERN) },
  {
    key: 'progress',
    label: 'Progress',
    kind: 'multi',
    options: RUN_PROGRESS.map((value) => ({ value, label: progressLabel(value) })),
  },
  {
    key: 'status',
    label: 'Status',
    kind: 'multi',
    options: SYNC_STATUS.map((value) => ({ value, label: value })),
  },
  { key: 'userId', label: 'User', kind: 'select', pattern: ID },
  { key: 'range', label: 'Date range', kind: 'range' },
];
